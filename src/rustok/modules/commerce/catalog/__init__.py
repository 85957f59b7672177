"""Commerce: catalog."""
