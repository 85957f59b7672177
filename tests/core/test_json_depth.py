"""The JSON depth scan (core.validation): exact on valid JSON, never lower on broken JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rustok.core.errors import ValidationFailed
from rustok.core.settings import SettingsError, load_settings
from rustok.core.validation import check_json_value, json_depth_exceeds

# Strings full of what a byte scan could mistake for structure.
TRICKY_TEXT = st.text(alphabet='[]{}"\\ab\n\u00e9\u0000', max_size=8)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TRICKY_TEXT,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(TRICKY_TEXT, children, max_size=3)
    ),
    max_leaves=40,
)


def depth_of(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((depth_of(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth_of(v) for v in value.values()), default=0)
    return 0


@settings(max_examples=400, deadline=None)
@given(JSON_VALUES, st.integers(min_value=0, max_value=12), st.booleans())
def test_depth_is_exact_on_valid_json(value: Any, limit: int, pretty: bool) -> None:
    text = json.dumps(value, indent=1).encode() if pretty else msgspec.json.encode(value)
    assert json_depth_exceeds(text, limit) == (depth_of(value) > limit)


@pytest.mark.parametrize(
    "text",
    [
        b"[" * 2000,  # never closed: a parser recurses before it finds out
        b"[" * 65 + b"]" * 65,
        b'{"a":' * 65 + b"1" + b"}" * 65,
        b'["\\\\",' * 65 + b"1" + b"]" * 65,  # escaped backslashes close their strings
        b'{"x": "' + b"]" * 100 + b'", "y": ' + b"[" * 65,
        b"[" * 30 + b"{" * 30 + b"[" * 10 + b"}" * 5,  # wrongly closed, deep before that
    ],
)
def test_too_deep_even_when_broken(text: bytes) -> None:
    assert json_depth_exceeds(text, 64)


@pytest.mark.parametrize(
    "text",
    [
        b"[" * 64 + b"]" * 64,
        b'{"a":' * 63 + b"[1]" + b"}" * 63,
        b'["' + b"[" * 5000 + b'"]',  # brackets inside a string are text
        b'["\\"' + b"[" * 5000 + b'"]',  # so are those after an escaped quote
        b"[" + b"[1]," * 200_000 + b"[]]",  # wide, shallow
    ],
)
def test_deep_looking_but_shallow(text: bytes) -> None:
    assert not json_depth_exceeds(text, 64)


def test_free_form_values_have_size_and_depth_limits() -> None:
    nested: Any = "leaf"
    for _ in range(17):
        nested = {"a": nested}
    check_json_value("metadata", {"a": [1, 2, {"b": "c"}]}, max_bytes=100, max_depth=16)
    with pytest.raises(ValidationFailed) as deep:
        check_json_value("metadata", nested, max_bytes=10_000, max_depth=16)
    assert deep.value.errors == {"metadata": ["must not nest deeper than 16 levels"]}
    with pytest.raises(ValidationFailed) as big:
        check_json_value("metadata", {"a": "x" * 200}, max_bytes=100, max_depth=16)
    assert big.value.errors == {"metadata": ["must encode to at most 100 bytes of JSON"]}


def test_depth_setting_is_bounded(tmp_path: Path) -> None:
    env = {"RUSTOK_SECRET_KEY": "s" * 40, "RUSTOK_DATA_DIR": str(tmp_path)}
    assert load_settings(env, warn=False).max_json_depth == 64
    assert load_settings({**env, "RUSTOK_MAX_JSON_DEPTH": "16"}, warn=False).max_json_depth == 16
    # Above 256 a deep body could again reach the interpreter's recursion limit.
    assert sys.getrecursionlimit() > 256 * 2
    with pytest.raises(SettingsError, match="RUSTOK_MAX_JSON_DEPTH: 1000 is out of range"):
        load_settings({**env, "RUSTOK_MAX_JSON_DEPTH": "1000"}, warn=False)
