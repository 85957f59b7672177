"""Fixtures of the operations tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from rustok.core import tracing


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    """Every span of the test, recorded (all sampled) and kept in memory."""
    memory = InMemorySpanExporter()
    tracing.install_tracing(service_name="rustok-test", sample_ratio=1.0, exporter=memory,
                            batch=False)  # fmt: skip
    yield memory
    tracing.shutdown_tracing()
