"""Where the pages module's admin screens live: named here for the sidebar entries
(``admin/__init__.py``), which must not import the pages themselves."""

PAGES_PATH = "/admin/pages/pages"
MENUS_PATH = "/admin/pages/menus"
