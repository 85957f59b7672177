"""The NATS fetch loop: a fetch that times out is asked again at once, whichever
``TimeoutError`` nats-py raises (no server needed: the subscription is a stand-in)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from nats.errors import ConnectionClosedError
from nats.errors import TimeoutError as NatsTimeoutError

from rustok.core.resilience import CircuitBreaker
from rustok.outbox.dispatcher import EventDispatcher
from rustok.outbox.transports.nats import NatsTransport


class ScriptedSubscription:
    """Answers each fetch with the next scripted outcome, then waits forever."""

    def __init__(self, outcomes: list[BaseException | list[str]]) -> None:
        self.outcomes = outcomes
        self.calls = 0

    async def fetch(self, batch: int, **_: float) -> list[str]:
        self.calls += 1
        if not self.outcomes:
            await asyncio.Event().wait()
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


class Runner:
    name = "probe"
    backlog = 0


@pytest.mark.parametrize(
    "expired",
    [NatsTimeoutError(), TimeoutError()],
    ids=["nats-timeout", "builtin-timeout"],
)
async def test_a_timed_out_fetch_is_asked_again_at_once(
    expired: BaseException, monkeypatch: pytest.MonkeyPatch
) -> None:
    # nats-py raises the builtin TimeoutError when its deadline runs out before the long
    # poll (a busy process); that one used to be taken for a failure: logged, 0.5 s pause.
    sub = ScriptedSubscription([expired, expired, ["message"]])
    transport = NatsTransport("nats://unused", EventDispatcher(100), CircuitBreaker("nats"))

    async def bind(**_: Any) -> ScriptedSubscription:
        return sub

    transport._js = type("JetStream", (), {"pull_subscribe_bind": staticmethod(bind)})()
    delivered: list[str] = []
    monkeypatch.setattr(transport, "_deliver", lambda _runner, message: delivered.append(message))
    pauses: list[float] = []
    real_sleep = asyncio.sleep

    async def recorded_sleep(delay: float, *args: Any) -> Any:
        pauses.append(delay)
        return await real_sleep(delay, *args)

    monkeypatch.setattr(asyncio, "sleep", recorded_sleep)
    task = asyncio.create_task(transport._fetch(Runner()))  # type: ignore[arg-type]
    try:
        async with asyncio.timeout(10):
            while not delivered:
                await real_sleep(0.001)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert delivered == ["message"]
    assert sub.calls >= 3  # both timeouts, then the message
    assert pauses == []  # no failure pause between the fetches


class CancellationSwallowingSubscription:
    """A fetch that, cancelled, carries on as nats-py's can: ``next_msg`` turns the
    cancellation into ``ConnectionClosedError`` once the connection is closed (and Python
    3.11's ``wait_for`` drops one that meets an arriving message)."""

    def __init__(self) -> None:
        self.fetches = 0
        self.fetching = asyncio.Event()

    async def fetch(self, batch: int, **_: float) -> list[str]:
        self.fetches += 1
        self.fetching.set()
        if self.fetches > 1:  # only the first (a test that fails must still end)
            await asyncio.Event().wait()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            raise ConnectionClosedError from None
        return []


async def test_stop_ends_a_fetch_loop_whose_cancellation_was_swallowed() -> None:
    sub = CancellationSwallowingSubscription()
    transport = NatsTransport("nats://unused", EventDispatcher(100), CircuitBreaker("nats"))

    async def bind(**_: Any) -> CancellationSwallowingSubscription:
        return sub

    transport._js = type("JetStream", (), {"pull_subscribe_bind": staticmethod(bind)})()
    task = asyncio.create_task(transport._fetch(Runner()))  # type: ignore[arg-type]
    transport._tasks.append(task)
    await sub.fetching.wait()
    try:
        # Before: the loop took the swallowed cancellation for a lost connection and fetched
        # again, and stop() waited for it forever.
        async with asyncio.timeout(10):
            await transport.stop()
    finally:
        task.cancel()
    assert task.done()
    assert transport._tasks == []
