"""Commerce: checkout."""
