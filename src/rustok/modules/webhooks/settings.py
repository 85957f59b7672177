"""Webhooks settings (``RUSTOK_WEBHOOKS_*``, W-3, W-4): retry delays (seconds, or with
s/m/h/d), per-attempt timeout, sends in flight per endpoint, log retention (0 = keep),
auto-disable (0 = never)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import msgspec

from rustok.core.module_settings import ModuleSettings
from rustok.core.setting_values import SettingsError

if TYPE_CHECKING:
    from rustok.core.settings import Settings

_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400}
_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)([smhd]?)")


def duration(text: str) -> float:
    """``"90"``, ``"90s"``, ``"5m"``, ``"2h"``, ``"1d"`` in seconds."""
    match = _DURATION_RE.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(text)
    return float(match.group(1)) * _DURATION_UNITS[match.group(2) or "s"]


class WebhooksSettings(ModuleSettings, frozen=True, kw_only=True):
    allow_private: Annotated[
        bool,
        msgspec.Meta(
            description="let webhooks reach private, loopback and link-local addresses "
            "(development and tests only; refused when `RUSTOK_ENV=production`)"
        ),
    ] = False
    retry_schedule: Annotated[
        tuple[str, ...],
        msgspec.Meta(
            description="delays before each retry of a failed webhook delivery (±10 % jitter; "
            "seconds or `s`/`m`/`h`/`d`; 1–20 delays of 0.1 s … 7 d); after the last the "
            "delivery is `failed`"
        ),
    ] = ("5s", "1m", "5m", "30m", "2h", "6h", "12h", "24h")
    timeout_seconds: Annotated[
        float,
        msgspec.Meta(
            ge=0.1, le=120,
            description="whole webhook attempt, connect (at most 5 s) to the end of the 4 KiB "
            "response read",
        ),
    ] = 15.0  # fmt: skip
    concurrency: Annotated[
        int,
        msgspec.Meta(
            ge=1, le=64, description="webhook requests in flight per endpoint, over all processes"
        ),
    ] = 4
    retention_days: Annotated[
        int,
        msgspec.Meta(
            ge=0, le=3650,
            description="days the delivery log keeps a delivery and its attempts; `0` = forever",
        ),
    ] = 30  # fmt: skip
    disable_after: Annotated[
        int,
        msgspec.Meta(
            ge=0, le=365 * 24 * 3600,
            description="seconds an endpoint may fail every attempt before it is switched off "
            "(`webhook.disabled`); `0` = never",
        ),
    ] = 5 * 24 * 3600  # fmt: skip

    @property
    def retry_delays(self) -> tuple[float, ...]:
        """``retry_schedule`` in seconds (validated at load)."""
        return tuple(duration(item) for item in self.retry_schedule)

    def check(self, variable: Callable[[str], str], platform: Settings) -> None:
        if self.allow_private and platform.is_production:
            raise SettingsError(
                f"{variable('allow_private')}: private webhook targets are for development and "
                "tests only; not allowed when RUSTOK_ENV=production"
            )
        try:
            delays = [duration(item) for item in self.retry_schedule]
        except ValueError:
            delays = []
        if not 1 <= len(delays) <= 20 or not all(0.1 <= d <= 7 * 86_400 for d in delays):
            raise SettingsError(
                f"{variable('retry_schedule')}: invalid value {','.join(self.retry_schedule)!r}; "
                "expected 1-20 comma-separated delays of 0.1 s to 7 d, e.g. "
                "5s,1m,5m,30m,2h,6h,12h,24h"
            )
