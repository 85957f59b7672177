"""Commerce: regions."""
