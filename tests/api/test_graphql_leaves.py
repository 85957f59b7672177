"""The short path for plain-leaf objects (``api/graphql_leaves.py``) answers exactly what
graphql-core answers — data and errors — and is taken where it should be."""

from __future__ import annotations

import enum
import uuid
from typing import Any, NewType

import pytest
import strawberry
from graphql import ExecutionResult, GraphQLObjectType, execute, parse
from graphql.execution import executor
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from rustok.api.graphql_leaves import LeafExecutionContext


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Money:
    amount: int
    currency: str


@strawberry.type
class Item:
    id: strawberry.ID
    key: uuid.UUID
    title: str
    subtitle: str | None
    colour: Colour
    price: Money
    compare_at: Money | None
    tags: list[str]
    rank: float
    big: int  # out of GraphQL Int's range for one item: a coercion error

    @strawberry.field
    def shout(self, times: int = 1) -> str:
        return self.title.upper() * times


# Coerced by a builtin (like ``MinorUnits``): an int is answered as it is, a bool made 1.
Cents = NewType("Cents", int)
CENTS = strawberry.scalar(name="Cents", serialize=int, parse_value=int)


@strawberry.type
class Tip:
    cents: Cents
    label: str


@strawberry.type
class Edge:
    cursor: str
    node: Item


def _item(n: int, **changes: Any) -> Item:
    values: dict[str, Any] = {
        "id": strawberry.ID(f"i{n}"), "key": uuid.UUID(int=n), "title": f"item {n}",
        "subtitle": None if n % 2 else f"sub {n}", "colour": Colour.RED if n % 2 else Colour.BLUE,
        "price": Money(amount=100 * n, currency="EUR"),
        "compare_at": None if n % 3 else Money(amount=150 * n, currency="EUR"),
        "tags": [f"t{n}"], "rank": n / 3, "big": n,
    }  # fmt: skip
    values.update(changes)
    return Item(**values)


@strawberry.type
class Shelf:
    """Plain list fields: of objects, of nullable objects, of lists of leaves."""

    name: str
    items: list[Item]
    gaps: list[Item | None] | None
    grid: list[list[int]]


BROKEN: dict[str, list[Item]] = {}
SHELVES: dict[str, Any] = {}


@strawberry.type
class Query:
    @strawberry.field
    def edges(self) -> list[Edge]:
        return [Edge(cursor=f"c{n}", node=_item(n)) for n in range(1, 7)]

    @strawberry.field
    def tips(self) -> list[Tip]:
        return [Tip(cents=Cents(250), label="a"), Tip(cents=Cents(True), label="b")]

    @strawberry.field
    def broken(self, kind: str) -> list[Item]:
        return BROKEN[kind]

    @strawberry.field
    def shelf(self, kind: str) -> Shelf:
        made: Shelf = SHELVES[kind]()
        return made


def _schema(context: type[Any]) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query, execution_context_class=context,
        config=StrawberryConfig(scalar_map={Cents: CENTS}),
    )  # fmt: skip


class Recording(LeafExecutionContext):
    """Notes the object types the short path completed."""

    fast: list[str] = []

    def execute_fields(self, parent_type: GraphQLObjectType, *args: Any) -> Any:
        plan = self._plan(parent_type, args[2]) if self._plain else None
        if plan is not None:
            Recording.fast.append(parent_type.name)
        return super().execute_fields(parent_type, *args)


DOCUMENTS = [
    "{ edges { cursor node { id key title subtitle colour rank } } }",
    "{ edges { c: cursor node { __typename t: title id t2: title } } }",
    "{ edges { node { price { amount currency } compareAt { amount } } } }",
    "{ edges { node { title tags } } }",  # a list of leaves
    "{ edges { node { title shout(times: 2) } } }",  # a resolver with arguments
    "{ edges { node { ...F } } } fragment F on Item { id title colour }",
    "query($s: Boolean!) { edges { node { id title @include(if: $s) subtitle @skip(if: $s) } } }",
    '{ broken(kind: "null-title") { id title } }',
    "{ tips { cents label } }",
    '{ broken(kind: "big") { id big } }',
    '{ broken(kind: "null-price") { id price { amount } } }',
    '{ broken(kind: "nan-rank") { id rank } }',
    '{ shelf(kind: "plain") { name items { id title tags price { amount } } gaps { id } grid } }',
    '{ shelf(kind: "plain") { items { title } ...G } } fragment G on Shelf { gaps { key } }',
    '{ shelf(kind: "null-item") { name items { id } } }',
    '{ shelf(kind: "null-gap") { name gaps { id } } }',
    '{ shelf(kind: "big-in-grid") { name grid } }',
    '{ shelf(kind: "generator") { name items { id } grid } }',
    '{ shelf(kind: "awaitable-item") { name items { id title } } }',
]


@pytest.fixture(autouse=True)
def broken_items() -> None:
    BROKEN.update(
        {
            "null-title": [_item(1), _item(2, title=None), _item(3)],
            "big": [_item(1), _item(2, big=2**40)],
            "null-price": [_item(1, price=None)],
            "nan-rank": [_item(1), _item(2, rank=float("nan"))],
        }
    )

    async def later(n: int) -> Item:
        return _item(n)

    def shelf(items: Any = None, gaps: Any = None, grid: Any = None) -> Any:
        return lambda: Shelf(
            name="s", items=[_item(1), _item(2)] if items is None else items(),
            gaps=[_item(3), None] if gaps is None else gaps(),
            grid=[[1, 2], [3]] if grid is None else grid(),
        )  # fmt: skip

    SHELVES.update(
        {
            "plain": shelf(),
            "null-item": shelf(items=lambda: [_item(1), None]),
            "null-gap": shelf(gaps=lambda: None),
            "big-in-grid": shelf(grid=lambda: [[1], [2**40]]),
            "generator": shelf(items=lambda: (_item(n) for n in (1, 2)), grid=lambda: ([1],)),
            "awaitable-item": shelf(items=lambda: [_item(1), later(2)]),
        }
    )


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("include", [True, False])
async def test_the_short_path_answers_what_graphql_core_answers(
    document: str, include: bool
) -> None:
    variables = {"s": include} if "$s" in document else None
    plain = await _schema(StrawberryGraphQLCoreExecutionContext).execute(
        document, variable_values=variables
    )
    short = await _schema(LeafExecutionContext).execute(document, variable_values=variables)
    assert short.data == plain.data
    assert [e.formatted for e in short.errors or []] == [e.formatted for e in plain.errors or []]


