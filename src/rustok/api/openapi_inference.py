"""What the names in a function of this package can hold: a small, static type inference
for ``openapi_raises``.

Types come from annotations (``X | None`` → X, ``Annotated`` and containers unwrapped),
constructors (``CartService(platform)``), return annotations of resolved calls, ``with …
as``, loops, ``self.x = …`` in a class's methods, properties, and the closures of nested
functions. It is flow-insensitive: a name holds every type assigned to it anywhere in the
function. Everything is cached per instance, so the parsed sources are freed with it.
"""

from __future__ import annotations

import ast
import builtins
import copy
import functools
import importlib
import inspect
import pkgutil
import sys
import types
import typing
from collections import abc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PACKAGE = "rustok."
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_CONTAINERS = frozenset({list, tuple, set, frozenset, dict, abc.Sequence, abc.Mapping,
                         abc.Iterable, abc.Iterator, abc.AsyncIterator, abc.Awaitable,
                         abc.Coroutine, abc.AsyncGenerator, abc.Generator})  # fmt: skip


@dataclass(frozen=True, slots=True)
class Inst:
    """An instance of ``cls``."""

    cls: type


@dataclass(frozen=True, slots=True)
class Cls:
    """The class object itself."""

    cls: type


@dataclass(frozen=True, slots=True)
class Func:
    """A function; ``owner`` is the class of ``self`` for a method."""

    fn: Callable[..., Any]
    owner: type | None = None


@dataclass(frozen=True, slots=True)
class Mod:
    module: types.ModuleType


Value = Inst | Cls | Func | Mod
Env = dict[str, set[Value]]


def ours(obj: object) -> bool:
    return str(getattr(obj, "__module__", "") or "").startswith(PACKAGE)


def classify(obj: object) -> set[Value]:
    """What a module-level object (or a closure's cell) is."""
    if isinstance(obj, types.ModuleType):
        return {Mod(obj)}
    if isinstance(obj, type):
        return {Cls(obj)}
    if isinstance(obj, types.MethodType):
        owner = obj.__self__ if isinstance(obj.__self__, type) else type(obj.__self__)
        return {Func(obj.__func__, owner)}
    if inspect.isfunction(obj):
        return {Func(obj)}
    return {Inst(type(obj))} if ours(type(obj)) else set()


def instances(annotation: object) -> set[Value]:
    """The instances a value annotated so can be."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return instances(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return {v for arg in typing.get_args(annotation) for v in instances(arg)}
    if origin in _CONTAINERS:  # a container stands for its elements (values of a mapping)
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        return instances(args[-1]) if args else set()
    if isinstance(annotation, type) and annotation is not type(None):
        return {Inst(annotation)}
    return set()


@functools.cache
def _compiled(expression: str) -> types.CodeType:
    """An annotation's text compiled once: the same texts recur in every module."""
    return compile(expression, "<annotation>", "eval")


def resolve_hints(obj: Any) -> dict[str, Any]:
    """Resolved annotations; one that cannot be resolved (a TYPE_CHECKING import) is left out."""
    try:
        return typing.get_type_hints(obj, include_extras=True)
    except Exception:  # noqa: BLE001, S110 - resolved one by one below
        pass
    namespace = getattr(obj, "__globals__", None)
    if namespace is None:
        namespace = vars(inspect.getmodule(obj) or builtins)
    resolved: dict[str, Any] = {}
    for name, raw in getattr(obj, "__annotations__", {}).items():
        try:
            resolved[name] = eval(raw, namespace) if isinstance(raw, str) else raw  # noqa: S307
        except Exception:  # noqa: BLE001, S112 - unknowable here; the name stays untyped
            continue
    return resolved


