"""Forum module: topics and moderated replies (events declared now)."""
