"""The order state machine (SM-2) as types: an illegal transition does not type-check.

    state      action               next       guard / data
    ---------  -------------------  ---------  --------------------------------------------
    —          place                pending    lines, each with stock reserved; a payment
                                               authorised for the total, in its currency
    pending    confirm              confirmed  inventory reserved
    pending    cancel               cancelled  reason?  (reservations released)
    confirmed  pay                  paid       payment id (non-empty)
    confirmed  cancel               cancelled  reason?  (reservations released)
    paid       ship                 shipped    tracking number (non-empty), carrier?
    paid       cancel (with refund) cancelled  reason?, refund id (payment refunded)
    shipped    deliver              delivered  —
    delivered  —                    terminal
    cancelled  —                    terminal

One frozen, slotted class per state; each transition is a method of its legal source state
only and returns the next state; ``PendingOrder.place`` makes the first one (orders are
created only through it: orders/placement.py). ``load_order_state`` maps a stored row to its
state and ``OrderStateMachine`` is the same table as data (used for ``allowed_actions`` and
tests).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Final, Literal, Protocol, assert_never

from rustok.core.errors import InvalidTransition

OrderStatus = Literal["pending", "confirmed", "paid", "shipped", "delivered", "cancelled"]
OrderAction = Literal["confirm", "pay", "ship", "deliver", "cancel"]

OrderStateMachine: Final[dict[OrderStatus, dict[OrderAction, OrderStatus]]] = {
    "pending": {"confirm": "confirmed", "cancel": "cancelled"},
    "confirmed": {"pay": "paid", "cancel": "cancelled"},
    "paid": {"ship": "shipped", "cancel": "cancelled"},
    "shipped": {"deliver": "delivered"},
    "delivered": {},
    "cancelled": {},
}


class GuardFailed(InvalidTransition):
    """The transition exists from this state but its precondition does not hold."""

    code = "INVALID_TRANSITION"


class Authorization(Protocol):
    """A payment as placing an order sees it (a ``commerce_payments`` row has this)."""

    @property
    def status(self) -> str: ...
    @property
    def amount(self) -> int: ...
    @property
    def currency_code(self) -> str: ...


@dataclass(frozen=True, slots=True)
class PendingOrder:
    placed_at: dt.datetime
    inventory_reserved: bool

    @staticmethod
    def place(
        *,
        variants: Collection[uuid.UUID],
        reserved: Collection[uuid.UUID],
        total: int,
        currency: str,
        payment: Authorization,
        at: dt.datetime,
    ) -> PendingOrder:
        """A new order: ``variants`` of its lines, ``reserved`` those holding stock for it."""
        if not variants:
            raise GuardFailed("place needs at least one line")
        if not set(variants) <= set(reserved):
            raise GuardFailed("place needs stock reserved for every line")
        authorised = payment.status == "authorized" and payment.amount == total
        if not authorised or payment.currency_code != currency:
            raise GuardFailed("place needs a payment authorised for the order's total")
        return PendingOrder(placed_at=at, inventory_reserved=True)

    def confirm(self, *, at: dt.datetime) -> ConfirmedOrder:
        if not self.inventory_reserved:
            raise GuardFailed("confirm needs the order's inventory to be reserved")
        return ConfirmedOrder(placed_at=self.placed_at, confirmed_at=at)

    def cancel(self, *, reason: str | None, at: dt.datetime) -> CancelledOrder:
        return CancelledOrder(cancelled_at=at, reason=reason, refunded=False, refund_id=None)


@dataclass(frozen=True, slots=True)
class ConfirmedOrder:
    placed_at: dt.datetime
    confirmed_at: dt.datetime

    def pay(self, *, payment_id: str, at: dt.datetime) -> PaidOrder:
        if not payment_id.strip():
            raise GuardFailed("pay needs a payment id")
        return PaidOrder(confirmed_at=self.confirmed_at, paid_at=at, payment_id=payment_id)

    def cancel(self, *, reason: str | None, at: dt.datetime) -> CancelledOrder:
        return CancelledOrder(cancelled_at=at, reason=reason, refunded=False, refund_id=None)


@dataclass(frozen=True, slots=True)
class PaidOrder:
    confirmed_at: dt.datetime
    paid_at: dt.datetime
    payment_id: str

    def ship(self, *, tracking_number: str, carrier: str | None, at: dt.datetime) -> ShippedOrder:
        if not tracking_number.strip():
            raise GuardFailed("ship needs a tracking number")
        return ShippedOrder(
            paid_at=self.paid_at,
            payment_id=self.payment_id,
            shipped_at=at,
            tracking_number=tracking_number,
            carrier=carrier,
        )

    def cancel_with_refund(
        self, *, reason: str | None, refund_id: str, at: dt.datetime
    ) -> CancelledOrder:
        if not refund_id.strip():
            raise GuardFailed("cancelling a paid order needs a refund")
        return CancelledOrder(cancelled_at=at, reason=reason, refunded=True, refund_id=refund_id)


@dataclass(frozen=True, slots=True)
class ShippedOrder:
    paid_at: dt.datetime
    payment_id: str
    shipped_at: dt.datetime
    tracking_number: str
    carrier: str | None

    def deliver(self, *, at: dt.datetime) -> DeliveredOrder:
        return DeliveredOrder(shipped_at=self.shipped_at, delivered_at=at)


@dataclass(frozen=True, slots=True)
class DeliveredOrder:
    shipped_at: dt.datetime
    delivered_at: dt.datetime


@dataclass(frozen=True, slots=True)
class CancelledOrder:
    cancelled_at: dt.datetime
    reason: str | None
    refunded: bool
    refund_id: str | None


OrderState = (
    PendingOrder | ConfirmedOrder | PaidOrder | ShippedOrder | DeliveredOrder | CancelledOrder
)


class StoredOrder(Protocol):
    """The columns of an order row that carry its state."""

    @property
    def status(self) -> str: ...
    @property
    def placed_at(self) -> dt.datetime: ...
    @property
    def inventory_reserved(self) -> bool: ...
    @property
    def confirmed_at(self) -> dt.datetime | None: ...
    @property
    def paid_at(self) -> dt.datetime | None: ...
    @property
    def payment_id(self) -> str | None: ...
    @property
    def shipped_at(self) -> dt.datetime | None: ...
    @property
    def tracking_number(self) -> str | None: ...
    @property
    def carrier(self) -> str | None: ...
    @property
    def delivered_at(self) -> dt.datetime | None: ...
    @property
    def cancelled_at(self) -> dt.datetime | None: ...
    @property
    def cancel_reason(self) -> str | None: ...
    @property
    def refunded(self) -> bool: ...
    @property
    def refund_id(self) -> str | None: ...


class CorruptOrderState(RuntimeError):
    """A stored row whose status lacks the data its state needs (never written by us)."""


def _need(value: dt.datetime | str | None, what: str) -> dt.datetime | str:
    if value is None:
        raise CorruptOrderState(f"order state is missing {what}")
    return value


def _at(value: dt.datetime | None, what: str) -> dt.datetime:
    found = _need(value, what)
    assert isinstance(found, dt.datetime)
    return found


def _text(value: str | None, what: str) -> str:
    found = _need(value, what)
    assert isinstance(found, str)
    return found


def parse_status(value: str) -> OrderStatus:
    for status in OrderStateMachine:
        if status == value:
            return status
    raise CorruptOrderState(f"unknown order status {value!r}")


def load_order_state(row: StoredOrder) -> OrderState:
    """The typed state of a stored order."""
    status = parse_status(row.status)
    match status:
        case "pending":
            return PendingOrder(placed_at=row.placed_at, inventory_reserved=row.inventory_reserved)
        case "confirmed":
            return ConfirmedOrder(
                placed_at=row.placed_at, confirmed_at=_at(row.confirmed_at, "confirmed_at")
            )
        case "paid":
            return PaidOrder(
                confirmed_at=_at(row.confirmed_at, "confirmed_at"),
                paid_at=_at(row.paid_at, "paid_at"),
                payment_id=_text(row.payment_id, "payment_id"),
            )
        case "shipped":
            return ShippedOrder(
                paid_at=_at(row.paid_at, "paid_at"),
                payment_id=_text(row.payment_id, "payment_id"),
                shipped_at=_at(row.shipped_at, "shipped_at"),
                tracking_number=_text(row.tracking_number, "tracking_number"),
                carrier=row.carrier,
            )
        case "delivered":
            return DeliveredOrder(
                shipped_at=_at(row.shipped_at, "shipped_at"),
                delivered_at=_at(row.delivered_at, "delivered_at"),
            )
        case "cancelled":
            return CancelledOrder(
                cancelled_at=_at(row.cancelled_at, "cancelled_at"),
                reason=row.cancel_reason,
                refunded=row.refunded,
                refund_id=row.refund_id,
            )
        case _:
            assert_never(status)


def status_of(state: OrderState) -> OrderStatus:
    match state:
        case PendingOrder():
            return "pending"
        case ConfirmedOrder():
            return "confirmed"
        case PaidOrder():
            return "paid"
        case ShippedOrder():
            return "shipped"
        case DeliveredOrder():
            return "delivered"
        case CancelledOrder():
            return "cancelled"
        case _:
            assert_never(state)


def allowed_actions(status: OrderStatus) -> list[OrderAction]:
    return list(OrderStateMachine[status])


def refuse(state: OrderState, action: OrderAction) -> InvalidTransition:
    status = status_of(state)
    allowed = ", ".join(allowed_actions(status)) or "none (terminal)"
    return InvalidTransition(
        f"cannot {action} an order that is {status}; allowed: {allowed}",
        errors={"status": [status]},
    )
