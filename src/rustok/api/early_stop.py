"""A stop signal that reaches a Granian worker before it listens is not lost.

A worker is forked with the main process's signal handler, a method that only sets a flag
on the server object; Granian installs the worker's own handlers after the app is imported.
A SIGTERM in between (``rustok serve`` stopped while a worker is still importing) would set
the flag on the worker's copy of the server and be forgotten: the main process then waits
for that worker for ever. So the app factory remembers the inherited handler's server, and
the lifespan, which runs once the worker's handlers are in place, sends the signal again.
"""

from __future__ import annotations

import os
import signal
from typing import Any

_inherited_server: Any = None


def remember_inherited_handler() -> None:
    """Called by the app factory in a worker, before the worker installs its handlers."""
    global _inherited_server
    handler = signal.getsignal(signal.SIGTERM)
    owner = getattr(handler, "__self__", None)
    _inherited_server = owner if hasattr(owner, "interrupt_signal") else None


def stop_requested_early() -> bool:
    return bool(getattr(_inherited_server, "interrupt_signal", False))


def resend_early_stop() -> bool:
    """Deliver again a stop signal that arrived before the worker handled signals."""
    if not stop_requested_early():
        return False
    os.kill(os.getpid(), signal.SIGTERM)
    return True
