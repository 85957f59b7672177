"""What the ``rustok`` command line lends a module's commands (``ModuleSpec.cli``).

A module's typer app cannot import ``rustok.cli`` (it sits above the modules), so each of its
commands takes the click context and asks it for the kit::

    @cli.command("reindex")
    def reindex(ctx: typer.Context) -> None:
        kit = command_kit(ctx)
        settings = kit.settings()
        kit.run(lambda: work(settings))

The kit loads and validates the settings (exit 2 on a bad one), opens a platform for one
command (schema checked, closed after) and turns expected failures into a message and an
exit code, exactly as the platform's own commands do.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, NoReturn, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from rustok.core.platform import Platform
    from rustok.core.settings import Settings

T = TypeVar("T")


@runtime_checkable
class CommandKit(Protocol):
    def settings(self) -> Settings:
        """The validated settings of every available module (exit 2 on a bad value)."""
        ...

    def open_platform(
        self, settings: Settings, *, check_schema: bool = True
    ) -> AbstractAsyncContextManager[Platform]:
        """A platform for one command; closed on exit."""
        ...

    def run(self, work: Callable[[], Awaitable[T]]) -> T:
        """Run a coroutine; expected failures become a message and a non-zero exit."""
        ...

    def fail(self, message: str, code: int = 1) -> NoReturn:
        """Print ``error: message`` on stderr and exit with ``code``."""
        ...


def command_kit(ctx: object) -> CommandKit:
    """The kit of the running ``rustok`` command (from its click context's ``obj``)."""
    kit = getattr(ctx, "obj", None)
    if not isinstance(kit, CommandKit):
        raise RuntimeError("a module's command runs inside the `rustok` command line")
    return kit
