"""GraphQL execution with a short path for objects whose selected fields are all plain leaves.

graphql-core resolves each field of each object through the whole machinery — a path, a
resolve info, the resolver, an awaitable check, value completion — about 5 µs a field, so a
storefront list of 20 products with 10 fields each spent over a millisecond there, five times
what the REST list costs. Most of those fields are *plain leaves*: a scalar or enum read
from an attribute (Strawberry's basic fields: no resolver, no permission, no extension), with
no arguments. When every field selected on an object is one, the object is completed here in
one loop: read the attribute, coerce it as graphql-core would. A plain object field (an
attribute holding an object type without ``is_type_of``) whose own selection is all plain
leaves is completed the same way, and so is a plain list field (a Python list or tuple) of
plain leaves or plain objects: a connection's ``edges`` with their ``node`` and ``cursor``,
a product's variants, its tags.

Anything else takes the normal path, unchanged: a field with a resolver, arguments, a
deferred fragment or a streamed list; an abstract type; a field middleware (an extension
with a ``resolve`` hook) in the request; and — so that errors are exactly graphql-core's —
an object where a non-null field or list item reads ``None``, an awaitable, another
iterable than a list or tuple, or a value the scalar cannot coerce (the normal path then
runs for that object and reports it).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLString,
    OperationDefinitionNode,
    Undefined,
    VariableNode,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import CollectedFields, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from rustok.api.graphql_acyclic import acyclic_helpers
from rustok.api.graphql_roots import RootCall, root_call

# One selected field: response name, reader (None: ``__typename``), completion of a value
# that is not None (returning FAIL when the normal path must run), non-null.
# Last, the type whose values are the answer as they are (checked first: no call).
Leaf = tuple[str, Callable[[Any], Any] | None, Callable[[Any], Any], bool, type | None]
TYPENAME = "__typename"
FAIL = object()
PLAIN = frozenset({str, int, float, bool})  # never awaitable: no check needed
SYNC_TYPES: set[type] = set()  # Strawberry object types, never awaitable (``_awaitable``)
_GET_ATTRIBUTE: Any = object.__getattribute__
# graphql-core's own scalars return a value of these exact types as it is (an Int is checked
# for its range and a Float for being finite, so they are coerced).
AS_IS: dict[Any, type] = {GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool}
# A scalar whose coercion is one of these builtins returns a value of exactly that type as it
# is (``int(n)`` of an int is ``n``): a module's ``MinorUnits`` (``serialize=int``).
_BUILTIN_COERCIONS = (int, float, str, bool)
DEFINITION_BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF


class LeafExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.async_helpers = acyclic_helpers(self)  # freed without the cyclic collector
        # Per request: graphql-core reuses one grouped field set for every item of a list,
        # so each is planned once (the set is kept, so its id is not reused meanwhile).
        self._plans: dict[int, tuple[GroupedFieldSet, list[Leaf] | None]] = {}
        manager = self.middleware_manager
        self._plain = manager is None or not manager.middlewares
        # Across requests: the operation's plans by the document's field nodes (a cached
        # document is executed again and again); None when variables choose its fields.
        self._shared = shared_plans(self.operation, self.fragment_definitions)

    def _plan(self, parent_type: GraphQLObjectType, fields: GroupedFieldSet) -> list[Leaf] | None:
        known = self._plans.get(id(fields))
        if known is not None:
            return known[1]
        shared, key, kept = self._shared, None, None
        if shared is not None:
            # A field set kept by ``collect_subfields``: found by its id, no key to build.
            kept = shared.get(id(fields))
            if kept is not None and kept[0] is fields and kept[2] is self.is_awaitable:
                self._plans[id(fields)] = (fields, kept[1])
                return kept[1]  # type: ignore[no-any-return]
            key = (id(parent_type), self.is_awaitable, *_node_ids(fields))
            found = shared.get(key)
            plan: list[Leaf] | None = found[1] if found is not None else None
            if found is None or found[0] is not parent_type:
                plan = self._new_plan(parent_type, fields)
                shared[key] = (parent_type, plan)
            if kept is not None and kept[0] is fields:
                shared[id(fields)] = (fields, plan, self.is_awaitable)
        else:
            plan = self._new_plan(parent_type, fields)
        self._plans[id(fields)] = (fields, plan)
        return plan

    def _new_plan(
        self, parent_type: GraphQLObjectType, fields: GroupedFieldSet
    ) -> list[Leaf] | None:
        plan: list[Leaf] = []
        for response_name, details in fields.items():
            leaf = _leaf(self, parent_type, response_name, details)
            if leaf is None:
                return None
            plan.append(leaf)
        return plan

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        call = self._root(parent_type, field_details_list) if path.prev is None else None
        if call is None:
            return super().execute_field(
                parent_type, source, field_details_list, path, position_context
            )
        field_def, resolver = call
        nodes = [details.node for details in field_details_list]
        info = self.build_resolve_info(field_def, nodes, parent_type, path)
        # As graphql-core goes on with the awaitable Strawberry's resolver returns.
        return self.complete_awaitable_value(
            field_def.type, field_details_list, info, path, resolver.resolve(source, info),
            position_context,
        )  # fmt: skip

    def _root(
        self, parent_type: GraphQLObjectType, details: Any
    ) -> tuple[GraphQLField, RootCall] | None:
        """A root field's resolver with its arguments converted (``graphql_roots``), kept
        with the document's plans; None: the normal path."""
        shared = self._shared
        if shared is None or not self._plain:
            return None
        key = ("root", id(parent_type), *_node_ids({"": details}))
        found = shared.get(key)
        if found is not None and found[0] is parent_type:
            return found[1]  # type: ignore[no-any-return]
        field_def = self.schema.get_field(parent_type, details[0].node.name.value)
        call = None if field_def is None else root_call(self, field_def, details)
        planned = None if call is None or field_def is None else (field_def, call)
        shared[key] = (parent_type, planned)
        return planned

    def collect_subfields(
        self, return_type: GraphQLObjectType, field_details_list: Any
    ) -> CollectedFields:
        """graphql-core's, kept with the document's plans: an object's selections are
        collected once per document rather than once per request."""
        shared = self._shared
        if shared is None:
            return super().collect_subfields(return_type, field_details_list)
        key = ("subfields", id(return_type), *_node_ids({"": field_details_list}))
        found = shared.get(key)
        if found is not None and found[0] is return_type:
            kept: CollectedFields = found[1]
            return kept
        collected = super().collect_subfields(return_type, field_details_list)
        if _plain_collection(field_details_list, collected):
            shared[key] = (return_type, collected)
            fields = collected.grouped_field_set  # kept: its plan may be found by its id
            shared[id(fields)] = (fields, None, None)
        return collected

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        plan = self._plan(parent_type, grouped_field_set) if self._plain else None
        if plan is not None:
            completed = _complete(plan, parent_type, source_value, self.is_awaitable)
            if completed is not None:
                return completed
        return super().execute_fields(
            parent_type, source_value, path, grouped_field_set, position_context
        )


