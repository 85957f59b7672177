"""GraphQL scalars every schema has, whichever modules are installed."""

from __future__ import annotations

from typing import NewType

import strawberry

# Money in minor units can exceed GraphQL's 32-bit Int (21 million dollars in cents).
MinorUnits = NewType("MinorUnits", int)


def parse_minor_units(value: object) -> int:
    """Only a JSON integer is money: ``int()`` would turn 1.5 into 1 and "12" into 12."""
    if type(value) is not int:
        raise ValueError(f"MinorUnits takes an integer, not {value!r}")
    return value


# Always in the schema's scalar map (api/graphql.py): commerce and the storefront use it.
MINOR_UNITS_SCALAR = strawberry.scalar(
    name="MinorUnits",
    serialize=int,
    parse_value=parse_minor_units,
    description="An amount in integer minor units (cents) of its currency; up to 10^12.",
)
