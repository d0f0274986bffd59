"""Tests of the privacy features: data export, account deletion modes, noindex, the Atom feeds."""
