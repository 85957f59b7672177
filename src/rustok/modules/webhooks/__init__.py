"""Webhooks module: outbound HTTP notifications of events (events declared now)."""
