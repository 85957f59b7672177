"""Projectors: event consumers that rebuild read-model rows from their sources."""
