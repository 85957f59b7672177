"""``rustok mcp``: the MCP server over stdio for AI agents, acting with one API key."""

from __future__ import annotations

from typing import Annotated

import typer

from rustok.cli.common import cli_settings, fail, run


def mcp_command(
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key", envvar="RUSTOK_MCP_API_KEY", show_envvar=True,
            help="The API key (rk_live_…) the agent acts with; better in the environment.",
        ),
    ] = None,
) -> None:  # fmt: skip
    """Serve MCP on stdin/stdout with the key's tenant and permissions."""
    if not api_key:
        fail("give the API key with --api-key or RUSTOK_MCP_API_KEY", 2)
    settings = cli_settings()
    from rustok.api.mcp.stdio import serve_stdio

    run(lambda: serve_stdio(settings, api_key))
