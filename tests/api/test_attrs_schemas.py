"""The app's OpenAPI plugin for attrs classes imports attrs only once one may exist (a
worker's start leaves attrs out, issue 13), and documents an attrs class as Litestar does."""

from __future__ import annotations

import subprocess
import sys

import attrs
from litestar import Litestar, get
from msgspec import Struct

from rustok.api.app import _Litestar


@attrs.define
class Parcel:
    weight_grams: int
    label: str = "fragile"


class Receipt(Struct):
    total: int


@get("/parcel", sync_to_thread=False)
def parcel() -> Parcel:
    return Parcel(weight_grams=3)


@get("/receipt", sync_to_thread=False)
def receipt() -> Receipt:
    return Receipt(total=3)


def test_an_attrs_class_is_documented_as_litestar_documents_it() -> None:
    ours = _Litestar(route_handlers=[parcel, receipt]).openapi_schema.to_schema()
    litestars = Litestar(route_handlers=[parcel, receipt]).openapi_schema.to_schema()
    assert ours == litestars
    schema = ours["components"]["schemas"]["Parcel"]
    assert schema["required"] == ["weight_grams"]
    assert set(schema["properties"]) == {"weight_grams", "label"}


_APP_WITHOUT_ATTRS = """
import sys
from litestar import get
from rustok.api.app import _Litestar

@get("/n", sync_to_thread=False)
def n() -> int:
    return 1

app = _Litestar(route_handlers=[n])
document = app.openapi_schema.to_schema()
print("attr" in sys.modules, sorted(document["paths"]))
"""


def test_an_app_without_attrs_classes_never_imports_attrs() -> None:
    done = subprocess.run([sys.executable, "-c", _APP_WITHOUT_ATTRS], capture_output=True,
                          text=True, timeout=120, check=True)  # fmt: skip
    assert done.stdout.strip() == "False ['/n']"
