"""Readers for every search database's export format, and their registry (`formats.py`)."""
