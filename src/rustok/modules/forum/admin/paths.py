"""Where the forum module's admin screens live: named here for the sidebar entries
(``admin/__init__.py``), which must not import the pages themselves."""

REPLIES_PATH = "/admin/forum/replies"
TOPICS_PATH = "/admin/forum/topics"
