"""The NATS fetch loop: a fetch that times out is asked again at once, whichever
``TimeoutError`` nats-py raises (no server needed: the subscription is a stand-in)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
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
