"""Commerce: payments."""