async def test_errors_are_graphql_cores_own() -> None:
    result = await _schema(LeafExecutionContext).execute('{ broken(kind: "null-title") { title } }')
    assert result.data is None  # a non-null list item failed: the list, then its parent
    assert result.errors is not None
    assert result.errors[0].message == "Cannot return null for non-nullable field Item.title."
    assert result.errors[0].path == ["broken", 1, "title"]
    big = await _schema(LeafExecutionContext).execute('{ broken(kind: "big") { big } }')
    assert big.errors is not None and "Int cannot represent" in big.errors[0].message


async def test_the_short_path_is_taken_for_plain_objects_only() -> None:
    Recording.fast = []
    result = await _schema(Recording).execute(
        "{ edges { cursor node { id title price { amount } } } }"
    )
    assert result.errors is None
    assert result.data is not None
    assert result.data["edges"][0] == {
        "cursor": "c1", "node": {"id": "i1", "title": "item 1", "price": {"amount": 100}}
    }  # fmt: skip
    # Each edge is completed in one go (its node and price inside it); Query is not.
    assert Recording.fast.count("Edge") == 6
    assert "Query" not in Recording.fast
    Recording.fast = []
    await _schema(Recording).execute("{ edges { node { title shout } } }")
    assert "Item" not in Recording.fast and "Edge" not in Recording.fast


class Planning(LeafExecutionContext):
    """Notes the plans made, by object type."""

    plans: list[tuple[str, Any]] = []

    def _new_plan(self, parent_type: GraphQLObjectType, fields: Any) -> Any:
        plan = super()._new_plan(parent_type, fields)
        Planning.plans.append((parent_type.name, plan))
        return plan


async def test_a_scalar_coerced_by_a_builtin_answers_values_of_its_type_as_they_are() -> None:
    Planning.plans = []
    document = "{ tips { cents label } }"
    result = await _schema(Planning).execute(document)
    plain = await _schema(StrawberryGraphQLCoreExecutionContext).execute(document)
    assert result.errors is None
    assert result.data == plain.data == {"tips": [
        {"cents": 250, "label": "a"}, {"cents": 1, "label": "b"},
    ]}  # fmt: skip
    [plan] = [plan for name, plan in Planning.plans if name == "Tip"]
    # By response name, the type answered without calling the scalar's coercion.
    assert {leaf[0]: leaf[4] for leaf in plan} == {"cents": int, "label": str}


async def test_plain_lists_are_completed_in_the_short_path() -> None:
    Recording.fast = []
    result = await _schema(Recording).execute(
        '{ shelf(kind: "plain") { name items { id tags } gaps { id } grid } }'
    )
    assert result.errors is None
    assert result.data == {"shelf": {
        "name": "s", "items": [{"id": "i1", "tags": ["t1"]}, {"id": "i2", "tags": ["t2"]}],
        "gaps": [{"id": "i3"}, None], "grid": [[1, 2], [3]],
    }}  # fmt: skip
    # The shelf in one go, its lists and their items inside it.
    assert Recording.fast == ["Shelf"]
    result = await _schema(Recording).execute(
        '{ shelf(kind: "awaitable-item") { items { id } } }'
    )  # an awaitable item: the normal path, which awaits it
    assert result.errors is None
    assert result.data == {"shelf": {"items": [{"id": "i1"}, {"id": "i2"}]}}


async def test_selections_are_collected_once_per_document(monkeypatch: pytest.MonkeyPatch) -> None:
    collected: list[str] = []
    original = getattr(executor, "collect_subfields")  # noqa: B009 - not exported

    def counting(*args: Any, **kwargs: Any) -> Any:
        collected.append(args[4].name)  # the object type whose selections are collected
        return original(*args, **kwargs)

    monkeypatch.setattr(executor, "collect_subfields", counting)
    schema = _schema(LeafExecutionContext)._schema
    # Parsed once, as the document cache does (plans are kept with a document's nodes).
    document = parse('{ shelf(kind: "plain") { name items { id price { amount } } } }')
    for _ in range(3):
        result = await _execute(schema, document)
        assert result.data == {"shelf": {"name": "s", "items": [
            {"id": "i1", "price": {"amount": 100}}, {"id": "i2", "price": {"amount": 200}},
        ]}}  # fmt: skip
    assert sorted(collected) == ["Item", "Money", "Shelf"]  # the first request's only
    collected.clear()
    chosen = parse('query($s: Boolean!) { shelf(kind: "plain") { name @include(if: $s) } }')
    for include in (True, False, True):
        result = await _execute(schema, chosen, {"s": include})
        assert result.data == {"shelf": {"name": "s"} if include else {}}
    assert collected == ["Shelf"] * 3  # variables choose the fields: collected each time


async def _execute(schema: Any, document: Any, variables: Any = None) -> ExecutionResult:
    result = execute(
        schema, document, variable_values=variables, executor_class=LeafExecutionContext
    )
    return await result if not isinstance(result, ExecutionResult) else result
