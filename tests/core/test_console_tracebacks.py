"""The console log's tracebacks are rich's, though structlog is imported without rich (a
worker's start leaves rich out, issue 13): rich comes with the first exception written."""

from __future__ import annotations

import subprocess
import sys

# Logs an exception through the stdlib (a foreign record: its traceback is the console
# renderer's), importing rich first when told to, as an app that uses rich itself would.
_LOG_AN_EXCEPTION = """
import logging, sys
if sys.argv[1] == "rich-first": import rich
from rustok.core.logging import configure_logging
configure_logging("console", "info")
before = "rich" in sys.modules

def divide(n):
    return 1 / n

def main():
    try:
        divide(0)
    except ZeroDivisionError:
        logging.getLogger("probe").exception("failed")

main()
print(before, "rich" in sys.modules)
"""


def _log(order: str) -> tuple[str, str]:
    done = subprocess.run([sys.executable, "-c", _LOG_AN_EXCEPTION, order], capture_output=True,
                          text=True, timeout=120, check=True, env={"COLUMNS": "100"})  # fmt: skip
    # The first line starts with the time it was written.
    return done.stdout.strip(), done.stderr.split("\n", 1)[1]


def test_rich_is_imported_by_the_first_traceback_which_is_as_rich_draws_it() -> None:
    imported, traceback = _log("structlog-first")
    assert imported == "False True"
    assert traceback.startswith("╭─") and "Traceback (most recent call last)" in traceback
    assert "│ in divide:" in traceback and "n = 0" in traceback  # the frames, with locals
    assert traceback.rstrip().endswith("ZeroDivisionError: division by zero")
    # Byte for byte what structlog's own formatter writes when rich was there before it.
    assert _log("rich-first") == ("True True", traceback)
