"""Commerce: customers."""
