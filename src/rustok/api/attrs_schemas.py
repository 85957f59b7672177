"""Litestar's OpenAPI plugin for attrs classes, with attrs imported when one may exist.

Litestar adds ``AttrsSchemaPlugin`` whenever attrs is installed; importing it imports attrs
(some 20 modules, 7-10 ms of each worker's start), though the API's bodies and answers are
msgspec structs and the plugin is read only by the OpenAPI document, built on first use. No
class is an attrs class while attrs was never imported, so until then this one answers that
it supports no type; afterwards it is Litestar's plugin.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import TYPE_CHECKING, Any

from litestar.plugins import OpenAPISchemaPluginProtocol

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.openapi.spec import Schema
    from litestar.typing import FieldDefinition


def attrs_installed() -> bool:
    return importlib.util.find_spec("attr") is not None


class AttrsSchemasOnFirstUse(OpenAPISchemaPluginProtocol):
    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        if "attr" not in sys.modules:  # the attrs package imports it: no attrs class yet
            return False
        from litestar.plugins.attrs import AttrsSchemaPlugin

        return AttrsSchemaPlugin.is_plugin_supported_type(value)

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        from litestar.plugins.attrs import AttrsSchemaPlugin

        return AttrsSchemaPlugin().to_openapi_schema(field_definition, schema_creator)
