"""Domain modules (content, blog, forum, pages, commerce, index, ...).

Each is a package with ``module.py`` exposing ``MODULE`` (``rustok.core.module``). A built-in
one is listed here; a module from another distribution is found through its entry point in
the ``rustok.modules`` group instead (``docs/modules.md``).
"""

# "package.module:ATTRIBUTE" of every module shipped with the platform, in any order.
BUILTIN_MODULES: tuple[str, ...] = (
    "rustok.modules.content.module:MODULE",
    "rustok.modules.blog.module:MODULE",
    "rustok.modules.forum.module:MODULE",
    "rustok.modules.pages.module:MODULE",
    "rustok.modules.commerce.module:MODULE",
    "rustok.modules.index.module:MODULE",
    "rustok.modules.webhooks.module:MODULE",
)
