"""O-3: the mail sender's SMTP call is a ``mail.send`` client span carrying the template and
the mail row's id, never the recipient. It starts a trace of its own: the mail row keeps no
``traceparent`` of the request that queued it."""

from __future__ import annotations

from pathlib import Path

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from tests.auth.helpers import make_user
from tests.mail.smtp import SmtpSink, smtp_sink
from tests.mail.support import mail_app, settled_mail


async def test_a_sent_mail_is_a_mail_send_span(
    db_url: str, tmp_path: Path, exporter: InMemorySpanExporter
) -> None:
    sink = SmtpSink()
    with smtp_sink(sink) as port:
        async with mail_app(db_url, tmp_path, port) as (client, app):
            await make_user(app.platform, "traced@example.com", "customer")
            asked = await client.post(
                "/api/auth/password-reset/request", json={"email": "traced@example.com"}
            )
            assert asked.status_code == 202
            row = await settled_mail(app.platform, "traced@example.com")
    assert row.status == "sent" and len(sink.to("traced@example.com")) == 1

    sends = [s for s in exporter.get_finished_spans() if s.name == "mail.send"]
    assert len(sends) == 1
    (send,) = sends
    assert send.kind is SpanKind.CLIENT and send.parent is None  # a trace of its own
    assert dict(send.attributes or {}) == {"mail.template": row.template, "mail.id": str(row.id)}
    assert "traced@example.com" not in str(send.attributes)
