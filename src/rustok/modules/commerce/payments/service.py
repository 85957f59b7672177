"""Payments inside the caller's unit of work: open (authorise) at checkout, capture when the
order is paid, refund when a paid order is cancelled, void when an unpaid one is (SM-3).

    pending ──authorize──▶ authorized ──capture──▶ captured ──refund──▶ refunded
       │                      │
       └──decline──▶ failed   └──void──▶ voided
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Final, Literal

import msgspec
from sqlalchemy import select

from rustok.core.errors import InvalidTransition, NotFound
from rustok.core.ids import new_id
from rustok.core.uow import UnitOfWork
from rustok.modules.commerce.events import (
    PaymentAuthorized,
    PaymentCaptured,
    PaymentRefunded,
    PaymentVoided,
)
from rustok.modules.commerce.payments.models import Payment
from rustok.modules.commerce.payments.providers import PaymentProviders, PaymentRequest

PaymentStatus = Literal["pending", "authorized", "captured", "failed", "refunded", "voided"]
PaymentStateMachine: Final[dict[str, tuple[str, ...]]] = {
    "pending": ("authorized", "failed"),
    "authorized": ("captured", "voided", "failed"),
    "captured": ("refunded",),
    "failed": (),
    "refunded": (),
    "voided": (),
}


class PaymentRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    provider: str
    status: str
    amount: int
    currency_code: str
    provider_reference: str | None
    capture_reference: str | None
    refund_reference: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


def to_payment_read(row: Payment) -> PaymentRead:
    return PaymentRead(
        id=row.id, provider=row.provider, status=row.status, amount=row.amount,
        currency_code=row.currency_code, provider_reference=row.provider_reference,
        capture_reference=row.capture_reference, refund_reference=row.refund_reference,
        created_at=row.created_at, updated_at=row.updated_at,
    )  # fmt: skip


def _move(payment: Payment, to: PaymentStatus) -> None:
    if to not in PaymentStateMachine.get(payment.status, ()):
        raise InvalidTransition(f"a {payment.status} payment cannot become {to}")
    payment.status = to


async def authorize_payment(
    providers: PaymentProviders,
    *,
    order_id: uuid.UUID,
    provider: str,
    amount: int,
    currency: str,
    token: str | None,
) -> Payment:
    """The order's payment, authorised by the provider (a decline raises, and the checkout
    rolls back). The caller adds the row once the order exists and publishes
    :func:`authorized_event`."""
    payment = Payment(
        id=new_id(), order_id=order_id, provider=provider, status="pending", amount=amount,
        currency_code=currency,
    )  # fmt: skip
    request = PaymentRequest(
        payment_id=payment.id, order_id=order_id, amount=amount, currency=currency, token=token
    )
    payment.provider_reference = await providers.call(provider, lambda p: p.authorize(request))
    _move(payment, "authorized")
    return payment


def authorized_event(payment: Payment) -> PaymentAuthorized:
    return PaymentAuthorized(
        order_id=payment.order_id, payment_id=payment.id, provider=payment.provider,
        amount=payment.amount, currency=payment.currency_code,
    )  # fmt: skip


async def order_payment(uow: UnitOfWork, order_id: uuid.UUID) -> Payment:
    payment = await uow.session.scalar(
        select(Payment).where(Payment.order_id == order_id).order_by(Payment.id.desc()).limit(1)
    )
    if payment is None:
        raise NotFound("the order has no payment")
    return payment


async def capture_payment(uow: UnitOfWork, providers: PaymentProviders, payment: Payment) -> None:
    reference = payment.provider_reference or str(payment.id)
    payment.capture_reference = await providers.call(
        payment.provider, lambda p: p.capture(reference, payment.amount, payment.currency_code)
    )
    _move(payment, "captured")
    uow.publish(
        PaymentCaptured(
            order_id=payment.order_id,
            payment_id=payment.id,
            provider=payment.provider,
            amount=payment.amount,
            currency=payment.currency_code,
        )
    )


async def refund_payment(
    uow: UnitOfWork, providers: PaymentProviders, payment: Payment, reason: str | None
) -> str:
    reference = payment.capture_reference or payment.provider_reference or str(payment.id)
    refund = await providers.call(
        payment.provider, lambda p: p.refund(reference, payment.amount, payment.currency_code)
    )
    payment.refund_reference = refund
    _move(payment, "refunded")
    uow.publish(
        PaymentRefunded(
            order_id=payment.order_id,
            payment_id=payment.id,
            provider=payment.provider,
            amount=payment.amount,
            currency=payment.currency_code,
            reason=reason,
        )
    )
    return refund


async def void_payment(uow: UnitOfWork, providers: PaymentProviders, payment: Payment) -> None:
    if payment.status != "authorized":
        return  # nothing held at the provider
    reference = payment.provider_reference or str(payment.id)
    await providers.call(payment.provider, lambda p: p.void(reference))
    _move(payment, "voided")
    uow.publish(
        PaymentVoided(
            order_id=payment.order_id,
            payment_id=payment.id,
            provider=payment.provider,
            amount=payment.amount,
            currency=payment.currency_code,
        )
    )
