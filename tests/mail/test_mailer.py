"""Mailers: the log mailer stays bounded; the SMTP mailer times out and tells permanent
refusals from failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from rustok.mail.mailer import ConsoleMailer, Mail, MailRejected, SmtpMailer, build_mailer
from tests.conftest import make_settings
from tests.mail.smtp import HungSmtpServer, SmtpSink, smtp_sink


async def test_console_mailer_keeps_only_the_last_mails() -> None:
    mailer = ConsoleMailer()
    for n in range(150):
        await mailer.send(Mail(to=f"u{n}@example.com", subject="s", text="t"))
    kept = mailer.sent
    assert len(kept) == 100
    assert (kept[0].to, kept[-1].to) == ("u50@example.com", "u149@example.com")


async def test_smtp_mailer_times_out_on_a_hung_server(tmp_path: Path) -> None:
    with HungSmtpServer() as server:
        settings = make_settings(
            "sqlite+aiosqlite:///:memory:", tmp_path, smtp_host="127.0.0.1",
            smtp_port=server.port, smtp_timeout_seconds=0.2,
        )  # fmt: skip
        mailer = build_mailer(settings)
        assert isinstance(mailer, SmtpMailer)
        with pytest.raises(OSError, match="timed out"):
            await mailer.send(Mail(to="a@example.com", subject="s", text="t"))


async def test_smtp_mailer_reports_a_permanent_refusal(tmp_path: Path) -> None:
    sink = SmtpSink(refuse=1, reply="554 5.7.1 rejected")
    with smtp_sink(sink) as port:
        settings = make_settings(
            "sqlite+aiosqlite:///:memory:", tmp_path, smtp_host="127.0.0.1", smtp_port=port
        )
        with pytest.raises(MailRejected, match="554"):
            await build_mailer(settings).send(Mail(to="a@example.com", subject="s", text="t"))
        await build_mailer(settings).send(Mail(to="b@example.com", subject="s", text="t"))
    assert [m["To"] for m in sink.messages] == ["b@example.com"]
