"""``tests/apps.py BuiltApps``: a built app serves one platform at a time, the next test's
after this one's; a different module set or setting gets its own build."""

from __future__ import annotations

from pathlib import Path

from rustok.bootstrap import bootstrap
from rustok.web.deps import platform_from_state
from tests.apps import BuiltApps
from tests.conftest import make_settings
from tests.probe_module import PROBE_MODULE


async def test_lent_apps_are_distinct_within_a_test_and_reused_after(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/unused.db", tmp_path)
    first, second = (bootstrap(settings, modules=[PROBE_MODULE]) for _ in range(2))
    built = BuiltApps()
    try:
        a, b = built.bind(settings, first), built.bind(settings, second)
        assert a.litestar is not b.litestar and built.builds == 2
        assert platform_from_state(a.litestar.state) is first
        assert platform_from_state(b.litestar.state) is second

        built.release()
        again = built.bind(settings, second)
        assert again.litestar in (a.litestar, b.litestar) and built.builds == 2
        assert platform_from_state(again.litestar.state) is second and again.platform is second

        other_modules = built.bind(settings, bootstrap(settings, modules=[]))
        other_setting = make_settings(settings.database_url, tmp_path, rate_limit="0")
        other_settings = built.bind(other_setting, bootstrap(other_setting, modules=[PROBE_MODULE]))
        assert built.builds == 4
        assert other_modules.litestar is not other_settings.litestar
        for app in (other_modules, other_settings):
            await app.platform.aclose()
    finally:
        await first.aclose()
        await second.aclose()
