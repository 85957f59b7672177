"""GraphQL twins of the ``/api/auth`` account flows (API-2): sessions, password change and
reset, email verification, invitations — through a real SMTP sink, as the REST tests."""

from __future__ import annotations

import httpx

from rustok.api.app import RustokApp
from tests.auth.helpers import PASSWORD, bearer, make_user, sign_in
from tests.auth.test_mail_flows import Sink, mail_app, smtp_sink
from tests.conftest import outbox_settled
from tests.modules.helpers import error_code, gql

__all__ = ["mail_app", "smtp_sink"]  # fixtures used by these tests

MailApp = tuple[httpx.AsyncClient, RustokApp, Sink]


async def revoked(client: httpx.AsyncClient, headers: dict[str, str]) -> bool:
    """A revoked session's token is refused before GraphQL runs, as on every route."""
    response = await client.post(
        "/api/graphql", json={"query": "{ me { email } }"}, headers=headers
    )
    return response.status_code == 401 and response.json()["code"] == "SESSION_REVOKED"


RESET = "mutation($e: String!) { requestPasswordReset(email: $e) }"
CONFIRM = "mutation($t: String!, $p: String!) { confirmPasswordReset(token: $t, newPassword: $p) }"


async def test_password_reset_and_change(mail_app: MailApp) -> None:
    client, app, sink = mail_app
    await make_user(app.platform, "forgot@example.com", "customer")
    old_session = bearer(await sign_in(client, "forgot@example.com"))
    for address in ("forgot@example.com", "nobody@example.com"):
        answer = await gql(client, RESET, e=address)
        assert answer == {"data": {"requestPasswordReset": True}}  # the same for unknown ones
    bad = await gql(client, RESET, e="x")
    rest = await client.post("/api/auth/password-reset/request", json={"email": "x"})
    assert error_code(bad) == rest.json()["code"] == "VALIDATION_ERROR"
    token = await sink.next_token("forgot@example.com")
    await outbox_settled(app.platform)
    assert sink.messages == []  # nothing was mailed to the unknown address
    done = await gql(client, CONFIRM, t=token, p="brand new pass")
    assert done == {"data": {"confirmPasswordReset": True}}
    fresh = bearer(await sign_in(client, "forgot@example.com", "brand new pass"))
    assert await revoked(client, old_session)
    again = await gql(client, CONFIRM, t=token, p="another pass")
    assert error_code(again) == "INVALID_OR_EXPIRED_TOKEN"
    change = """mutation($c: String!, $n: String!) {
      changePassword(currentPassword: $c, newPassword: $n) }"""
    wrong = await gql(client, change, fresh, c="not my password", n="third password")
    rest_wrong = await client.post(
        "/api/auth/change-password", headers=fresh,
        json={"current_password": "not my password", "new_password": "third password"},
    )  # fmt: skip
    assert error_code(wrong) == rest_wrong.json()["code"]
    changed = await gql(client, change, fresh, c="brand new pass", n="third password")
    assert changed == {"data": {"changePassword": True}}
    await sign_in(client, "forgot@example.com", "third password")
    assert error_code(await gql(client, change, c="a", n="b")) == "UNAUTHENTICATED"


async def test_sessions_and_email_verification(mail_app: MailApp) -> None:
    client, _, sink = mail_app
    signed_up = await gql(
        client,
        'mutation($p: String!) { signUp(email: "v@example.com", password: $p) { accessToken } }',
        p=PASSWORD,
    )
    first = {"Authorization": f"Bearer {signed_up['data']['signUp']['accessToken']}"}
    second = bearer(await sign_in(client, "v@example.com"))
    sessions = await gql(client, "{ mySessions { current } }", first)
    assert sorted(s["current"] for s in sessions["data"]["mySessions"]) == [False, True]
    others = await gql(client, "mutation { revokeOtherSessions }", first)
    assert others == {"data": {"revokeOtherSessions": 1}}
    assert await revoked(client, second)
    asked = await gql(client, "mutation { requestEmailVerification }", first)
    assert asked == {"data": {"requestEmailVerification": True}}
    token = await sink.next_token("v@example.com")
    confirm = "mutation($t: String!) { confirmEmailVerification(token: $t) }"
    assert await gql(client, confirm, t=token) == {"data": {"confirmEmailVerification": True}}
    me = await gql(client, "{ me { emailVerified } }", first)
    assert me["data"] == {"me": {"emailVerified": True}}
    assert error_code(await gql(client, confirm, t=token)) == "INVALID_OR_EXPIRED_TOKEN"


async def test_invitation(mail_app: MailApp) -> None:
    client, app, sink = mail_app
    await make_user(app.platform, "boss@example.com", "admin")
    boss = bearer(await sign_in(client, "boss@example.com"))
    invite = "mutation($e: String!, $r: String!) { inviteUser(email: $e, role: $r) { email role } }"
    made = await gql(client, invite, boss, e="New.Hire@example.com", r="manager")
    assert made["data"]["inviteUser"] == {"email": "new.hire@example.com", "role": "manager"}
    escalate = await gql(client, invite, boss, e="x@example.com", r="super_admin")
    rest = await client.post(
        "/api/auth/invites", headers=boss, json={"email": "x@example.com", "role": "super_admin"}
    )
    assert error_code(escalate) == rest.json()["code"] == "FORBIDDEN"
    token = await sink.next_token("new.hire@example.com")
    accept = """mutation($t: String!, $p: String!) {
      acceptInvite(token: $t, password: $p, name: "Hire") { user { email role emailVerified } } }"""
    accepted = await gql(client, accept, t=token, p="hired password")
    assert accepted["data"]["acceptInvite"]["user"] == {
        "email": "new.hire@example.com", "role": "manager", "emailVerified": True,
    }  # fmt: skip
    await sign_in(client, "new.hire@example.com", "hired password")
    assert error_code(await gql(client, accept, t=token, p="hired password")) == (
        "INVALID_OR_EXPIRED_TOKEN"
    )


async def test_sign_in_up_and_refresh_validate_as_rest(mail_app: MailApp) -> None:
    client, _, _ = mail_app
    sign_in_doc = (
        "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { expiresIn } }"
    )
    huge = "x" * 257  # longer than any password REST accepts: refused before argon2 runs
    rest = await client.post("/api/auth/login", json={"email": "a@example.com", "password": huge})
    graphql = await gql(client, sign_in_doc, e="a@example.com", p=huge)
    assert error_code(graphql) == rest.json()["code"] == "VALIDATION_ERROR"
    up = 'mutation($e: String!) { signUp(email: $e, password: "long enough pass") { expiresIn } }'
    rest_up = await client.post(
        "/api/auth/register", json={"email": "ab", "password": "long enough pass"}
    )
    assert error_code(await gql(client, up, e="ab")) == rest_up.json()["code"]
    refresh = "mutation($t: String!) { refreshToken(refreshToken: $t) { expiresIn } }"
    rest_refresh = await client.post("/api/auth/refresh", json={"refresh_token": "short"})
    assert error_code(await gql(client, refresh, t="short")) == rest_refresh.json()["code"]
    assert rest_refresh.json()["code"] == "VALIDATION_ERROR"
