"""Index module: read models kept up to date by event consumers (events declared now)."""
