"""Order mails (W-7): placed, paid, shipped (with tracking) and cancelled orders mail the
customer once each, in the language chosen at checkout, as text + HTML, through a real SMTP
sink; a redelivered event never mails twice."""

from __future__ import annotations

import email.message
from pathlib import Path

import httpx
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.mail.models import MailMessage
from rustok.modules.commerce.module import MODULE as COMMERCE
from rustok.outbox.claims import to_claimed
from rustok.outbox.event_runtime import EventRuntime
from rustok.outbox.models import OutboxEvent
from tests.conftest import outbox_settled
from tests.mail.orders import (
    SHOP,
    Json,
    address,
    move,
    place_order,
    shop_admin,
    shop_tenant,
    stocked_variant,
)
from tests.mail.smtp import SmtpSink, body_of, html_of, smtp_sink, subject_of
from tests.mail.support import mail_app, mails
from tests.modules.commerce.helpers import add_item, new_cart
from tests.outbox.support import wait_until


async def _all_sent(app: RustokApp, count: int) -> list[MailMessage]:
    async def settled() -> bool:
        rows = await mails(app.platform)
        return len(rows) >= count and all(r.status == "sent" for r in rows)

    await wait_until(settled, within=30.0, what=f"{count} mails to be sent")
    await outbox_settled(app.platform)
    return await mails(app.platform)


def _by_subject(sink: SmtpSink, address: str) -> dict[str, email.message.Message]:
    found = sink.to(address)
    subjects = [subject_of(m) for m in found]
    assert len(subjects) == len(set(subjects)), subjects  # each mail once
    return dict(zip(subjects, found, strict=True))


async def _orders(client: httpx.AsyncClient, app: RustokApp) -> tuple[Json, Json]:
    """Ivan's order (Russian by Accept-Language) paid and shipped; Eve's (English by the
    body's locale, a name that is markup) cancelled."""
    await shop_tenant(app.platform)
    admin = await shop_admin(client, app.platform)
    variant = await stocked_variant(client, admin)
    ivan = await place_order(
        client, variant, email="ivan@example.com", language="ru-RU,ru;q=0.9,en;q=0.5",
        shipping_address=address("Иван", "Петров"),
    )  # fmt: skip
    eve = await place_order(
        client, variant, email="eve@example.com", language="ru", locale="en",
        shipping_address=address("<script>alert(1)</script>", "Eve"),
    )  # fmt: skip
    for action in ("confirm", "pay"):
        await move(client, admin, ivan, action)
    await move(client, admin, ivan, "ship", tracking_number="TRACK-123", carrier="DHL")
    await move(client, admin, eve, "cancel", reason="changed my mind")
    return ivan, eve


async def test_order_mails_arrive_once_each_in_the_customers_language(
    db_url: str, tmp_path: Path
) -> None:
    sink = SmtpSink()
    with smtp_sink(sink) as port:
        async with mail_app(db_url, tmp_path, port, [COMMERCE]) as (client, app):
            ivan, eve = await _orders(client, app)
            rows = await _all_sent(app, 5)
    number, other = ivan["display_number"], eve["display_number"]
    assert sorted((r.recipient, r.template, r.locale, r.attempts) for r in rows) == [
        ("eve@example.com", "order/cancelled", "en", 1),
        ("eve@example.com", "order/placed", "en", 1),
        ("ivan@example.com", "order/paid", "ru", 1),
        ("ivan@example.com", "order/placed", "ru", 1),
        ("ivan@example.com", "order/shipped", "ru", 1),
    ]
    russian = _by_subject(sink, "ivan@example.com")
    assert sorted(russian) == sorted(
        [
            f"Заказ № {number} принят",
            f"Оплата заказа № {number} получена",
            f"Заказ № {number} отправлен",
        ]
    )
    shipped = russian[f"Заказ № {number} отправлен"]
    assert shipped.get_content_type() == "multipart/alternative"
    text, html = body_of(shipped), html_of(shipped)
    assert "Здравствуйте, Иван Петров!" in text
    assert "Трек-номер: TRACK-123 (DHL)" in text
    assert "- 2 × Linen shirt (S): 40,00 USD" in text
    assert "Итого: 40,00 USD" in text
    assert "<strong>TRACK-123</strong> (DHL)" in html and '<html lang="ru">' in html
    assert "Linen &amp; Co" in html  # the tenant's name, escaped, in the shared layout
    english = _by_subject(sink, "eve@example.com")
    assert sorted(english) == [f"Order #{other} received", f"Order #{other} was cancelled"]
    cancelled = english[f"Order #{other} was cancelled"]
    assert "Reason: changed my mind" in body_of(cancelled)
    assert "refunded" not in body_of(cancelled)  # cancelled before payment
    placed_html = html_of(english[f"Order #{other} received"])
    # The lookup code of the checkout's answer, for finding the order without an account.
    assert f"the code\r\n{eve['lookup_token']}" in body_of(english[f"Order #{other} received"])
    assert f"<code>{eve['lookup_token']}</code>" in placed_html
    assert "<script>" not in placed_html
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt; Eve," in placed_html


async def test_a_redelivered_order_event_mails_once(db_url: str, tmp_path: Path) -> None:
    sink = SmtpSink()
    with smtp_sink(sink) as port:
        async with mail_app(db_url, tmp_path, port, [COMMERCE]) as (client, app):
            await _orders(client, app)
            await _all_sent(app, 5)
            runtime = app.platform.events
            assert isinstance(runtime, EventRuntime)
            (runner,) = [r for r in runtime.runners if r.name == "commerce.order_mails"]
            async with app.platform.db.read_session(all_tenants=True) as session:
                events = list(
                    await session.scalars(
                        select(OutboxEvent).where(OutboxEvent.event_type.startswith("order."))
                    )
                )
            assert len(events) >= 7
            for event in events:  # every one again, as after a crash before the relay's mark
                assert await runner.process(to_claimed(event).envelope)
            await outbox_settled(app.platform)
            assert len(await mails(app.platform)) == 5
            assert len(sink.messages) == 5


