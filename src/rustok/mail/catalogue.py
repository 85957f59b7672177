"""The mail templates the platform sends, each with sample data of the shape it is given.

The samples are what ``rustok mail preview`` renders and what a tenant's override is test
rendered with before it is saved: a template that needs a value its mail does not carry is
refused then, not when a customer's mail is due. Whoever queues one of these mails gives
the template at least these values (``tests/mail`` checks the real data renders).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

SAMPLE_SHOP = "Sample shop"
SAMPLE_BASE_URL = "https://shop.example"


@dataclass(frozen=True, slots=True)
class MailKind:
    description: str
    sample: dict[str, Any] = field(default_factory=dict)


def _account(**extra: Any) -> dict[str, Any]:
    return {
        "token": "sample-token-0123456789",
        "base_url": SAMPLE_BASE_URL,
        "tenant_name": SAMPLE_SHOP,
        "shop_name": SAMPLE_SHOP,
        **extra,
    }


def _order(**changes: Any) -> dict[str, Any]:
    order: dict[str, Any] = {
        "id": "01936f0e-0000-7000-8000-000000000001",
        "number": 1042,
        "status": "pending",
        "email": "ada@example.com",
        "currency": "USD",
        "subtotal": 6100,
        "discount_total": 610,
        "tax_total": 1098,
        "shipping_total": 499,
        "total": 7087,
        "discount_code": "SAVE10",
        "shipping_method": "Courier",
        "shipping_address": {
            "first_name": "Ada", "last_name": "Lovelace", "company": None,
            "address1": "1 Analytical Way", "address2": None, "city": "London",
            "province": None, "postal_code": "N1 1AA", "country_code": "GB", "phone": None,
        },
        "lines": [
            {"title": "Linen shirt", "variant_title": "S", "sku": "SHIRT-S", "quantity": 2,
             "unit_price": 2000, "subtotal": 4000, "total": 3600},
            {"title": "Linen shirt", "variant_title": "M", "sku": "SHIRT-M", "quantity": 1,
             "unit_price": 2100, "subtotal": 2100, "total": 1890},
        ],
        "placed_at": "2026-12-06T10:30:00+00:00",
        "tracking_number": None,
        "carrier": None,
        "cancel_reason": None,
        "refunded": False,
    }  # fmt: skip
    order.update(changes)
    return {"order": order, "customer_name": "Ada Lovelace", "shop_name": SAMPLE_SHOP}


def _webhook() -> dict[str, Any]:
    webhook = {
        "id": "01936f0e-0000-7000-8000-000000000002",
        "url": "https://hooks.example/orders",
        "description": "Order sync",
        "reason": "every attempt failed since 2026-12-01T10:30:00+00:00; last: HTTP 503",
        "disabled_at": "2026-12-06T10:30:00+00:00",
    }
    return {"webhook": webhook, "shop_name": SAMPLE_SHOP}


MAIL_KINDS: dict[str, MailKind] = {
    "account/password_reset": MailKind("a password reset link (15 minutes)", _account()),
    "account/email_verification": MailKind("an email address confirmation link", _account()),
    "account/invite": MailKind("an invitation to a tenant", _account(role="manager")),
    "order/placed": MailKind(
        "the customer's order was placed, with its lookup code",
        _order(lookup_token="x3G2v1bOq8ZlM0fP5uR7tY9wA4cE6hJ2kL1nQ0sD3fG"),  # noqa: S106
    ),
    "order/paid": MailKind("the order's payment was captured", _order(status="paid")),
    "order/shipped": MailKind(
        "the order was shipped, with its tracking number",
        _order(status="shipped", tracking_number="1Z999AA10123456784", carrier="UPS"),
    ),
    "order/cancelled": MailKind(
        "the order was cancelled (and refunded, if it was paid)",
        _order(status="cancelled", cancel_reason="Out of stock", refunded=True),
    ),
    "webhook/disabled": MailKind(
        "to the tenant's webhook administrators: an endpoint was switched off", _webhook()
    ),
}


def sample_of(name: str) -> dict[str, Any]:
    """A fresh copy of a template's sample values (KeyError for an unknown template)."""
    return copy.deepcopy(MAIL_KINDS[name].sample)