# Values: a grouped field set's plan, a root field's call (``_root``), selections collected
# (``collect_subfields``) and, by the id of a kept field set, its plan.
SharedPlans = dict[Any, tuple[Any, ...]]
# By the id of an operation node (still alive: its entry goes when it is collected).
_SHARED: dict[int, SharedPlans | None] = {}


def shared_plans(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> SharedPlans | None:
    """The plans kept for ``operation`` across requests, or None when they may differ from
    one request to the next: a directive (``@skip``, ``@include``, ``@defer``…) takes a
    variable, so the variables' values choose the fields."""
    key = id(operation)
    if key in _SHARED:
        return _SHARED[key]
    plans: SharedPlans | None = (
        None if _variable_directives([operation, *fragments.values()]) else {}
    )
    _SHARED[key] = plans
    weakref.finalize(operation, _SHARED.pop, key, None)
    return plans


def _plain_collection(parents: Any, collected: CollectedFields) -> bool:
    """Whether collected fields are the same for every request of the document: nothing
    deferred, no directive to report, no fragment variables."""
    if collected.new_defer_usages or collected.forbidden_directive_instances:
        return False
    return all(
        d.defer_usage is None and d.fragment_variable_values is None
        for details in (parents, *collected.grouped_field_set.values())
        for d in details
    )


def _variable_directives(nodes: list[Any]) -> bool:
    stack = list(nodes)
    while stack:
        node = stack.pop()
        for directive in node.directives or ():
            if any(isinstance(a.value, VariableNode) for a in directive.arguments or ()):
                return True
        selection_set = getattr(node, "selection_set", None)
        if selection_set is not None:
            stack.extend(selection_set.selections)
    return False


def _node_ids(fields: GroupedFieldSet) -> list[Any]:
    """What identifies a grouped field set within its operation: the document's field nodes
    behind each response name (a node has the name, its alias and its selections)."""
    return [
        id(details[0].node) if len(details) == 1 else tuple([id(d.node) for d in details])
        for details in fields.values()
    ]


def _leaf(
    context: LeafExecutionContext, parent_type: GraphQLObjectType, response_name: str,
    details: Any,
) -> Leaf | None:  # fmt: skip
    """The plan of one selected field, or None when it needs the normal path."""
    node = details[0].node
    if any(d.defer_usage is not None or d.node.arguments or _streamed(d.node) for d in details):
        return None
    if node.name.value == TYPENAME:
        return (response_name, None, _typename(parent_type), True, None)
    field = context.schema.get_field(parent_type, node.name.value)
    if field is None or field.args or not getattr(field.resolve, "_is_default", False):
        return None  # a resolver of our own, a permission, an extension: the normal path
    read = _reader((field.extensions or {}).get(DEFINITION_BACKREF))
    if read is None:
        return None
    complete = _completion(context, get_nullable_type(field.type), details)
    if complete is None:
        return None
    as_is = as_is_type(get_nullable_type(field.type))
    return (response_name, read, complete, is_non_null_type(field.type), as_is)


def _streamed(node: Any) -> bool:
    return any(directive.name.value == "stream" for directive in node.directives or ())


def _completion(
    context: LeafExecutionContext, output: Any, details: Any
) -> Callable[[Any], Any] | None:
    """How a value (not None) of the nullable type ``output`` is completed, or None when
    the normal path must complete it."""
    if is_leaf_type(output):
        return _coercion(output.coerce_output_value, as_is_type(output))
    if is_list_type(output):
        item_type = output.of_type
        item = _completion(context, get_nullable_type(item_type), details)
        if item is None:
            return None
        return _list(item, is_non_null_type(item_type), context.is_awaitable)
    if not is_object_type(output) or output.is_type_of is not None:
        return None
    grouped, deferred, _ = context.collect_subfields(output, details)
    if deferred:
        return None
    plan = context._plan(output, grouped)
    if plan is None:
        return None
    return _object(plan, output, context.is_awaitable)


def as_is_type(output: Any) -> type | None:
    """The type whose values the leaf type ``output`` answers as they are, or None."""
    found = AS_IS.get(output)
    if found is None and isinstance(output, GraphQLScalarType):
        coerce = output.coerce_output_value
        found = next((kind for kind in _BUILTIN_COERCIONS if coerce is kind), None)
    return found


def _reader(definition: Any) -> Callable[[Any], Any] | None:
    """What Strawberry's basic field does (``StrawberryField.get_result`` without a
    resolver), without the two calls around it."""
    if not isinstance(definition, StrawberryField) or definition.base_resolver is not None:
        return None
    name, resolve = definition.python_name, definition.default_resolver
    if resolve is getattr:
        return attrgetter(name)
    return lambda source: resolve(source, name)


def _typename(parent_type: GraphQLObjectType) -> Callable[[Any], Any]:
    return lambda _: parent_type.name


def _coercion(coerce: Callable[[Any], Any], as_is: type | None) -> Callable[[Any], Any]:
    def complete(value: Any) -> Any:
        if type(value) is as_is:
            return value
        try:
            coerced = coerce(value)
        except Exception:  # noqa: BLE001 - the normal path reports it, as a field error
            return FAIL
        return FAIL if coerced is None or coerced is Undefined else coerced

    return complete


def _object(
    plan: list[Leaf], object_type: GraphQLObjectType, is_awaitable: Callable[[Any], bool]
) -> Callable[[Any], Any]:
    def complete(value: Any) -> Any:
        completed = _complete(plan, object_type, value, is_awaitable)
        return FAIL if completed is None else completed

    return complete


def _list(
    item: Callable[[Any], Any], non_null: bool, is_awaitable: Callable[[Any], bool]
) -> Callable[[Any], Any]:
    def complete(values: Any) -> Any:
        if type(values) is not list and type(values) is not tuple:
            return FAIL  # another iterable (a generator may not be read twice)
        result: list[Any] = []
        for value in values:
            if value is None:
                if non_null:
                    return FAIL
                result.append(None)
                continue
            kind = type(value)
            if kind not in PLAIN and kind not in SYNC_TYPES and _awaitable(value, is_awaitable):
                return FAIL  # the normal path awaits it (the same object: not closed here)
            completed = item(value)
            if completed is FAIL:
                return FAIL
            result.append(completed)
        return result

    return complete


def _awaitable(value: Any, is_awaitable: Callable[[Any], bool]) -> bool:
    """``is_awaitable(value)``; a Strawberry object type found not awaitable is remembered
    (its instances never are: no ``__await__``, no attribute hooks)."""
    if is_awaitable(value):
        return True
    kind: Any = type(value)
    if (
        hasattr(kind, "__strawberry_definition__") and not hasattr(kind, "__await__")
        and not hasattr(kind, "__getattr__") and kind.__getattribute__ is _GET_ATTRIBUTE
    ):  # fmt: skip
        SYNC_TYPES.add(kind)
    return False


def _complete(
    plan: list[Leaf], parent_type: GraphQLObjectType, source: Any,
    is_awaitable: Callable[[Any], bool],
) -> dict[str, Any] | None:  # fmt: skip
    """The object's answer, or None when one field needs the normal path (its error)."""
    result: dict[str, Any] = {}
    for response_name, read, complete, non_null, as_is in plan:
        value = source if read is None else read(source)
        kind = type(value)
        if kind is as_is:
            result[response_name] = value
            continue
        if value is None:
            if non_null:
                return None
            result[response_name] = None
            continue
        if kind not in PLAIN and kind not in SYNC_TYPES and _awaitable(value, is_awaitable):
            close = getattr(value, "close", None)
            if close is not None:
                close()  # a coroutine never awaited would warn; the normal path calls again
            return None
        completed = complete(value)
        if completed is FAIL:
            return None
        result[response_name] = completed
    return result
