"""``rustok serve`` with plain options skips typer (``rustok.cli.main``); everything else is
typer's, with its usual messages."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from rustok.cli.main import app, plain_serve_options


@pytest.mark.parametrize(
    ("args", "options"),
    [
        (["serve"], {}),
        (["serve", "--port", "8080"], {"port": 8080}),
        (["serve", "--port=8080", "--workers", "2"], {"port": 8080, "workers": 2}),
        (["serve", "--host", "0.0.0.0", "--workers=64"], {"host": "0.0.0.0", "workers": 64}),
        (["serve", "--port", "1", "--host=::1"], {"port": 1, "host": "::1"}),
    ],
)
def test_plain_serve_options_are_read_without_typer(
    args: list[str], options: dict[str, object]
) -> None:
    assert plain_serve_options(args) == options


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["migrate"],
        ["--version"],
        ["serve", "--help"],
        ["serve", "--port", "0"],
        ["serve", "--port", "65536"],
        ["serve", "--workers", "65"],
        ["serve", "--port", "80x"],
        ["serve", "--port", "+80"],
        ["serve", "--port", "٣"],  # a digit to str.isdigit, not to click
        ["serve", "--port"],
        ["serve", "--port", "80", "--port", "81"],
        ["serve", "--host", "--port"],
        ["serve", "--host="],
        ["serve", "--reload"],
        ["serve", "extra"],
    ],
)
def test_anything_else_is_left_to_typer(args: list[str]) -> None:
    assert plain_serve_options(args) is None


def test_a_port_out_of_range_is_refused_by_typer_as_before() -> None:
    result = CliRunner().invoke(app, ["serve", "--port", "0"])
    assert result.exit_code == 2
    assert "Invalid value for '--port'" in result.output
