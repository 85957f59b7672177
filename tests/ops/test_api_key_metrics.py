"""Rate-limit rejections by limit (O-1): an API key refused over its own budget counts as
``api_key``, a request over the general limit as ``request``."""

from __future__ import annotations

from pathlib import Path

from prometheus_client import REGISTRY

from rustok.bootstrap import bootstrap
from tests.apps import MakeApp
from tests.auth.helpers import make_user, sign_in
from tests.auth.keys import create_key, with_key
from tests.conftest import make_settings, serve_app


def _rejections(limit: str) -> float:
    value = REGISTRY.get_sample_value("rustok_rate_limit_rejections_total", {"limit": limit})
    return value or 0.0


async def test_a_key_over_its_own_limit_counts_as_api_key(
    db_url: str, tmp_path: Path, make_app: MakeApp
) -> None:
    settings = make_settings(
        db_url, tmp_path, login_ip_rate_limit="1000/minute", rate_limit="6/minute",
        api_key_rate_limit="2/minute",
    )  # fmt: skip
    platform = bootstrap(settings, modules=[])
    try:
        async with serve_app(make_app(settings, platform)) as client:
            await make_user(platform, "admin@example.com", "admin")
            admin = await sign_in(client, "admin@example.com")
            key = (await create_key(client, admin, ["users:list"], name="a"))["key"]
            keyed, general = _rejections("api_key"), _rejections("request")
            codes = [
                (await client.get("/api/auth/me", headers=with_key(key))).status_code
                for _ in range(5)
            ]
            # The first request verified the key (counted by address), then 2 per minute.
            assert codes == [200, 200, 200, 429, 429]
            assert _rejections("api_key") - keyed == 2
            assert _rejections("request") == general
            anonymous = [(await client.get("/api/auth/me")).status_code for _ in range(6)]
            assert anonymous.count(429) >= 1
            assert _rejections("request") - general == anonymous.count(429)
            assert _rejections("api_key") - keyed == 2
    finally:
        await platform.aclose()
