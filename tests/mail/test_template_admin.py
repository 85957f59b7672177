"""A tenant's own mail templates over REST (settings:manage): used for that tenant only,
checked before saving (sandbox escapes refused with 422, never rendered), and the delivery
record of the tenant's mails (settings:read)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.mail.models import MailTemplateOverride
from rustok.tenancy.service import TenantService
from tests.auth.helpers import bearer, make_user, sign_in
from tests.mail.orders import SHOP, shop_admin, shop_tenant
from tests.mail.smtp import SmtpSink, body_of, html_of, smtp_sink, subject_of
from tests.mail.support import mail_app, settled_mail

RESET = "/api/admin/mail-templates/account/password_reset"
OURS: dict[str, Any] = {
    "subject": "{{ shop_name }}: new password",
    "text": "Use {{ token }} at {{ base_url }} within 15 minutes.\n",
    "html": '{% extends "layout.html" %}{% block content %}<p>Ours: {{ token }}</p>{% endblock %}',
}


async def _reset(client: httpx.AsyncClient, app: RustokApp, email: str, slug: str) -> None:
    await make_user(app.platform, email, "customer", slug)
    response = await client.post(
        "/api/auth/password-reset/request", json={"email": email}, headers={"X-Tenant-ID": slug}
    )
    assert response.status_code == 202


async def test_a_tenants_version_is_used_for_that_tenant_only(db_url: str, tmp_path: Path) -> None:
    sink = SmtpSink()
    with smtp_sink(sink) as port:
        async with mail_app(db_url, tmp_path, port) as (client, app):
            await shop_tenant(app.platform)
            await shop_tenant(app.platform, "other", "Other shop")
            admin = await shop_admin(client, app.platform)
            saved = await client.put(f"{RESET}/en", json=OURS, headers=admin)
            assert saved.status_code == 200, saved.text
            assert (saved.json()["source"], saved.json()["subject"]) == ("tenant", OURS["subject"])
            shown = await client.get(f"{RESET}/en", headers=admin)
            assert (shown.json()["source"], shown.json()["text"]) == ("tenant", OURS["text"])
            listed = (await client.get("/api/admin/mail-templates", headers=admin)).json()
            reset = next(t for t in listed if t["template"] == "account/password_reset")
            assert (reset["locales"], reset["overrides"]) == (["en", "ru"], ["en"])
            await _reset(client, app, "a@shop.example", SHOP)
            await _reset(client, app, "b@other.example", "other")
            await settled_mail(app.platform, "a@shop.example")
            await settled_mail(app.platform, "b@other.example")
            ours, theirs = sink.to("a@shop.example")[0], sink.to("b@other.example")[0]
            assert subject_of(ours) == "Linen & Co: new password"
            assert body_of(ours).startswith("Use ") and "Ours: " in html_of(ours)
            assert subject_of(theirs) == "Reset your password"  # the other tenant: built-in
            other_admin = await shop_admin(client, app.platform, "other")
            theirs_shown = await client.get(f"{RESET}/en", headers=other_admin)
            assert theirs_shown.json()["source"] == "built-in"
            assert theirs_shown.json()["subject"] == "Reset your password"

            dropped = await client.delete(f"{RESET}/en", headers=admin)
            assert dropped.status_code == 204
            assert (await client.get(f"{RESET}/en", headers=admin)).json()["source"] == "built-in"
            await _reset(client, app, "c@shop.example", SHOP)
            await settled_mail(app.platform, "c@shop.example")
            assert subject_of(sink.to("c@shop.example")[0]) == "Reset your password"


async def test_sandbox_escapes_are_refused_and_never_render(db_url: str, tmp_path: Path) -> None:
    sink = SmtpSink()
    with smtp_sink(sink) as port:
        async with mail_app(db_url, tmp_path, port) as (client, app):
            await shop_tenant(app.platform)
            admin = await shop_admin(client, app.platform)
            for field, source in (
                ("text", "{{ ''.__class__.__mro__ }}"),
                ("html", "{% include '/etc/passwd' %}"),
                ("subject", "{{ cycler.__init__.__globals__ }}"),
            ):
                refused = await client.put(
                    f"{RESET}/en", json={**OURS, field: source}, headers=admin
                )
                assert refused.status_code == 422, refused.text
                assert refused.headers["content-type"] == "application/problem+json"
                problem = refused.json()
                assert problem["code"] == "TEMPLATE_REFUSED"
                assert list(problem["errors"]) == [field]
            assert (await client.get(f"{RESET}/en", headers=admin)).json()["source"] == "built-in"
            # A row that never went through the check (written behind the API's back) is
            # rendered in the sandbox, fails, and the built-in version is sent instead.
            shop = await TenantService(app.platform).get_by_slug(SHOP)
            async with app.platform.db.write_session(all_tenants=True) as session:
                session.add(
                    MailTemplateOverride(
                        tenant_id=shop.id, template="account/password_reset", locale="en",
                        subject="x", text="{{ ''.__class__.__mro__[1].__subclasses__() }}",
                        html="{% include '/etc/passwd' %}",
                    )
                )  # fmt: skip
                await session.commit()
            await _reset(client, app, "d@shop.example", SHOP)
            row = await settled_mail(app.platform, "d@shop.example")
            assert row.status == "sent"
            mail = sink.to("d@shop.example")[0]
            assert subject_of(mail) == "Reset your password"
            assert "class" not in body_of(mail) and "root:" not in html_of(mail)


async def test_template_routes_check_permission_and_input(db_url: str, tmp_path: Path) -> None:
    with smtp_sink(SmtpSink()) as port:
        async with mail_app(db_url, tmp_path, port) as (client, app):
            await shop_tenant(app.platform)
            admin = await shop_admin(client, app.platform)
            await make_user(app.platform, "m@shop.example", "manager", SHOP)
            manager = bearer(await sign_in(client, "m@shop.example", tenant=SHOP), SHOP)
            assert (await client.get(f"{RESET}/en", headers=manager)).status_code == 403
            put = await client.put(f"{RESET}/en", json=OURS, headers=manager)
            assert put.status_code == 403
            assert (await client.get(f"{RESET}/en")).status_code == 401
            unknown = await client.get("/api/admin/mail-templates/order/lost/en", headers=admin)
            assert unknown.status_code == 404 and "known: account/" in unknown.json()["detail"]
            bad_locale = await client.get(f"{RESET}/EN_us", headers=admin)
            assert bad_locale.status_code == 400
            assert list(bad_locale.json()["errors"]) == ["locale"]
            no_version = await client.get(f"{RESET}/de", headers=admin)
            assert no_version.status_code == 404
            extra = await client.put(f"{RESET}/en", json={**OURS, "x": 1}, headers=admin)
            assert extra.status_code == 400
            huge = await client.put(
                f"{RESET}/en", json={**OURS, "html": "x" * (256 * 1024 + 1)}, headers=admin
            )
            assert huge.status_code in (400, 413)
            gone = await client.delete(f"{RESET}/en", headers=admin)
            assert gone.status_code == 404
            # A locale the built-ins do not have may be added by the tenant.
            german = await client.put(
                f"{RESET}/de", json={**OURS, "subject": "Neues Passwort"}, headers=admin
            )
            assert german.status_code == 200 and german.json()["locale"] == "de"
            async with app.platform.db.read_session(all_tenants=True) as session:
                rows = list(await session.scalars(select(MailTemplateOverride)))
            assert [(r.template, r.locale, r.subject) for r in rows] == [
                ("account/password_reset", "de", "Neues Passwort")
            ]


async def test_the_mail_record_shows_the_tenants_mails(db_url: str, tmp_path: Path) -> None:
    sink = SmtpSink(refuse=1, reply="550 5.1.1 mailbox unavailable")
    with smtp_sink(sink) as port:
        async with mail_app(db_url, tmp_path, port) as (client, app):
            await shop_tenant(app.platform)
            await shop_tenant(app.platform, "other", "Other")
            admin = await shop_admin(client, app.platform)
            other = await shop_admin(client, app.platform, "other")
            await _reset(client, app, "gone@shop.example", SHOP)
            await settled_mail(app.platform, "gone@shop.example")
            await _reset(client, app, "Here@shop.example", SHOP)
            await settled_mail(app.platform, "here@shop.example")
            page = (await client.get("/api/admin/mails", headers=admin)).json()
            assert page["total"] == 2
            assert [(m["recipient"], m["status"], m["attempts"]) for m in page["items"]] == [
                ("here@shop.example", "sent", 1),
                ("gone@shop.example", "failed", 1),
            ]
            failed = page["items"][1]
            assert "550" in failed["last_error"] and failed["next_attempt_at"] is None
            assert page["items"][0]["sent_at"] is not None
            assert "data" not in failed and "secret" not in failed
            sent = await client.get(
                "/api/admin/mails", params={"status": "sent", "recipient": "HERE@shop.example"},
                headers=admin,
            )  # fmt: skip
            assert [m["recipient"] for m in sent.json()["items"]] == ["here@shop.example"]
            by_template = await client.get(
                "/api/admin/mails", params={"template": "order/placed"}, headers=admin
            )
            assert by_template.json()["total"] == 0
            assert (await client.get("/api/admin/mails", headers=other)).json()["total"] == 0
            bad = await client.get("/api/admin/mails", params={"status": "lost"}, headers=admin)
            assert bad.status_code == 400
