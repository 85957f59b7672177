"""Root resolvers called without Strawberry's per-call wrapping (``api/graphql_roots.py``):
the same data and errors as Strawberry's own execution — permissions, arguments and their
defaults, ``self``/``root``/``info`` — and the arguments converted once per document."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from strawberry.permission import BasePermission
from strawberry.schema import schema_converter
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from rustok.api.graphql_leaves import LeafExecutionContext

SEEN: list[tuple[str, dict[str, Any]]] = []


class Open(BasePermission):
    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        SEEN.append(("open", kwargs))
        return True


class ClosedForTen(BasePermission):
    message = "not for ten"

    async def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        SEEN.append(("closed", kwargs))
        return kwargs.get("n") != 10


@strawberry.input
class Range:
    low: int
    high: int


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[Open, ClosedForTen])
    async def count(self, info: strawberry.Info, n: int = 3, word: str | None = None) -> str:
        assert info.field_name == "count" and info.path.key in ("count", "c", "d")
        return f"{word or 'x'}:{n}:{type(self).__name__}"

    @strawberry.field(permission_classes=[Open])
    async def words(self, root: Any, tags: list[str] | None = None) -> list[str]:
        return [f"{t}-{root is None}" for t in tags or ["none"]]

    @strawberry.field(permission_classes=[Open])
    async def ranged(self, within: Range) -> int:
        return within.high - within.low

    @strawberry.field(permission_classes=[Open])
    async def failing(self, why: str) -> str:
        raise ValueError(why)

    @strawberry.field
    async def unguarded(self, n: int = 1) -> int:
        return n * 2


def _schema(context: type[Any]) -> strawberry.Schema:
    return strawberry.Schema(query=Query, execution_context_class=context)


# A document, its variables, and how many of its root fields Strawberry's wrapper resolves
# once the document's plans are kept (the others: ``graphql_roots``).
DOCUMENTS: list[tuple[str, dict[str, Any] | None, int]] = [
    ("{ count }", None, 0),
    ('{ c: count(n: 5, word: "hi") d: count }', None, 0),
    ("{ count(n: 10) }", None, 0),  # refused by a permission
    ("query($n: Int!) { count(n: $n) }", {"n": 10}, 1),  # a variable: the normal path
    ('{ words(tags: ["a", "b"]) }', None, 1),  # a list: converted for every request
    ("{ ranged(within: {low: 2, high: 7}) }", None, 1),  # an input object: the same
    ('{ failing(why: "broken") }', None, 0),
    ("{ unguarded(n: 4) }", None, 1),  # no permission extension: the normal path
    ('{ count(n: 2) failing(why: "no") words }', None, 0),
]


@pytest.fixture
def wrapped(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The root fields whose arguments Strawberry's wrapper converted."""
    converted: list[str] = []
    original = schema_converter.get_arguments

    def counting(**kwargs: Any) -> Any:
        converted.append(kwargs["field"].name)
        return original(**kwargs)

    monkeypatch.setattr(schema_converter, "get_arguments", counting)
    return converted


@pytest.mark.parametrize(("document", "variables", "by_wrapper"), DOCUMENTS)
async def test_the_same_answers_and_permission_calls_as_strawberry(
    document: str, variables: dict[str, Any] | None, by_wrapper: int, wrapped: list[str]
) -> None:
    plain_schema = _schema(StrawberryGraphQLCoreExecutionContext)
    schema = _schema(LeafExecutionContext)
    for _ in range(2):  # the second time from the document's kept plans
        SEEN.clear()
        plain = await plain_schema.execute(document, variable_values=variables)
        plain_seen = list(SEEN)
        SEEN.clear()
        wrapped.clear()
        root = await schema.execute(document, variable_values=variables)
        assert root.data == plain.data
        assert [e.formatted for e in root.errors or []] == [e.formatted for e in plain.errors or []]
        assert SEEN == plain_seen  # the permissions saw the same arguments
    assert len(wrapped) == by_wrapper


async def test_literal_arguments_are_converted_once_per_document(wrapped: list[str]) -> None:
    converted = wrapped
    schema = _schema(LeafExecutionContext)
    document = '{ count(n: 7, word: "w") words(tags: ["t"]) }'
    for _ in range(3):
        result = await schema.execute(document)
        assert result.data == {"count": "w:7:NoneType", "words": ["t-True"]}
    # ``count`` never by Strawberry's wrapper; ``words`` (a list argument) every time.
    assert converted == ["words", "words", "words"]
    variables = await schema.execute("query($n: Int!) { count(n: $n) }", variable_values={"n": 1})
    assert variables.data == {"count": "x:1:NoneType"}
    assert converted[-1] == "count"
