"""GraphQL twins of the mail admin REST operations (API-2): a tenant's own templates (saved,
shown, listed, dropped; sandbox escapes refused with the REST code) and the mail record."""

from __future__ import annotations

from typing import Any

import httpx

from rustok.api.app import RustokApp
from tests.auth.helpers import bearer, make_user, sign_in
from tests.modules.helpers import error_code, gql

OURS: dict[str, Any] = {
    "subject": "{{ shop_name }}: new password",
    "text": "Use {{ token }} at {{ base_url }} within 15 minutes.\n",
    "html": '{% extends "layout.html" %}{% block content %}<p>Ours: {{ token }}</p>{% endblock %}',
}
SET = """mutation($t: String!, $l: String!, $i: MailTemplateInput!) {
  setMailTemplate(template: $t, locale: $l, input: $i) { source subject } }"""
SHOW = """query($t: String!, $l: String!) { mailTemplate(template: $t, locale: $l) {
  source subject text } }"""
RESET = "account/password_reset"


async def test_mail_templates_and_record(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, "boss@example.com", "admin")
    admin = bearer(await sign_in(client, "boss@example.com"))
    saved = await gql(client, SET, admin, t=RESET, l="en", i=OURS)
    assert saved["data"]["setMailTemplate"] == {"source": "tenant", "subject": OURS["subject"]}
    shown = await gql(client, SHOW, admin, t=RESET, l="en")
    assert shown["data"]["mailTemplate"] == {
        "source": "tenant", "subject": OURS["subject"], "text": OURS["text"],
    }  # fmt: skip
    listed = await gql(client, "{ mailTemplates { template locales overrides } }", admin)
    reset = next(t for t in listed["data"]["mailTemplates"] if t["template"] == RESET)
    assert (reset["locales"], reset["overrides"]) == (["en", "ru"], ["en"])
    escape = {**OURS, "text": "{{ ''.__class__.__mro__ }}"}
    refused = await gql(client, SET, admin, t=RESET, l="en", i=escape)
    rest = await client.put(f"/api/admin/mail-templates/{RESET}/en", json=escape, headers=admin)
    assert error_code(refused) == rest.json()["code"] == "TEMPLATE_REFUSED"
    bad_name = await gql(client, SHOW, admin, t="../etc", l="en")
    assert error_code(bad_name) == "VALIDATION_ERROR"
    assert "template" in bad_name["errors"][0]["extensions"]["errors"]
    bad_locale = await gql(client, SHOW, admin, t=RESET, l="EN_us!")
    assert error_code(bad_locale) == "VALIDATION_ERROR"
    drop = "mutation($t: String!, $l: String!) { deleteMailTemplate(template: $t, locale: $l) }"
    assert (await gql(client, drop, admin, t=RESET, l="en"))["data"] == {"deleteMailTemplate": True}
    again = await gql(client, SHOW, admin, t=RESET, l="en")
    assert again["data"]["mailTemplate"]["source"] == "built-in"
    # The mail record: a reset request queues a mail for this tenant.
    await make_user(app.platform, "forgot@example.com", "customer")
    asked = await client.post(
        "/api/auth/password-reset/request", json={"email": "forgot@example.com"}
    )
    assert asked.status_code == 202
    mails = "query($r: String) { mails(recipient: $r) { totalCount items { template recipient } } }"
    record = await gql(client, mails, admin, r="forgot@example.com")
    assert record["data"]["mails"] == {
        "totalCount": 1, "items": [{"template": RESET, "recipient": "forgot@example.com"}],
    }  # fmt: skip
    assert error_code(await gql(client, '{ mails(status: "lost") { totalCount } }', admin)) == (
        "VALIDATION_ERROR"
    )
    await make_user(app.platform, "shopper@example.com", "customer")
    customer = bearer(await sign_in(client, "shopper@example.com"))
    rest_denied = await client.get("/api/admin/mails", headers=customer)
    assert error_code(await gql(client, mails, customer)) == rest_denied.json()["code"]
    assert rest_denied.status_code == 403
