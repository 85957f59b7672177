"""Every invalid field of a request body, not just the first one msgspec stops at.

msgspec validates while decoding and raises on the first broken constraint. A client fixing
a form wants them all, so after a failed decode the transports call :func:`struct_errors`
with the already-parsed JSON: each field is converted on its own against its annotated type
(``Meta`` limits included), and nested structs (alone or in lists) are walked the same way.
Keys are paths such as ``translations[1].title``.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

import msgspec

from rustok.core.errors import BadRequest, ValidationFailed

_AT_PATH = re.compile(r" - at `\$(?P<path>[^`]*)`$")


def _struct_of(annotation: Any) -> type[msgspec.Struct] | None:
    """The struct type inside ``Annotated[...]``/``X | None``, if there is exactly one."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        structs = [a for a in typing.get_args(annotation) if _is_struct(a)]
        return structs[0] if len(structs) == 1 else None
    return annotation if _is_struct(annotation) else None


def _is_struct(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, msgspec.Struct)


def _list_item(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) is list:
        return typing.get_args(annotation)[0]
    return None


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key or "body", []).append(message)


def _field_errors(annotation: Any, value: Any, key: str, errors: dict[str, list[str]]) -> None:
    try:
        msgspec.convert(value, annotation)
        return
    except msgspec.ValidationError as exc:
        message = str(exc)
    nested = _struct_of(annotation)
    if nested is not None and isinstance(value, dict):
        errors.update(struct_errors(nested, value, prefix=f"{key}."))
        return
    item = _struct_of(_list_item(annotation))
    if item is not None and isinstance(value, list):
        before = len(errors)
        for index, element in enumerate(value):
            if isinstance(element, dict):
                errors.update(struct_errors(item, element, prefix=f"{key}[{index}]."))
        if len(errors) > before:
            return  # otherwise the list itself is wrong (length), reported below
    match = _AT_PATH.search(message)
    if match:  # "... - at `$[2].title`" locates the error inside the field's value
        message = message[: match.start()]
        key += match.group("path")
    _add(errors, key, message)


def body_errors(annotation: Any, data: Any) -> dict[str, list[str]]:
    """Every invalid field of a request body meant to be an ``annotation`` (a struct or a
    list of them); empty when only the whole body is wrong (the caller then says why)."""
    struct = _struct_of(annotation)
    if struct is not None and isinstance(data, dict):
        return struct_errors(struct, data)
    item = _struct_of(_list_item(annotation))
    errors: dict[str, list[str]] = {}
    if item is not None and isinstance(data, list):
        for index, element in enumerate(data):
            if isinstance(element, dict):
                errors.update(struct_errors(item, element, prefix=f"[{index}]."))
    return errors


def struct_errors(
    cls: type[msgspec.Struct], data: Any, *, prefix: str = ""
) -> dict[str, list[str]]:
    """Field path → messages for everything wrong with ``data`` as a ``cls`` (empty if valid)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data, dict):
        try:
            msgspec.convert(data, cls)
        except msgspec.ValidationError as exc:
            _add(errors, prefix.rstrip("."), _AT_PATH.sub("", str(exc)))
        return errors
    info = msgspec.structs.fields(cls)
    config = cls.__struct_config__
    if config.forbid_unknown_fields:
        known = {f.encode_name for f in info}
        for name in data:
            if name not in known:
                _add(errors, f"{prefix}{name}", f"Object contains unknown field `{name}`")
    for field in info:
        key = f"{prefix}{field.encode_name}"
        if field.encode_name not in data:
            if field.required:
                _add(errors, key, f"Object missing required field `{field.encode_name}`")
            continue
        _field_errors(field.type, data[field.encode_name], key, errors)
    return errors


class NestingTooDeep(BadRequest):
    """JSON nested deeper than the limit: refused before anything parses it recursively."""

    code = "NESTING_TOO_DEEP"
    title = "Nesting too deep"


_RUN = re.compile(rb"\[+|\]+")
_STRING = re.compile(rb'"[^"]*"')
_NOT_SYNTAX = bytes(b for b in range(256) if b not in b'"[]{}')
_CURLY_AS_SQUARE = bytes.maketrans(b"{}", b"[]")


def json_depth_exceeds(text: bytes, limit: int) -> bool:
    """Whether the JSON ``text`` nests arrays and objects more than ``limit`` deep.

    Scans bytes without parsing (a parser is what deep input breaks), in C-speed passes:
    drop escaped backslashes and quotes, keep only quotes and brackets, drop the brackets
    inside strings, then remove innermost ``[]`` pairs a few times (real documents are
    shallow, so this usually empties it) and count what is left run by run. Malformed
    input may be over-counted, never under-counted: a parser stops at its first error.
    """
    if text.count(b"[") + text.count(b"{") <= limit:
        return False
    if b"\\\\" in text:
        text = text.replace(b"\\\\", b"")
    if b'\\"' in text:
        text = text.replace(b'\\"', b"")
    syntax = text.translate(_CURLY_AS_SQUARE, _NOT_SYNTAX)
    if b'"' in syntax:
        # Adjacent quotes are an empty string or the gap between two strings: no brackets.
        syntax = syntax.replace(b'""', b"")
        if b'"' in syntax:
            syntax = _STRING.sub(b"", syntax)
    # Each pass removes every innermost pair: the depth drops by exactly one.
    passes = min(4, limit)
    for _ in range(passes):
        syntax = syntax.replace(b"[]", b"")
    depth = 0
    for run in _RUN.finditer(syntax):
        length = run.end() - run.start()
        if syntax[run.start()] == ord("]"):
            depth -= length
            continue
        depth += length
        if depth + passes > limit:
            return True
    return False


def check_json_value(field: str, value: object, *, max_bytes: int, max_depth: int) -> None:
    """A free-form JSON field (metadata, settings) stays within its size and depth."""
    text = msgspec.json.encode(value)
    if len(text) > max_bytes:
        raise ValidationFailed(
            f"{field}: must encode to at most {max_bytes} bytes of JSON",
            errors={field: [f"must encode to at most {max_bytes} bytes of JSON"]},
        )
    if json_depth_exceeds(text, max_depth):
        raise ValidationFailed(
            f"{field}: must not nest deeper than {max_depth} levels",
            errors={field: [f"must not nest deeper than {max_depth} levels"]},
        )
