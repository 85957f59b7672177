"""Root fields of a cached document resolved without Strawberry's per-call wrapping (issue 13).

Each call of a root resolver through Strawberry's wrapper coerces the field's arguments twice
(graphql-core's literal coercion, then Strawberry's conversion to Python values), builds the
chain of field extensions and awaits it through three layers: for ``storeProducts`` (ten
arguments, their defaults included) that cost more than the resolver itself spends besides
its read. When the arguments are literals, both coercions give the same values on every
request: here they are made once per root field of a document and kept with the document's
other plans (``graphql_leaves``), and each request calls the field's own
``PermissionExtension`` (its permissions and module guard, unchanged) with the resolver after
it, as the wrapper would.

Only a field for which that is all the wrapper does is taken: Strawberry's async resolver
with no exception handler, one ``PermissionExtension`` and no other extension that takes part
in resolving or maps arguments, arguments that are literals without variables, converting to
plain values (str, int, float, bool or None, so that no request can change them for the
next). Anything else, and any error while converting, takes the normal path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import GraphQLField, ListValueNode, ObjectValueNode, VariableNode
from graphql.execution.values import get_argument_values
from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import PermissionExtension
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField

if TYPE_CHECKING:
    from graphql import GraphQLResolveInfo
    from graphql.execution import Executor

PLAIN_VALUES = frozenset({str, int, float, bool, type(None)})
_STRAWBERRY_RESOLVER = "GraphQLCoreConverter.from_resolver.<locals>._async_resolver"


@dataclass(frozen=True, slots=True)
class RootCall:
    """One root field's resolver with its arguments converted, called as Strawberry would."""

    field: StrawberryField
    permissions: PermissionExtension
    info_class: Any
    kwargs: dict[str, Any]  # converted arguments
    source_first: bool  # the resolver takes ``self``
    source_names: tuple[str, ...]  # its ``root`` or parent parameter
    info_name: str | None

    async def resolve(self, source: Any, info: GraphQLResolveInfo[Any]) -> Any:
        strawberry_info = self.info_class(_raw_info=info, _field=self.field)
        kwargs = dict(self.kwargs)
        for name in self.source_names:
            kwargs[name] = source
        if self.info_name is not None:
            kwargs[self.info_name] = strawberry_info
        args = [source] if self.source_first else []
        # Strawberry takes ``info`` out of what the extensions see and puts it back after.
        wants_info = "info" in kwargs
        if wants_info:
            del kwargs["info"]

        def get_result(_source: Any, _info: Any, **field_kwargs: Any) -> Any:
            if wants_info:
                field_kwargs["info"] = _info
            return self.field.get_result(_source, info=_info, args=args, kwargs=field_kwargs)

        return await self.permissions.resolve_async(get_result, source, strawberry_info, **kwargs)


def root_call(context: Executor[Any], field_def: GraphQLField, details: Any) -> RootCall | None:
    """How the root field of ``details`` (its field nodes) is called without the wrapper, or
    None when it needs the normal path."""
    if len(details) != 1 or details[0].defer_usage is not None:
        return None
    if details[0].fragment_variable_values is not None:
        return None
    node = details[0].node
    if any(_has_variable(argument.value) for argument in node.arguments or ()):
        return None
    resolve = field_def.resolve
    if getattr(resolve, "__qualname__", None) != _STRAWBERRY_RESOLVER:
        return None
    field = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    strawberry_schema = getattr(context.schema, "_strawberry_schema", None)
    if (
        not isinstance(field, StrawberryField) or field.base_resolver is None
        or not field.is_async or field.is_subscription or strawberry_schema is None
        or getattr(strawberry_schema.schema_converter, "_exception_handler_specs", True)
    ):  # fmt: skip
        return None
    permissions = _only_permissions(field)
    if permissions is None:
        return None
    try:
        values = get_argument_values(field_def, node, context.variable_values)
        converter = strawberry_schema.schema_converter
        kwargs = convert_arguments(
            values, field.arguments, scalar_registry=converter.scalar_registry,
            config=strawberry_schema.config, info=None,
        )  # fmt: skip
    except Exception:  # noqa: BLE001 - the normal path reports it
        return None
    if any(type(value) not in PLAIN_VALUES for value in kwargs.values()):
        return None
    resolver = field.base_resolver
    source_names = tuple(
        parameter.name
        for parameter in (resolver.parent_parameter, resolver.root_parameter)
        if parameter is not None
    )
    info = resolver.info_parameter
    return RootCall(
        field=field, permissions=permissions, info_class=strawberry_schema.config.info_class,
        kwargs=kwargs, source_first=resolver.self_parameter is not None,
        source_names=source_names, info_name=info.name if info is not None else None,
    )  # fmt: skip


def _only_permissions(field: StrawberryField) -> PermissionExtension | None:
    """The field's one ``PermissionExtension``, if no other extension resolves or maps
    arguments."""
    if any(type(e).map_arguments is not FieldExtension.map_arguments for e in field.extensions):
        return None
    resolving = [e for e in field.extensions if e.has_resolver]
    if len(resolving) != 1 or type(resolving[0]) is not PermissionExtension:
        return None
    return resolving[0]


def _has_variable(value: Any) -> bool:
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(_has_variable(item) for item in value.values)
    if isinstance(value, ObjectValueNode):
        return any(_has_variable(field.value) for field in value.fields)
    return False
