"""Read models for the storefront (IX-1…IX-4): listings kept up to date by events, searched
by SQLite FTS5 or PostgreSQL tsvector, read with a constant number of queries."""
