"""A module's GraphQL scalars (``ModuleSpec.graphql_scalars``) join the schema: its fields
take and give them; a definition that is not a scalar, or a type already taken, is refused."""

from __future__ import annotations

from dataclasses import replace
from typing import NewType

import httpx
import pytest
import strawberry

from rustok.api.graphql import module_scalars
from rustok.bootstrap import bootstrap
from rustok.core.module import ModuleSpec
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from rustok.web.permissions import Public
from rustok.web.scalars import MinorUnits

pytestmark = pytest.mark.sql_free

Percent = NewType("Percent", int)


def parse_percent(value: object) -> int:
    if not isinstance(value, str) or not value.endswith("%"):
        raise ValueError(f"Percent takes a string like '12%', not {value!r}")
    return int(value.removesuffix("%"))


PERCENT_SCALAR = strawberry.scalar(
    name="Percent", serialize=lambda value: f"{value}%", parse_value=parse_percent
)


@strawberry.type
class PercentQuery:
    @strawberry.field(permission_classes=[Public])
    def percent_doubled(self, value: Percent) -> Percent:
        return Percent(value * 2)


PERCENT_MODULE = ModuleSpec(
    slug="percent",
    name="Percent",
    description="Test-only module with a scalar of its own",
    version="0.0.1",
    graphql_query=PercentQuery,
    graphql_scalars={Percent: PERCENT_SCALAR},
)


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return [PERCENT_MODULE]


async def test_a_module_scalar_is_taken_and_given(client: httpx.AsyncClient) -> None:
    query = "query($v: Percent!) { percentDoubled(value: $v) }"
    answer = await client.post("/api/graphql", json={"query": query, "variables": {"v": "21%"}})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"data": {"percentDoubled": "42%"}}

    refused = await client.post("/api/graphql", json={"query": query, "variables": {"v": 21}})
    errors = refused.json()["errors"]
    assert "Percent takes a string like '12%', not 21" in errors[0]["message"]


def _platform(settings: Settings, module: ModuleSpec) -> Platform:
    return bootstrap(settings, modules=[module])


async def test_a_scalar_that_is_no_scalar_definition_is_refused(settings: Settings) -> None:
    platform = _platform(settings, replace(PERCENT_MODULE, graphql_scalars={Percent: str}))
    try:
        with pytest.raises(TypeError) as info:
            module_scalars(platform)
        assert str(info.value) == (
            "module 'percent': graphql_scalars[tests.api.test_module_scalars.Percent] is not a "
            "strawberry.scalar(name=...) definition"
        )
    finally:
        await platform.aclose()


async def test_a_scalar_type_taken_twice_is_refused(settings: Settings) -> None:
    shared = replace(PERCENT_MODULE, graphql_scalars={MinorUnits: PERCENT_SCALAR})
    platform = _platform(settings, shared)
    try:
        with pytest.raises(ValueError, match=r"^module 'percent': scalar for ") as info:
            module_scalars(platform)
        assert str(info.value).endswith("MinorUnits is taken")
    finally:
        await platform.aclose()
