"""Commerce: carts."""
