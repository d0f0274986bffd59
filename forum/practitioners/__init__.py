"""Practitioners: applications, verification and its renewal, public profiles and the directory."""
