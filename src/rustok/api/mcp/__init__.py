"""The MCP server for AI agents (M-1): tools and resources over the platform's services.

- ``rustok.web.mcp`` — the tool contract (``McpTool``, ``McpCall``): a name, a msgspec argument
  struct (its JSON Schema is the tool's input schema, its validation the REST body's), the
  permission of the REST route it mirrors, and a handler calling the same service with the
  key's principal. Modules declare their tools in their folder (``ModuleSpec.mcp_tools``:
  ``modules/blog/mcp.py``, ``modules/commerce/mcp/``...); this package names no module.
- ``tools.py`` — how a call runs: arguments validated, module and permission checked, audited.
- ``outbox_tools.py`` — the platform's own tool; ``registry.py`` adds the installed modules'.
- ``resources.py`` — the event catalogue as JSON Schema.
- ``server.py`` — the official ``mcp`` SDK's low-level server around them (imports ``mcp``).
- ``endpoint.py`` — ``/mcp``: streamable HTTP inside the app, loaded on first use.
- ``stdio.py`` — ``rustok mcp``: the same server over stdin/stdout.

Only ``server.py`` imports the SDK (about 1.5–2.5 s of imports): ``rustok serve`` loads it
when ``/mcp`` is first asked for, never at start-up.
"""
