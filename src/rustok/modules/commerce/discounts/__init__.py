"""Commerce: discounts."""
