"""No float or Decimal money arithmetic anywhere in the commerce package (CO-2).

The source is parsed, not grepped: any float literal, any use of ``float``/``Decimal``/
``decimal``/``fractions``, and any true division (``/``, ``/=``) fails the test. Money is
integer minor units and every division in the package is ``//`` with a stated rounding rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import rustok.modules.commerce as commerce

PACKAGE = Path(commerce.__file__).parent
FORBIDDEN_NAMES = {"float", "Decimal", "decimal", "Fraction", "fractions", "truediv"}


def offences(source: str, filename: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        line = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Constant) and isinstance(node.value, float):
            found.append(f"{line}: float literal {node.value!r}")
        elif isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(node.op, ast.Div):
            found.append(f"{line}: true division")
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(f"{line}: {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_NAMES:
            found.append(f"{line}: .{node.attr}")
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            found += [f"{line}: imports {n}" for n in names if n.split(".")[0] in FORBIDDEN_NAMES]
    return found


def test_the_commerce_package_has_no_float_or_decimal_arithmetic() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 40  # the whole package, subpackages included
    problems = [p for f in files for p in offences(f.read_text(), str(f.relative_to(PACKAGE)))]
    assert problems == []


def test_the_scan_catches_each_kind_of_offence() -> None:
    samples = {
        "total = price * 1.2": "float literal",
        "share = total / 3": "true division",
        "total /= 2": "true division",
        "amount = float(text)": "float",
        "from decimal import Decimal": "imports",
        "import decimal": "imports",
        "x = decimal.Decimal('1')": "Decimal",
        "import fractions": "imports",
    }
    for source, kind in samples.items():
        found = offences(source, "sample.py")
        assert found and kind in found[0], (source, found)
    assert offences("share = total // 3\nrate = 825", "ok.py") == []
