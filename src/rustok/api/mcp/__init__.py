"""The MCP server for AI agents (M-1): tools and resources over the platform's services.

- ``tools.py`` — the tool contract: a name, a msgspec argument struct (its JSON Schema is the
  tool's input schema, its validation the REST body's), the permission of the REST route it
  mirrors, and a handler calling the same service with the key's principal.
- ``catalog_tools.py``, ``order_tools.py`` (commerce), ``blog_tools.py``, ``page_tools.py``,
  ``store_tools.py`` (index: search, ``index check``), ``outbox_tools.py`` — the tools;
  ``registry.py`` picks those of the installed modules.
- ``resources.py`` — the event catalogue as JSON Schema.
- ``server.py`` — the official ``mcp`` SDK's low-level server around them (imports ``mcp``).
- ``endpoint.py`` — ``/mcp``: streamable HTTP inside the app, loaded on first use.
- ``stdio.py`` — ``rustok mcp``: the same server over stdin/stdout.

Only ``server.py`` imports the SDK (about 1.5–2.5 s of imports): ``rustok serve`` loads it
when ``/mcp`` is first asked for, never at start-up.
"""