class Frame:
    """One function being walked: its names and where to look others up."""

    def __init__(self, fn: Callable[..., Any], owner: type | None, hints: dict[str, Any]) -> None:
        self.owner = owner
        self.globals: dict[str, Any] = getattr(fn, "__globals__", {})
        self.env: Env = {}
        for index, name in enumerate(inspect.signature(fn).parameters):
            if index == 0 and owner is not None and name in ("self", "cls"):
                self.env[name] = {Inst(owner)} if name == "self" else {Cls(owner)}
            elif name in hints:
                self.env[name] = instances(hints[name])
        closure = getattr(fn, "__closure__", None) or ()
        for name, cell in zip(fn.__code__.co_freevars, closure, strict=False):
            try:
                self.env.setdefault(name, classify(cell.cell_contents))
            except ValueError:  # an empty cell
                continue

    def nested(self, params: Env) -> Frame:
        """The frame of a function or lambda defined inside this one (it sees our names)."""
        child = copy.copy(self)
        child.env = {**self.env, **params}
        return child


class TypeInference:
    def __init__(self) -> None:
        self._hints: dict[object, dict[str, Any]] = {}
        self._sources: dict[str, dict[int, FunctionNode]] = {}
        self._own: dict[int, list[ast.AST]] = {}
        self._attrs: dict[type, Env] = {}
        self._returns: dict[Callable[..., Any], set[Value]] = {}
        self._annotations: dict[tuple[str, int], set[Value]] = {}
        self._subclasses: dict[type, list[type]] = {}

    # --- sources -----------------------------------------------------------------------

    def hints(self, obj: Any) -> dict[str, Any]:
        if obj not in self._hints:
            self._hints[obj] = resolve_hints(obj)
        return self._hints[obj]

    def function_node(self, fn: Callable[..., Any]) -> FunctionNode | None:
        """The function's definition, from its module's source (each parsed once)."""
        code = getattr(fn, "__code__", None)
        if code is None:
            return None
        if code.co_filename not in self._sources:
            index: dict[int, FunctionNode] = {}
            try:
                with open(code.co_filename, encoding="utf-8") as source:
                    tree = ast.parse(source.read())
            except (OSError, SyntaxError, ValueError):
                tree = ast.Module(body=[], type_ignores=[])
            for node in ast.walk(tree):
                if isinstance(node, FunctionNode):
                    index[min([node.lineno, *(d.lineno for d in node.decorator_list)])] = node
            self._sources[code.co_filename] = index
        return self._sources[code.co_filename].get(code.co_firstlineno)

    def own_nodes(self, node: ast.AST) -> list[ast.AST]:
        """The nodes of a function body, without those of functions defined inside it."""
        if id(node) not in self._own:
            found: list[ast.AST] = []
            stack = list(ast.iter_child_nodes(node))
            while stack:
                child = stack.pop()
                if not isinstance(child, _NESTED):
                    found.append(child)
                    stack.extend(ast.iter_child_nodes(child))
            self._own[id(node)] = found
        return self._own[id(node)]

    def subclasses(self, cls: type) -> list[type]:
        """Subclasses, and for a protocol the loaded classes of the package implementing it."""
        if cls not in self._subclasses:
            found: list[type] = []
            stack: list[type] = list(cls.__subclasses__())
            if getattr(cls, "_is_protocol", False):
                stack += _implementations(cls)
            while stack:
                sub = stack.pop()
                if sub not in found:
                    found.append(sub)
                    stack.extend(sub.__subclasses__())
            self._subclasses[cls] = found
        return self._subclasses[cls]

    # --- names -------------------------------------------------------------------------

    def frame(self, fn: Callable[..., Any], owner: type | None) -> Frame:
        return Frame(fn, owner, self.hints(fn))

    def bind_locals(self, node: ast.AST, frame: Frame) -> None:
        """Every assignment in the body adds to its name's types."""
        for _ in range(2):  # a second pass sees names assigned from later-bound names
            for child in self.own_nodes(node):
                self._bind_node(child, frame)

    def _bind_node(self, child: ast.AST, frame: Frame) -> None:
        if isinstance(child, ast.Assign):
            values = self.values(child.value, frame)
            for target in child.targets:
                _bind(target, values, frame)
        elif isinstance(child, ast.AnnAssign):
            values = self.annotation(child.annotation, frame)
            if child.value is not None:
                values = values | self.values(child.value, frame)
            _bind(child.target, values, frame)
        elif isinstance(child, ast.For | ast.AsyncFor | ast.comprehension):
            _bind(child.target, self.values(child.iter, frame), frame)
        elif isinstance(child, ast.withitem) and child.optional_vars is not None:
            _bind(child.optional_vars, self._entered(child.context_expr, frame), frame)
        elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
            # Imported where it is used (a library loaded on first use): bound like a global.
            module = importlib.import_module(child.module)
            for alias in child.names:
                if hasattr(module, alias.name):
                    found = classify(getattr(module, alias.name))
                    _bind(ast.Name(id=alias.asname or alias.name), found, frame)
        elif isinstance(child, ast.ExceptHandler) and child.name and child.type:
            caught: set[Value] = {
                Inst(v.cls) for v in self.values(child.type, frame) if isinstance(v, Cls)
            }
            _bind(ast.Name(id=child.name), caught, frame)

    def annotation(self, expr: ast.expr, frame: Frame) -> set[Value]:
        key = (ast.unparse(expr), id(frame.globals))
        if key not in self._annotations:
            try:
                self._annotations[key] = instances(eval(_compiled(key[0]), frame.globals))  # noqa: S307
            except Exception:  # noqa: BLE001 - an annotation that only exists for type checkers
                self._annotations[key] = set()
        return self._annotations[key]

    def _entered(self, expr: ast.expr, frame: Frame) -> set[Value]:
        """``async with x as y``: y is what ``__aenter__``/``__enter__`` returns (else x)."""
        result: set[Value] = set()
        for value in self.values(expr, frame):
            if isinstance(value, Inst):
                cls = value.cls
                enter = getattr(cls, "__aenter__", None) or getattr(cls, "__enter__", None)
                result |= (self.returned(enter, cls) if enter is not None else set()) or {value}
        return result

    def returned(self, fn: Callable[..., Any], owner: type | None) -> set[Value]:
        if fn not in self._returns:
            annotation = self.hints(fn).get("return")
            if annotation is typing.Self and owner is not None:
                self._returns[fn] = {Inst(owner)}
            else:
                self._returns[fn] = instances(annotation) if annotation is not None else set()
        return self._returns[fn]

    def values(self, expr: ast.expr, frame: Frame) -> set[Value]:  # noqa: C901 - a case per node
        if isinstance(expr, ast.Name):
            if expr.id in frame.env:
                return frame.env[expr.id]
            return classify(frame.globals[expr.id]) if expr.id in frame.globals else set()
        if isinstance(expr, ast.Attribute):
            return {
                v for base in self.values(expr.value, frame) for v in self._attr(base, expr.attr)
            }
        if isinstance(expr, ast.Call):
            called: set[Value] = set()
            for value in self.values(expr.func, frame):
                if isinstance(value, Cls):
                    called.add(Inst(value.cls))
                elif isinstance(value, Func):
                    called |= self.returned(value.fn, value.owner)
            return called
        if isinstance(expr, ast.IfExp):
            return self.values(expr.body, frame) | self.values(expr.orelse, frame)
        if isinstance(expr, ast.BoolOp):
            return {v for operand in expr.values for v in self.values(operand, frame)}
        if isinstance(expr, ast.Await | ast.NamedExpr | ast.Subscript | ast.Starred):
            return self.values(expr.value, frame)  # a container stands for its elements
        if isinstance(expr, ast.List | ast.Tuple | ast.Set):
            return {v for element in expr.elts for v in self.values(element, frame)}
        if isinstance(expr, ast.Dict):
            return {v for value in expr.values for v in self.values(value, frame)}
        if isinstance(expr, ast.ListComp | ast.SetComp | ast.GeneratorExp):
            return self.values(expr.elt, frame)
        if isinstance(expr, ast.DictComp):
            return self.values(expr.value, frame)
        return set()

    def _attr(self, base: Value, name: str) -> set[Value]:
        if isinstance(base, Mod):
            return classify(getattr(base.module, name, None))
        if isinstance(base, Cls):
            member = inspect.getattr_static(base.cls, name, None)
            if isinstance(member, classmethod):
                return {Func(member.__func__, base.cls)}
            if isinstance(member, staticmethod):
                return {Func(member.__func__)}
            return classify(member) if member is not None else set()
        return self._instance_attribute(base.cls, name) if isinstance(base, Inst) else set()

    def _instance_attribute(self, cls: type, name: str) -> set[Value]:
        for klass in cls.__mro__:
            member = klass.__dict__.get(name)
            if isinstance(member, property) and member.fget is not None:
                return self.returned(member.fget, cls)
            if isinstance(member, staticmethod | classmethod):
                return {Func(member.__func__, cls if isinstance(member, classmethod) else None)}
            if inspect.isfunction(member):
                # An override in a subclass may run instead (contracts and their backends).
                overrides = [s for s in self.subclasses(cls) if name in s.__dict__]
                found: set[Value] = {Func(member, cls)}
                return found | {Func(s.__dict__[name], s) for s in overrides}
            if isinstance(member, type):
                return {Cls(member)}
        for klass in cls.__mro__:
            annotation = self.hints(klass).get(name) if ours(klass) else None
            if annotation is not None:
                return instances(annotation)
        return self._assigned_attributes(cls).get(name, set())

    def _assigned_attributes(self, cls: type) -> Env:
        """``self.x = …`` in the class's methods (``__init__``, ``__post_init__``, …)."""
        if cls not in self._attrs:
            attrs: Env = {}
            self._attrs[cls] = attrs
            methods = [m for k in cls.__mro__ if ours(k) for m in vars(k).values()]
            for method in methods:
                node = self.function_node(method) if inspect.isfunction(method) else None
                if node is None:
                    continue
                frame = self.frame(method, cls)
                for child in self.own_nodes(node):
                    if isinstance(child, ast.Assign | ast.AnnAssign) and child.value is not None:
                        targets = child.targets if isinstance(child, ast.Assign) else [child.target]
                        for target in targets:
                            if _is_self_attribute(target):
                                assert isinstance(target, ast.Attribute)
                                values = self.values(child.value, frame)
                                attrs.setdefault(target.attr, set()).update(values)
        return self._attrs[cls]


def _bind(target: ast.expr, values: set[Value], frame: Frame) -> None:
    if isinstance(target, ast.Name):
        frame.env.setdefault(target.id, set()).update(values)


def _is_self_attribute(target: ast.expr) -> bool:
    return (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
    )


def _implementations(protocol: type) -> list[type]:
    _load_neighbours(protocol)
    members = typing._get_protocol_attrs(protocol)  # type: ignore[attr-defined]
    return [
        obj
        for name, module in list(sys.modules.items())
        if name.startswith(PACKAGE)
        for obj in list(vars(module).values())
        if isinstance(obj, type)
        and obj.__module__ == name
        and not getattr(obj, "_is_protocol", False)
        and all(hasattr(obj, member) for member in members)
    ]


def _load_neighbours(protocol: type) -> None:
    """Import the modules next to ``protocol``: implementations that a server imports only
    when its settings choose them (the S3 media storage) live there, and the document should
    not depend on what the process happened to import before it was built."""
    package = protocol.__module__.rpartition(".")[0]
    if not package.startswith(PACKAGE):
        return
    for info in pkgutil.iter_modules(getattr(sys.modules[package], "__path__", [])):
        importlib.import_module(f"{package}.{info.name}")
