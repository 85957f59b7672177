"""Commerce: inventory."""
