"""Where the content module's admin screens live: named here for the sidebar entries
(``admin/__init__.py``), which must not import the pages themselves."""

TAGS_PATH = "/admin/content/tags"
