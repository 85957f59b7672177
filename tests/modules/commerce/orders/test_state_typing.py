"""The order states are types: mypy rejects an illegal transition in code (SM-2)."""

from __future__ import annotations

from pathlib import Path

from mypy import api

PROGRAM = """
import datetime as dt
from typing import assert_never
from rustok.modules.commerce.orders.state import (
    CancelledOrder, ConfirmedOrder, DeliveredOrder, OrderState, PaidOrder, PendingOrder,
    ShippedOrder,
)

now = dt.datetime.now(dt.UTC)
pending = PendingOrder(placed_at=now, inventory_reserved=True)
confirmed: ConfirmedOrder = pending.confirm(at=now)
paid: PaidOrder = confirmed.pay(payment_id="p", at=now)
shipped: ShippedOrder = paid.ship(tracking_number="t", carrier=None, at=now)
delivered: DeliveredOrder = shipped.deliver(at=now)
{illegal}

def name(state: OrderState) -> str:
    match state:
        case PendingOrder() | ConfirmedOrder() | PaidOrder() | ShippedOrder() | DeliveredOrder():
            return "open or done"
        case _:
            assert_never(state)
"""
ILLEGAL = {
    "pending.ship(tracking_number='t', carrier=None, at=now)": '"PendingOrder" has no attribute "ship"',
    "shipped.cancel(reason=None, at=now)": '"ShippedOrder" has no attribute "cancel"',
    "delivered.deliver(at=now)": '"DeliveredOrder" has no attribute "deliver"',
    "confirmed.cancel_with_refund(reason=None, refund_id='r', at=now)": "has no attribute",
}


def test_illegal_transitions_and_a_forgotten_state_do_not_type_check(tmp_path: Path) -> None:
    source = tmp_path / "orders_in_code.py"
    source.write_text(PROGRAM.format(illegal="\n".join(ILLEGAL)))
    out, _, status = api.run(
        [
            "--strict",
            "--no-incremental",
            "--follow-imports=silent",
            "--python-version=3.11",
            str(source),
        ]
    )
    assert status == 1
    for expected in ILLEGAL.values():
        assert expected in out, out
    # The match forgot CancelledOrder: assert_never reports it.
    assert 'Argument 1 to "assert_never" has incompatible type "CancelledOrder"' in out
    assert out.count("error:") == len(ILLEGAL) + 1, out
