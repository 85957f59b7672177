"""The Litestar and Strawberry kit the platform's and the modules' transports share.

- ``deps``: the ``platform`` and ``principal`` dependencies (``PlatformDep``, ``Caller``);
- ``principals``: the signed-in caller of a request or GraphQL field;
- ``guards``: route guards (``default_tenant_only``, ``module_enabled``);
- ``permissions``: GraphQL permission classes (``Public``, ``requires``, ``module_enabled``);
- ``graphql``: the GraphQL context (``RustokInfo``) and ids; ``scalars``: ``MinorUnits``;
- ``cursors``: opaque typed cursors; ``connections``: GraphQL connections on offset cursors;
- ``pages``: page-numbered REST lists and their bounds (``Page``, ``LogPage``, ``PerPage``);
- ``inputs``: GraphQL inputs converted to their REST twins' msgspec bodies;
- ``mcp``: MCP tools as modules declare them (``McpTool``, ``McpCall``), served by
  ``rustok.api.mcp``.

It sits above ``core``, ``rbac``, ``audit`` and ``mail`` (it reads the caller's principal
and audits denials) and below everything with an HTTP face (``outbox``, ``tenancy``,
``auth``, the modules); ``core`` imports neither Litestar nor Strawberry, and the kit imports
no module (import contracts in ``pyproject.toml``).
"""