async def test_checkout_refuses_a_language_the_shop_does_not_write(
    db_url: str, tmp_path: Path
) -> None:
    with smtp_sink(SmtpSink()) as port:
        async with mail_app(db_url, tmp_path, port, [COMMERCE]) as (client, app):
            await shop_tenant(app.platform)
            admin = await shop_admin(client, app.platform)
            variant = await stocked_variant(client, admin)
            headers = {"X-Tenant-ID": SHOP}
            cart = (await client.post("/api/store/carts", json={}, headers=headers)).json()
            await client.post(
                f"/api/store/carts/{cart['id']}/items",
                json={"variant_id": variant, "quantity": 1},
                headers={**headers, "X-Cart-Token": cart["token"]},
            )
            refused = await client.post(
                f"/api/store/carts/{cart['id']}/checkout",
                json={"email": "x@example.com", "shipping_address": address("A", "B"),
                      "locale": "de"},
                headers={**headers, "X-Cart-Token": cart["token"]},
            )  # fmt: skip
            assert refused.status_code == 400, refused.text
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.json()["errors"] == {"locale": ["this shop writes in en, ru only"]}
            regional = await place_order(
                client, variant, email="r@example.com", locale="ru-RU",
                shipping_address=address("A", "B"),
            )  # fmt: skip
            unknown = await place_order(
                client, variant, email="u@example.com", language="fr-CA, de;q=0.5",
                shipping_address=address("C", "D"),
            )  # fmt: skip
            await outbox_settled(app.platform)
            by_recipient = {m.recipient: m.locale for m in await mails(app.platform)}
            assert by_recipient == {"r@example.com": "ru", "u@example.com": "en"}
            assert regional["status"] == unknown["status"] == "pending"


GQL_CHECKOUT = """mutation($c: ID!, $t: String, $l: String, $a: AddressInput!) {
    checkout(cartId: $c, token: $t, input: {email: "g@example.com", shippingAddress: $a,
                                            locale: $l}) { id status } }"""


async def test_graphql_checkout_takes_the_language_from_input_or_accept_language(
    db_url: str, tmp_path: Path
) -> None:
    with smtp_sink(SmtpSink()) as port:
        async with mail_app(db_url, tmp_path, port, [COMMERCE]) as (client, app):
            await shop_tenant(app.platform)
            admin = await shop_admin(client, app.platform)
            variant = await stocked_variant(client, admin)
            shop = {"X-Tenant-ID": SHOP}
            gql_address = {
                "firstName": "Анна", "lastName": "К", "address1": "1 Main St",
                "city": "Berlin", "postalCode": "10115", "countryCode": "DE",
            }  # fmt: skip

            async def checkout(locale: str | None, headers: dict[str, str]) -> Json:
                cart = await new_cart(client, shop)
                await add_item(client, cart, variant, 1, shop)
                variables = {"c": cart["id"], "t": cart["token"], "l": locale, "a": gql_address}
                response = await client.post(
                    "/api/graphql", json={"query": GQL_CHECKOUT, "variables": variables},
                    headers={**shop, **headers},
                )  # fmt: skip
                assert response.status_code == 200, response.text
                body: Json = response.json()
                return body

            refused = await checkout("de", {})
            assert refused["errors"][0]["extensions"]["code"] == "VALIDATION_ERROR"
            assert "this shop writes in en, ru only" in str(refused["errors"][0])
            placed = await checkout(None, {"Accept-Language": "ru;q=0.9, de"})
            assert placed["data"]["checkout"]["status"] == "pending", placed
            await outbox_settled(app.platform)
            assert [(m.recipient, m.locale) for m in await mails(app.platform)] == [
                ("g@example.com", "ru")
            ]


async def test_a_paid_order_cancelled_mails_the_refund_in_the_customers_language(
    db_url: str, tmp_path: Path
) -> None:
    """A cancellation after payment refunds it, and the cancelled mail says so (W-7:
    "cancelled/refunded"); paid and refunded are told apart from a cancel before payment."""
    sink = SmtpSink()
    with smtp_sink(sink) as port:
        async with mail_app(db_url, tmp_path, port, [COMMERCE]) as (client, app):
            await shop_tenant(app.platform)
            admin = await shop_admin(client, app.platform)
            variant = await stocked_variant(client, admin)
            ivan = await place_order(
                client, variant, email="ivan@example.com", language="ru",
                shipping_address=address("Иван", "Петров"), payment_provider="test",
            )  # fmt: skip
            for action in ("confirm", "pay"):
                await move(client, admin, ivan, action)
            cancelled = await move(client, admin, ivan, "cancel", reason="out of stock")
            assert cancelled["refunded"] is True
            rows = await _all_sent(app, 3)
    number = ivan["display_number"]
    assert sorted((r.template, r.locale) for r in rows) == [
        ("order/cancelled", "ru"), ("order/paid", "ru"), ("order/placed", "ru"),
    ]  # fmt: skip
    mail = _by_subject(sink, "ivan@example.com")[f"Заказ № {number} отменён"]
    assert "Причина: out of stock" in body_of(mail)
    assert "Оплата 40,00 USD возвращена." in body_of(mail)
    assert "40,00 USD" in html_of(mail) and "возвращена" in html_of(mail)
