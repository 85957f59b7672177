"""Commerce module: catalogue, stock, carts, checkout, orders, payments (events declared now)."""
