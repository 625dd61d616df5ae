"""Tools for a developer's machine only (never imported by the running shop)."""
