"""Listening: per-utterance analyzers run as an ordered, checked pipeline."""
