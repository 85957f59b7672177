"""The order page's transition buttons ↔ ``OrderService``'s transitions.

Each button posts one action; its fields are parsed into the REST route's body (``OrderPay``,
``OrderShip``, ``OrderCancel``), so a blank tracking number is refused as the API refuses it,
and the service's state machine refuses an action the order's status no longer allows (a
page opened before someone else moved the order).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Final

from rustok.core.errors import NotFound
from rustok.modules.commerce.orders.schemas import OrderCancel, OrderPay, OrderRead, OrderShip
from rustok.modules.commerce.orders.service import OrderService
from rustok.web.admin.forms import parse_form
from rustok.web.admin.i18n import N_

ORDER_STATUSES: Final = (
    N_("pending"), N_("confirmed"), N_("paid"), N_("shipped"), N_("delivered"), N_("cancelled"),
)  # fmt: skip
PAYMENT_STATUSES: Final = (
    N_("pending"), N_("authorized"), N_("captured"), N_("failed"), N_("refunded"), N_("voided"),
)  # fmt: skip
# The button of each action, and the message the next page shows.
ACTION_LABELS: Final[dict[str, str]] = {
    "confirm": N_("Confirm"), "pay": N_("Mark as paid"), "ship": N_("Ship"),
    "deliver": N_("Mark as delivered"), "cancel": N_("Cancel the order"),
}  # fmt: skip
DONE: Final[dict[str, str]] = {
    "confirm": N_("The order is confirmed."), "pay": N_("The order is paid."),
    "ship": N_("The order is shipped."), "deliver": N_("The order is delivered."),
    "cancel": N_("The order is cancelled."),
}  # fmt: skip


def _optional(posted: Mapping[str, str], name: str) -> str | None:
    return posted.get(name, "").strip() or None


async def apply_action(
    orders: OrderService, order_id: uuid.UUID, action: str, posted: Mapping[str, str]
) -> OrderRead:
    """Run ``action`` on the order through the service (404 for an unknown action)."""
    match action:
        case "confirm":
            return await orders.confirm(order_id)
        case "pay":
            pay = parse_form(OrderPay, {"payment_id": _optional(posted, "payment_id")}, {})
            return await orders.pay(order_id, pay)
        case "ship":
            ship = parse_form(
                OrderShip,
                {"tracking_number": posted.get("tracking_number", "").strip(),
                 "carrier": _optional(posted, "carrier")},
                {},
            )  # fmt: skip
            return await orders.ship(order_id, ship)
        case "deliver":
            return await orders.deliver(order_id)
        case "cancel":
            cancel = parse_form(OrderCancel, {"reason": _optional(posted, "reason")}, {})
            return await orders.cancel(order_id, cancel)
    raise NotFound(f"no such order action: {action[:40]}")
