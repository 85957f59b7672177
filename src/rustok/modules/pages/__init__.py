"""Pages module: pages with blocks and menus (events declared now)."""
