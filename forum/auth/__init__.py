"""Accounts: registration, sign-in, settings, deletion and public profiles."""
