"""The Jinja2 sandbox every mail template renders in, tenant overrides included.

``SandboxedEnvironment`` already refuses Python internals (``''.__class__``, ``_`` names,
``str.format`` tricks). A tenant's template is untrusted input on a shared server, so this
one also bounds the work a template can make the sender do:

- only the filters and globals a mail needs (no ``format``/``center``/``indent``/``safe``/
  ``batch``/``namespace``/``lipsum``…), ``range`` of at most ``MAX_RANGE`` items;
- on strings only a few harmless methods (no ``ljust(10**9)``, ``replace``, ``zfill``);
- ``+``, ``*``, ``**``, ``%`` and ``~`` checked *before* they run: no value longer than
  ``MAX_VALUE_CHARS``, no power past ``MAX_INT_BITS`` bits, no ``%`` string formatting;
- the output is streamed and cut at ``MAX_OUTPUT_CHARS`` (render.py).

Static rules for overrides (no macros, no captured blocks, loops nested at most twice, only
the shared layout and partials may be referenced) are in ``overrides.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from jinja2 import BaseLoader, StrictUndefined, nodes, pass_eval_context
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.filters import do_join
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, markup_join, str_join
from jinja2.sandbox import SandboxedEnvironment

from rustok.mail.formatting import date_filter, money_filter

MAX_RANGE = 100
MAX_VALUE_CHARS = 200_000
MAX_OUTPUT_CHARS = 1_000_000
MAX_INT_BITS = 10_000
ALLOWED_FILTERS = frozenset(
    {
        "abs", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first",
        "float", "forceescape", "groupby", "int", "items", "join", "last", "length", "list",
        "lower", "map", "max", "min", "reject", "rejectattr", "reverse", "round", "select",
        "selectattr", "sort", "string", "striptags", "sum", "title", "tojson", "trim",
        "truncate", "unique", "upper", "urlencode", "wordcount",
    }
)  # fmt: skip
STRING_METHODS = frozenset(
    {
        "capitalize", "endswith", "isdigit", "lower", "lstrip", "rstrip", "split",
        "splitlines", "startswith", "strip", "title", "upper",
    }
)  # fmt: skip
MAPPING_METHODS = frozenset({"get", "items", "keys", "values"})
SIZED = (str, list, tuple)


def _refuse_long(size: int) -> None:
    if size > MAX_VALUE_CHARS:
        raise SecurityError(f"a value longer than {MAX_VALUE_CHARS} characters is not allowed")


def bounded_range(*args: int) -> range:
    found = range(*args)
    if len(found) > MAX_RANGE:
        raise SecurityError(f"range() of more than {MAX_RANGE} items is not allowed")
    return found


@pass_eval_context
def bounded_join(
    eval_ctx: EvalContext, value: Iterable[Any], d: str = "", attribute: str | None = None
) -> str:
    items = list(value)
    if attribute is not None:
        items = [eval_ctx.environment.getattr(item, attribute) for item in items]
    _refuse_long(sum(len(str(item)) for item in items) + len(d) * max(len(items) - 1, 0))
    joined: str = do_join(eval_ctx, items, d)
    return joined


class BoundedCodeGenerator(CodeGenerator):
    """Compiles ``a ~ b`` to a call that checks the joined length before joining."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        markup = "context.eval_ctx.volatile" if frame.eval_ctx.volatile else None
        self.write("environment.bounded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        escape = markup or ("True" if frame.eval_ctx.autoescape else "False")
        self.write(f"), {escape})")


class MailSandbox(SandboxedEnvironment):
    """The sandbox of mail templates: HTML ones autoescape, text ones do not."""

    code_generator_class = BoundedCodeGenerator
    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def __init__(self, loader: BaseLoader, *, html: bool) -> None:
        super().__init__(
            loader=loader, undefined=StrictUndefined, autoescape=html,
            keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, auto_reload=False,
            optimized=False,  # no constant folding: nothing runs while compiling
        )  # fmt: skip
        self.filters = {k: v for k, v in self.filters.items() if k in ALLOWED_FILTERS}
        self.filters["join"] = bounded_join
        self.filters["money"] = money_filter
        self.filters["date"] = date_filter
        self.globals = {"range": bounded_range, "dict": dict}

    def bounded_concat(self, parts: tuple[Any, ...], markup: bool) -> str:
        strings = [p if isinstance(p, str) else str(p) for p in parts]
        _refuse_long(sum(map(len, strings)))
        joined: str = markup_join(parts) if markup else str_join(strings)
        return joined

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, str):
            return attr in STRING_METHODS
        if isinstance(obj, dict) and callable(value):
            return attr in MAPPING_METHODS
        return not isinstance(obj, list | tuple) or not callable(value)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "%" and isinstance(left, str):
            raise SecurityError("'%' string formatting is not allowed in mail templates")
        if operator == "+" and isinstance(left, SIZED) and isinstance(right, SIZED):
            _refuse_long(len(left) + len(right))
        if operator == "*":
            _check_product(left, right)
        if operator == "**":
            _check_power(left, right)
        binop: Callable[[Any, Any], Any] = self.binop_table[operator]
        return binop(left, right)


def _check_product(left: Any, right: Any) -> None:
    for sequence, times in ((left, right), (right, left)):
        if isinstance(sequence, SIZED) and isinstance(times, int):
            _refuse_long(len(sequence) * times)
    both_int = isinstance(left, int) and isinstance(right, int)
    if both_int and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise SecurityError("a number this large is not allowed in mail templates")


def _check_power(base: Any, exponent: Any) -> None:
    if isinstance(exponent, int | float) and isinstance(base, int | float):
        bits = max(abs(int(base)).bit_length(), 1) * abs(exponent)
        if bits > MAX_INT_BITS:
            raise SecurityError("a number this large is not allowed in mail templates")
