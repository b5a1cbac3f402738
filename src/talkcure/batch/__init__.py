"""Coding whole transcripts and corpora with the listening models."""
