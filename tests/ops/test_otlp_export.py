"""O-3: real processes export over OTLP/HTTP — ``rustok serve`` (with its event work moved
out, ``RUSTOK_SERVE_EVENTS=false``) and ``rustok worker`` send their spans to a loopback sink
that decodes the protobuf; the worker's spans continue the request's trace."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.ops.otlp_sink import ReceivedSpan, otlp_sink
from tests.ops.processes import base_env, start_server, start_worker

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # above its start-up + 90 s bounds

RESET = "/api/auth/password-reset/request"
SERVER_KIND = 2  # opentelemetry.proto Span.SpanKind.SPAN_KIND_SERVER
CONSUMER_KIND = 5


def test_serve_and_worker_export_one_trace(tmp_path: Path) -> None:
    with otlp_sink() as sink:
        env = base_env(
            tmp_path, f"sqlite+aiosqlite:///{tmp_path}/otlp.db", RUSTOK_LOG_LEVEL="warning",
            RUSTOK_OTEL_ENABLED="true", RUSTOK_OTEL_ENDPOINT=sink.endpoint,
            RUSTOK_OTEL_SERVICE_NAME="rustok-otlp-test", RUSTOK_OUTBOX_POLL_INTERVAL="0.1",
        )  # fmt: skip
        server = start_server("serve", {**env, "RUSTOK_SERVE_EVENTS": "false"}, tmp_path)
        worker = start_worker("worker", env, tmp_path)
        try:
            # A request whose event a consumer takes (the mail queued for the reset); the
            # webhook dispatcher skips events of tenants without endpoints, traced or not.
            address = "traced@example.com"
            registered = httpx.post(
                f"{server.base_url}/api/auth/register",
                json={"email": address, "password": "a long enough password"}, timeout=30,
            )  # fmt: skip
            assert registered.status_code == 201, registered.text
            reset = httpx.post(f"{server.base_url}{RESET}", json={"email": address}, timeout=30)
            assert reset.status_code == 202, reset.text
            cart_trace = _wait_for_trace(sink.snapshot, server.tail, worker.tail)
        finally:
            server.stop()
            worker.stop()
    (request,) = [s for s in cart_trace if s.kind == SERVER_KIND]
    assert request.name == f"POST {RESET}"
    assert request.service == "rustok-otlp-test"
    assert request.attributes["http.response.status_code"] == 202
    assert any(s.name == "outbox.write" and s.parent_span_id == request.span_id
               for s in cart_trace)  # fmt: skip
    assert any(s.name in ("INSERT", "SELECT") for s in cart_trace if s.pid == request.pid)
    handled = [s for s in cart_trace if s.name.startswith("consumer.handle ")]
    assert handled and all(s.kind == CONSUMER_KIND for s in handled)
    assert all(s.parent_span_id == request.span_id for s in handled)
    worker_pids = {s.pid for s in handled} | {
        s.pid for s in cart_trace if s.name == "relay.publish"
    }
    assert worker_pids == {worker.proc.pid}  # the worker's own spans, not the server's
    assert request.pid != worker.proc.pid


def _wait_for_trace(
    spans: Callable[[], list[ReceivedSpan]], *tails: Callable[[], str]
) -> list[ReceivedSpan]:
    """The spans of the cart's trace once the worker's consumer spans arrived (the batch
    exporter sends every 5 s); fails after 90 s."""
    deadline = time.monotonic() + 90
    while True:
        received = spans()
        servers = [s for s in received if s.name == f"POST {RESET}"]
        if servers:
            trace = [s for s in received if s.trace_id == servers[0].trace_id]
            if any(s.name.startswith("consumer.handle ") for s in trace):
                return trace
        assert time.monotonic() < deadline, (
            sorted({s.name for s in received}), *(tail() for tail in tails),
        )  # fmt: skip
        time.sleep(0.2)


def test_a_cli_job_run_exports_its_trace(tmp_path: Path) -> None:
    with otlp_sink() as sink:
        env = base_env(
            tmp_path, f"sqlite+aiosqlite:///{tmp_path}/jobs.db", RUSTOK_LOG_LEVEL="warning",
            RUSTOK_OTEL_ENABLED="true", RUSTOK_OTEL_ENDPOINT=sink.endpoint,
            RUSTOK_OTEL_SERVICE_NAME="rustok-cli-test",
        )  # fmt: skip
        for command in (["migrate"], ["jobs", "run", "commerce.abandon_idle_carts"]):
            done = subprocess.run(
                [str(Path(sys.executable).parent / "rustok"), *command], env=env, cwd=tmp_path,
                capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr
        # The exporter is flushed before the command exits: the spans are there already.
        received = sink.snapshot()
    (job,) = [s for s in received if s.name == "job.run commerce.abandon_idle_carts"]
    assert job.service == "rustok-cli-test"
    assert job.attributes["periodic_job"] == "commerce.abandon_idle_carts"
    statements = [s for s in received if s.trace_id == job.trace_id and s is not job]
    assert statements and all(s.parent_span_id == job.span_id for s in statements)
