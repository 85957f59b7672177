"""Which problems a function can raise: a static walk of its code, for the OpenAPI document.

From a route handler (or a guard, a dependency, the tenant resolver) the walk follows every
call it can resolve (``openapi_inference``: functions of this package, methods through the
types of names and attributes, overrides in subclasses and protocol implementations,
lambdas and nested functions as if they ran) and collects each ``raise`` of a
:class:`RustokError` subclass, with the literal ``code=`` when one is given, and each problem
built directly (``build_problem(status=…, code=…)`` with literal values). An error caught by
an enclosing ``try`` counts only when the handler raises again. Calls it cannot resolve
are missed: ``tests/api/test_openapi_problems.py`` and the fuzz test compare the result
with what the running API answers, so a miss fails a test rather than going unnoticed.
"""

from __future__ import annotations

import ast
import inspect
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from rustok.api.openapi_inference import (
    Cls,
    Env,
    Frame,
    Func,
    FunctionNode,
    Inst,
    TypeInference,
    Value,
    instances,
    ours,
)
from rustok.api.problems import build_problem
from rustok.core.errors import RustokError

T = TypeVar("T")
ProblemRef = tuple[int, str]  # (status, code)
# The class raised (None: a problem built directly, never caught) with its status and code.
Raised = tuple[type[RustokError] | None, int, str]


