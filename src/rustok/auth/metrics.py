"""Sign-in and rate-limit metrics (O-1): what an attack or a misconfigured client looks like.

Labels are fixed sets; no tenant, account or address is ever a label (the audit log and the
throttle tables hold those).
"""

from __future__ import annotations

from typing import Final

from prometheus_client import Counter

LOGIN_FAILURE_REASONS: Final = ("unknown_account", "wrong_password", "inactive")
RATE_LIMITS: Final = (
    "request",
    "api_key",
    "login_account",
    "login_address",
    "registration_address",
)

LOGIN_FAILURES = Counter(
    "rustok_login_failures_total",
    "Refused sign-ins by reason: unknown_account, wrong_password, inactive (throttled "
    "attempts count in rustok_rate_limit_rejections_total).",
    ["reason"],
)
RATE_LIMIT_REJECTIONS = Counter(
    "rustok_rate_limit_rejections_total",
    "Requests refused with 429, by limit: request (RUSTOK_RATE_LIMIT), api_key "
    "(RUSTOK_API_KEY_RATE_LIMIT, a key's own budget), login_account, login_address, "
    "registration_address.",
    ["limit"],
)
for _reason in LOGIN_FAILURE_REASONS:
    LOGIN_FAILURES.labels(_reason)
for _limit in RATE_LIMITS:
    RATE_LIMIT_REJECTIONS.labels(_limit)
