"""The guide's examples as data: the ``sh`` blocks to run and the output each shows.

A ``sh`` block is run; the ``text`` block right after it, if any, is what it prints. Shown
output is split into sections at ``HTTP nnn`` lines (the status ``rk`` prints); a section's
body is JSON or plain text. JSON shown is a pattern: an object lists some of the keys (the
rest are left out for brevity), a list shows all its items unless its last item is ``"…"``,
and ``…`` inside a string stands for any text (``"…"`` alone for any value). Text lines match
in order, ``…`` again standing for any text. A block fenced ``sh retry`` waits for something
done in the background: it is run again until its output matches.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

FENCE = re.compile(r"^```(\S*)(?:[ \t]+(\S+))?[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
STATUS_LINE = re.compile(r"^HTTP (\d{3})$")
ANY = "…"


@dataclass(frozen=True)
class Example:
    """One ``sh`` block of the guide and the output shown after it."""

    line: int
    code: str
    shown: str | None
    retry: bool


@dataclass(frozen=True)
class Section:
    status: int | None
    body: str


def examples(markdown: str) -> list[Example]:
    """The ``sh`` blocks in order, each with the ``text`` block that follows it directly."""
    found: list[Example] = []
    blocks = list(FENCE.finditer(markdown))
    for index, block in enumerate(blocks):
        if block.group(1) != "sh":
            continue
        shown = None
        if index + 1 < len(blocks):
            after = blocks[index + 1]
            between = markdown[block.end() : after.start()]
            if after.group(1) == "text" and between.strip() == "":
                shown = after.group(3)
        line = markdown.count("\n", 0, block.start()) + 1
        found.append(Example(line, block.group(3), shown, block.group(2) == "retry"))
    return found


def sections(output: str) -> list[Section]:
    """Output split at the status lines ``rk`` prints (text before the first: no status)."""
    parts: list[Section] = []
    status: int | None = None
    lines: list[str] = []
    for line in output.splitlines():
        match = STATUS_LINE.match(line.strip())
        if match:
            if status is not None or any(text.strip() for text in lines):
                parts.append(Section(status, "\n".join(lines).strip()))
            status, lines = int(match.group(1)), []
        else:
            lines.append(line)
    if status is not None or any(text.strip() for text in lines):
        parts.append(Section(status, "\n".join(lines).strip()))
    return parts


def mismatches(shown: str, printed: str) -> list[str]:
    """How ``printed`` differs from the output the guide shows (empty: it matches)."""
    want, got = sections(shown), sections(printed)
    if len(want) != len(got):
        return [f"{len(want)} answers shown, {len(got)} printed"]
    problems: list[str] = []
    for number, (expected, actual) in enumerate(zip(want, got, strict=True), 1):
        where = f"answer {number}"
        if expected.status != actual.status:
            problems.append(f"{where}: status {actual.status}, shown {expected.status}")
        problems += _body_mismatches(expected.body, actual.body, where)
    return problems


def _body_mismatches(expected: str, actual: str, where: str) -> list[str]:
    patterns = _json_values(expected)
    if patterns is None:
        return _text_mismatches(expected, actual, where)
    values = _json_values(actual)
    if values is None:
        return [f"{where}: not JSON: {actual[:200]!r}"]
    if len(values) != len(patterns):
        return [f"{where}: {len(values)} JSON values printed, {len(patterns)} shown"]
    problems: list[str] = []
    for pattern, value in zip(patterns, values, strict=True):
        problems += _value_mismatches(pattern, value, where)
    return problems


def _json_values(text: str) -> list[Any] | None:
    """The JSON values ``text`` holds one after another (as jq prints them), else None."""
    decoder, values, at = json.JSONDecoder(), list[Any](), 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at == len(text):
            return values
        try:
            value, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError:
            return None
        values.append(value)


def _text_mismatches(expected: str, actual: str, where: str) -> list[str]:
    want, got = expected.splitlines(), actual.splitlines()
    if len(want) != len(got):
        return [f"{where}: {len(got)} lines printed, {len(want)} shown"]
    return [
        f"{where}: {line!r} does not match {pattern!r}"
        for pattern, line in zip(want, got, strict=True)
        if not _text_matches(pattern, line)
    ]


def _text_matches(pattern: str, text: str) -> bool:
    regex = ".*".join(re.escape(part) for part in pattern.split(ANY))
    return re.fullmatch(regex, text, re.S) is not None


def _value_mismatches(pattern: Any, value: Any, where: str) -> list[str]:
    if pattern == ANY:
        return []
    if isinstance(pattern, dict):
        if not isinstance(value, dict):
            return [f"{where}: {value!r} is not an object"]
        problems: list[str] = []
        for key, sub in pattern.items():
            if key not in value:
                problems.append(f"{where}: no {key!r}")
            else:
                problems += _value_mismatches(sub, value[key], f"{where}.{key}")
        return problems
    if isinstance(pattern, list):
        return _list_mismatches(pattern, value, where)
    if isinstance(pattern, str) and isinstance(value, str) and ANY in pattern:
        return [] if _text_matches(pattern, value) else [f"{where}: {value!r} ≠ {pattern!r}"]
    if type(pattern) is not type(value) or pattern != value:
        return [f"{where}: {value!r}, shown {pattern!r}"]
    return []


def _list_mismatches(pattern: list[Any], value: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        return [f"{where}: {value!r} is not a list"]
    open_ended = bool(pattern) and pattern[-1] == ANY
    items = pattern[:-1] if open_ended else pattern
    if len(value) < len(items) or (not open_ended and len(value) != len(items)):
        return [f"{where}: {len(value)} items, shown {len(items)}{'+' if open_ended else ''}"]
    problems: list[str] = []
    for index, item in enumerate(items):
        problems += _value_mismatches(item, value[index], f"{where}[{index}]")
    return problems
