"""Content module: nodes, categories, tags and media (issue to come; events declared now)."""
