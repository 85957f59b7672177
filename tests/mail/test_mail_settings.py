"""Mail settings: production needs a real mail server; the retry schedule is checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from rustok.core.settings import SettingsError, load_settings

SECRET = "production-secret-0123456789-abcdefghijkl"


def _load(tmp_path: Path, **environ: str) -> object:
    base = {"RUSTOK_DATA_DIR": str(tmp_path), "RUSTOK_SECRET_KEY": SECRET}
    return load_settings({**base, **environ}, warn=False)


def test_production_refuses_the_log_mailer_unless_allowed(tmp_path: Path) -> None:
    with pytest.raises(
        SettingsError,
        match=r"^RUSTOK_SMTP_HOST: required when RUSTOK_ENV=production \(or set "
        r"RUSTOK_ALLOW_CONSOLE_MAIL=true",
    ):
        _load(tmp_path, RUSTOK_ENV="production")
    _load(tmp_path, RUSTOK_ENV="production", RUSTOK_ALLOW_CONSOLE_MAIL="true")
    _load(tmp_path, RUSTOK_ENV="production", RUSTOK_SMTP_HOST="mail.example.com")
    _load(tmp_path)  # development: the log mailer is fine


@pytest.mark.parametrize("value", ["", "10,x", "0", "10,90000", ",".join(["1"] * 21)])
def test_bad_retry_delays_are_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(SettingsError, match=r"^RUSTOK_MAIL_RETRY_DELAYS: invalid value"):
        _load(tmp_path, RUSTOK_MAIL_RETRY_DELAYS=value)


def test_retry_schedule_default_and_custom(tmp_path: Path) -> None:
    settings = load_settings({"RUSTOK_DATA_DIR": str(tmp_path)}, warn=False)
    assert settings.mail_retry_schedule == (10.0, 60.0, 300.0, 600.0)
    custom = load_settings(
        {"RUSTOK_DATA_DIR": str(tmp_path), "RUSTOK_MAIL_RETRY_DELAYS": "5, 30"}, warn=False
    )
    assert custom.mail_retry_schedule == (5.0, 30.0)


def test_templates_folder_must_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(
        SettingsError, match=rf"^RUSTOK_MAIL_TEMPLATES_DIR: {missing} is not a directory$"
    ):
        _load(tmp_path, RUSTOK_MAIL_TEMPLATES_DIR=str(missing))
    settings = load_settings(
        {"RUSTOK_DATA_DIR": str(tmp_path), "RUSTOK_MAIL_TEMPLATES_DIR": str(tmp_path)}, warn=False
    )
    assert settings.mail_templates_dir == str(tmp_path)


def test_a_claim_lease_must_outlast_the_longest_send(tmp_path: Path) -> None:
    with pytest.raises(
        SettingsError,
        match=r"^RUSTOK_MAIL_LEASE_SECONDS: 40 is too short; it must exceed four times "
        r"RUSTOK_SMTP_TIMEOUT_SECONDS \(40\)$",
    ):
        _load(tmp_path, RUSTOK_MAIL_LEASE_SECONDS="40")
    _load(tmp_path, RUSTOK_MAIL_LEASE_SECONDS="5", RUSTOK_SMTP_TIMEOUT_SECONDS="1")
    with pytest.raises(SettingsError, match=r"^RUSTOK_MAIL_CONCURRENCY: 0 is out of range"):
        _load(tmp_path, RUSTOK_MAIL_CONCURRENCY="0")