class RaiseAnalyzer(TypeInference):
    """Memoised walks over the package's code; one instance per document build."""

    def __init__(self) -> None:
        super().__init__()
        self._memo: dict[tuple[Callable[..., Any], type | None], frozenset[Raised]] = {}

    def problems(self, fn: Callable[..., Any], owner: type | None = None) -> frozenset[ProblemRef]:
        """Every (status, code) that calling ``fn`` can raise."""
        if isinstance(fn, types.MethodType):  # a controller's handler is bound to it
            owner = type(fn.__self__)
            fn = fn.__func__
        return frozenset((status, code) for _, status, code in self._raises(fn, owner))

    def _raises(self, fn: Callable[..., Any], owner: type | None) -> frozenset[Raised]:
        fn = inspect.unwrap(fn)
        key = (fn, owner)
        if key not in self._memo:
            self._memo[key] = frozenset()  # a recursive call adds nothing new
            node = self.function_node(fn) if ours(fn) else None
            if node is not None:
                frame = self.frame(fn, owner)
                self.bind_locals(node, frame)
                self._memo[key] = frozenset(self._walk(node.body, frame))
        return self._memo[key]

    def _walk(self, statements: list[ast.stmt], frame: Frame) -> set[Raised]:
        found: set[Raised] = set()
        for statement in statements:
            found |= self._statement(statement, frame)
        return found

    def _statement(self, node: ast.AST, frame: Frame) -> set[Raised]:
        if isinstance(node, ast.ClassDef):
            return set()
        if isinstance(node, FunctionNode | ast.Lambda):
            # Defined to be called (a callback, a retried closure): counted as if it ran.
            return self._nested(node, frame, {})
        if isinstance(node, ast.Try | ast.TryStar):
            return self._try(node, frame)
        found: set[Raised] = set()
        if isinstance(node, ast.Raise) and node.exc is not None:
            found |= self._raised(node.exc, frame)
        children = list(ast.iter_child_nodes(node))
        if isinstance(node, ast.Call):
            found |= self._called(node, frame) | self._built(node, frame)
            for position, argument in enumerate([*node.args, *(k.value for k in node.keywords)]):
                if isinstance(argument, ast.Lambda):
                    params = self._callback_params(node, position, argument, frame)
                    found |= self._nested(argument, frame, params)
            children = [c for c in children if not isinstance(c, ast.Lambda)]
        for child in children:
            found |= self._statement(child, frame)
        return found

    def _nested(self, node: FunctionNode | ast.Lambda, frame: Frame, params: Env) -> set[Raised]:
        declared: Env = {}
        for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
            declared[arg.arg] = self.annotation(arg.annotation, frame) if arg.annotation else set()
        inner = frame.nested({**declared, **{k: v for k, v in params.items() if v}})
        if isinstance(node, ast.Lambda):
            return self._statement(node.body, inner)
        self.bind_locals(node, inner)
        return self._walk(node.body, inner)

    def _callback_params(
        self, call: ast.Call, position: int, callback: ast.Lambda, frame: Frame
    ) -> Env:
        """A lambda's parameters, typed by the callee's ``Callable[[A, …], R]`` annotation."""
        names = [a.arg for a in callback.args.args]
        for value in self.values(call.func, frame):
            if not isinstance(value, Func):
                continue
            parameters = list(inspect.signature(value.fn).parameters.values())
            if value.owner is not None and parameters and parameters[0].name in ("self", "cls"):
                parameters = parameters[1:]
            if position < len(call.args):
                target = parameters[position] if position < len(parameters) else None
            else:
                keyword = call.keywords[position - len(call.args)].arg
                target = next((p for p in parameters if p.name == keyword), None)
            annotation = self.hints(value.fn).get(target.name) if target is not None else None
            arguments = typing.get_args(annotation) if annotation is not None else ()
            if arguments and isinstance(arguments[0], list):
                return {n: instances(t) for n, t in zip(names, arguments[0], strict=False)}
        return {}

    def _try(self, node: ast.Try | ast.TryStar, frame: Frame) -> set[Raised]:
        body = self._walk(node.body, frame)
        caught_by_any: set[type] = set()
        found: set[Raised] = set()
        for handler in node.handlers:
            caught = self._caught_types(handler.type, frame)
            caught_by_any |= caught
            found |= self._walk(handler.body, frame)
            if any(isinstance(n, ast.Raise) and n.exc is None for n in ast.walk(handler)):
                found |= {r for r in body if _caught(r, caught)}  # re-raised
        found |= {r for r in body if not _caught(r, caught_by_any)}
        return found | self._walk(node.orelse, frame) | self._walk(node.finalbody, frame)

    def _caught_types(self, expr: ast.expr | None, frame: Frame) -> set[type]:
        if expr is None:
            return {BaseException}
        parts = expr.elts if isinstance(expr, ast.Tuple) else [expr]
        return {v.cls for part in parts for v in self.values(part, frame) if isinstance(v, Cls)}

    def _raised(self, exc: ast.expr, frame: Frame) -> set[Raised]:
        if not isinstance(exc, ast.Call):
            return {(cls, cls.status, cls.code) for cls in _error_classes(self.values(exc, frame))}
        values = self.values(exc.func, frame)
        classes = list(_error_classes(values))
        # ``raise field_error(...)``: a function that builds the error.
        classes += _error_classes(
            v for f in values if isinstance(f, Func) for v in self.returned(f.fn, f.owner)
        )
        code = _literal(exc, "code", str)
        return {(cls, cls.status, code or cls.code) for cls in classes}

    def _built(self, call: ast.Call, frame: Frame) -> set[Raised]:
        """``build_problem(status=409, code="X", …)``: a problem answered without a raise
        (the rate limiter, a rolled-back transaction's 503)."""
        if not any(
            isinstance(v, Func) and v.fn is build_problem for v in self.values(call.func, frame)
        ):
            return set()
        status, code = _literal(call, "status", int), _literal(call, "code", str)
        return {(None, status, code)} if status is not None and code is not None else set()

    def _called(self, call: ast.Call, frame: Frame) -> set[Raised]:
        found: set[Raised] = set()
        for value in self.values(call.func, frame):
            if isinstance(value, Func):
                found |= self._raises(value.fn, value.owner)
            elif isinstance(value, Cls) and not issubclass(value.cls, BaseException):
                for name in ("__init__", "__post_init__"):
                    init = value.cls.__dict__.get(name)
                    if inspect.isfunction(init):
                        found |= self._raises(init, value.cls)
            elif isinstance(value, Inst):
                method = inspect.getattr_static(value.cls, "__call__", None)
                if inspect.isfunction(method):
                    found |= self._raises(method, value.cls)
        return found


def _literal(call: ast.Call, name: str, kind: type[T]) -> T | None:
    """The keyword argument ``name`` when it is written out as a ``kind`` literal."""
    for keyword in call.keywords:
        if keyword.arg == name and isinstance(keyword.value, ast.Constant):
            value = keyword.value.value
            return value if isinstance(value, kind) else None
    return None


def _error_classes(values: Iterable[Value]) -> Iterator[type[RustokError]]:
    for value in values:
        if isinstance(value, Cls | Inst) and issubclass(value.cls, RustokError):
            yield value.cls


def _caught(raised: Raised, caught: set[type]) -> bool:
    """Whether an ``except`` of ``caught`` takes ``raised``."""
    cls = raised[0]
    return cls is not None and any(issubclass(cls, c) for c in caught)
