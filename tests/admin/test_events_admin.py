"""``/admin/events``: outbox counts, rows, a row's payload and error, dead letters, and
replay through the outbox service, for super admins of the default tenant only."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from rustok.outbox.service import admin_event
from rustok.tenancy.schemas import TenantCreate
from tests.admin.helpers import admin_sign_in, csrf_of
from tests.admin.platform_helpers import add_events, fail_event, park_event, staff
from tests.auth.helpers import make_user
from tests.conftest import count_queries, make_settings

EVENTS = "/admin/events"
ROW_RE = re.compile(r'<a href="/admin/events/([0-9a-f-]{36})">')
# The session check, the counts, the page's count, the page and its parked consumers:
# measured 5 on SQLite and PostgreSQL (the principal cached by the first page); it does not
# grow with the rows.
LIST_BUDGET = 5


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    # No relay: a replayed event stays pending, so the test sees what the replay did.
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def test_the_list_shows_counts_and_filters_by_status(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    ids = await add_events(app, 3)
    await fail_event(app, ids[1], "broker said no")
    await staff(client, app)
    listed = await client.get(EVENTS)
    assert listed.status_code == 200
    assert re.search(r"Failed events</dt><dd>1</dd>", listed.text)
    assert all(str(i) in ROW_RE.findall(listed.text) for i in ids)
    failed = await client.get(f"{EVENTS}?status=failed")
    assert ROW_RE.findall(failed.text) == [str(ids[1])]
    assert "1 found" in failed.text and "broker said no" in failed.text
    for bad in ("status=lost", "sort=created", "page=0"):
        refused = await client.get(f"{EVENTS}?{bad}")
        assert refused.status_code == 400 and "<html" in refused.text, bad


async def test_the_empty_states_say_what_fills_them(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app)
    letters = await client.get(f"{EVENTS}/dead-letters")
    assert letters.status_code == 200 and "No dead letters." in letters.text
    none = await client.get(f"{EVENTS}?status=failed")
    assert "Nothing matches these filters." in none.text


async def test_a_failed_event_shows_its_payload_and_error_and_replays(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    [event_id] = await add_events(app, 1)
    await fail_event(app, event_id, "boom: <the broker>")
    await staff(client, app)
    detail = await client.get(f"{EVENTS}/{event_id}")
    assert detail.status_code == 200
    assert "boom: &lt;the broker&gt;" in detail.text  # escaped
    assert "&#34;n&#34;: 0" in detail.text or '"n": 0' in detail.text
    assert f'action="/admin/events/{event_id}/replay"' in detail.text
    replayed = await client.post(
        f"{EVENTS}/{event_id}/replay", data={"_csrf": csrf_of(detail.text)}
    )
    assert replayed.status_code == 303
    assert replayed.headers["location"] == f"{EVENTS}/{event_id}"
    after = await admin_event(app.platform, event_id)
    assert (after.status, after.attempts, after.replays, after.last_error) == (
        "pending", 0, 1, None,
    )  # fmt: skip
    shown = await client.get(replayed.headers["location"])
    assert "The event is queued for delivery again." in shown.text
    assert "/replay" not in shown.text  # nothing left to replay: no button
    again = await client.post(f"{EVENTS}/{event_id}/replay", data={"_csrf": csrf_of(shown.text)})
    assert again.status_code == 409 and "is still being delivered" in again.text
    missing = await client.post(
        f"{EVENTS}/00000000-0000-4000-8000-000000000001/replay",
        data={"_csrf": csrf_of(shown.text)},
    )
    assert missing.status_code == 404


async def test_dead_letters_list_and_replay_the_parked_event(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    [event_id] = await add_events(app, 1)
    await park_event(app, event_id, "search-index", "index is read-only")
    await staff(client, app)
    letters = await client.get(f"{EVENTS}/dead-letters")
    assert letters.status_code == 200
    assert "search-index" in letters.text and "index is read-only" in letters.text
    assert f'href="/admin/events/{event_id}"' in letters.text
    detail = await client.get(f"{EVENTS}/{event_id}")
    assert "index is read-only" in detail.text and "Replay" in detail.text
    replayed = await client.post(
        f"{EVENTS}/{event_id}/replay", data={"_csrf": csrf_of(detail.text)}
    )
    assert replayed.status_code == 303
    after = await admin_event(app.platform, event_id)
    assert after.status == "pending" and after.parked_by == []
    parked = await client.get(f"{EVENTS}/dead-letters?status=parked")
    assert "Nothing matches these filters." in parked.text
    done = await client.get(f"{EVENTS}/dead-letters?status=replayed")
    assert "1 found" in done.text


async def test_a_list_of_50_rows_costs_a_bounded_number_of_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    ids = await add_events(app, 60)
    for event_id in ids[:5]:
        await park_event(app, event_id, "search-index", "down")
    await staff(client, app)
    assert (await client.get(EVENTS)).status_code == 200  # caches the principal
    with count_queries(app.platform.db) as counter:
        listed = await client.get(EVENTS)
    assert len(ROW_RE.findall(listed.text)) == 50
    assert counter.count <= LIST_BUDGET, counter.statements


async def test_only_super_admins_of_the_default_tenant(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    [event_id] = await add_events(app, 1)
    await fail_event(app, event_id, "secret error")
    paths = [EVENTS, f"{EVENTS}/dead-letters", f"{EVENTS}/{event_id}"]
    for role in ("admin", "manager"):
        await staff(client, app, role)
        token = csrf_of((await client.get("/admin")).text)
        for path in paths:
            refused = await client.get(path)
            assert refused.status_code == 403 and "secret error" not in refused.text, path
        post = await client.post(f"{EVENTS}/{event_id}/replay", data={"_csrf": token})
        assert post.status_code == 403
        assert 'href="/admin/events"' not in (await client.get("/admin")).text  # no sidebar entry
    await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
    await make_user(app.platform, "root@acme.example", "super_admin", tenant_slug="acme")
    client.cookies.clear()
    assert (await admin_sign_in(client, "root@acme.example", tenant="acme")).status_code == 303
    for path in paths:
        assert (await client.get(path)).status_code == 403, path
    assert (await admin_event(app.platform, event_id)).status == "failed"
