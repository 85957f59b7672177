"""A form post's one shape: read the fields, call the service, answer.

:func:`submit_form` reads the posted text fields, checks the form's version when it has
one (:func:`ensure_fresh`), calls ``save`` (which builds the body and calls the service),
and on a :class:`RustokError` shows the form again (``again``) with each error under its
field and the error's status; otherwise it redirects with a flash message, or answers what
``done`` makes of the service's result.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from litestar import Request, Response

from rustok.core.errors import RustokError
from rustok.web.admin.forms import FormState, ensure_fresh
from rustok.web.admin.render import redirect_with_flash

R = TypeVar("R")
AnyRequest = Request[Any, Any, Any]
# The form shown again: its state and the answer's status.
Again = Callable[[FormState, int], "Response[str] | Awaitable[Response[str]]"]
# Where the form's state after an error comes from (a form may file errors its own way).
StateOf = Callable[[Mapping[str, str], RustokError], FormState]


async def posted_fields(request: AnyRequest) -> dict[str, str]:
    """The posted text fields (file parts are left out)."""
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


async def submit_form(
    request: AnyRequest, save: Callable[[dict[str, str]], Awaitable[R]], *, again: Again,
    done: tuple[str, str] | Callable[[R], Response[Any]], version: str | None = None,
    state_of: StateOf = FormState.failed,
) -> Response[Any]:  # fmt: skip
    """``save`` the posted form; ``done`` is ``(path, flash message)`` to redirect to, or
    makes the answer from ``save``'s result. ``version``: the row's current version, which
    the form must carry (a stale form is refused, 409)."""
    posted = await posted_fields(request)
    try:
        if version is not None:
            ensure_fresh(version, posted)
        result = await save(posted)
    except RustokError as exc:
        shown = again(state_of(posted, exc), exc.status)
        return await shown if inspect.isawaitable(shown) else shown
    if isinstance(done, tuple):
        return redirect_with_flash(request, *done)
    return done(result)
