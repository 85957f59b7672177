"""Readiness checks: what ``/health/ready`` asks every dependency."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

CheckStatus = Literal["ok", "degraded", "down"]


@dataclass(frozen=True, slots=True)
class CheckResult:
    status: CheckStatus
    latency_ms: float | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class ReadinessCheck:
    """A dependency probe for ``/health/ready``; ``critical`` ones make it answer 503."""

    name: str
    probe: Callable[[], Awaitable[CheckResult]]
    critical: bool = True
