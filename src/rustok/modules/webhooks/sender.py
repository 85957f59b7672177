"""The webhook sender (W-3, W-4): a background service next to the event runtime.

    wake (deliveries committed: in-process callback, NOTIFY from other processes on
    PostgreSQL; then 10 ms to gather more) or poll
      -> claim due deliveries (claims.py: per-endpoint concurrency, open breakers skipped)
      -> per delivery, its own task (a chain): sign, POST through the endpoint's breaker
         (GuardedTransport: checked addresses only; no redirects; connect 5 s, total
         RUSTOK_WEBHOOKS_TIMEOUT_SECONDS; at most 4 KiB of the answer read)
      -> record the attempt (attempts.py: with the others finished meanwhile), which claims
         the endpoint's next ones for the chain; a chain ends when there are none (no
         claim then: there is nothing) or its breaker is not closed (claim again)

Several senders may run (every ``rustok serve`` worker and ``rustok worker``): claims never
overlap. A sender killed between its POST and the record leaves its claim; after the lease
another sender posts again with the same ``webhook-id`` (at least once; receivers
de-duplicate on it).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from rustok.core.db import utcnow
from rustok.core.ids import new_id
from rustok.core.logging import get_logger
from rustok.core.resilience import CircuitOpenError, CircuitState
from rustok.core.ssrf import OutboundUrlRefused, Resolver
from rustok.core.tasks import STOP_GRACE_SECONDS, finish_or_cancel
from rustok.modules.webhooks.attempts import AttemptOutcome, AttemptRecorder, Recorded, TakeNext
from rustok.modules.webhooks.breakers import EndpointBreakers
from rustok.modules.webhooks.claims import DELIVERIES, ClaimedDelivery, DeliveryClaimer
from rustok.modules.webhooks.delivery_tracing import delivery_span, record_attempt
from rustok.modules.webhooks.figures import record_figures
from rustok.modules.webhooks.settings import WebhooksSettings
from rustok.modules.webhooks.signing import signature_headers
from rustok.modules.webhooks.wakeup import (
    DeliveryListener,
    engine_token,
    register,
    unregister,
)

if TYPE_CHECKING:
    import httpx

    from rustok.core.platform import Platform

log = get_logger("rustok.webhooks")
CONNECT_TIMEOUT = 5.0
MAX_RESPONSE_BYTES = 4096
MAX_IN_FLIGHT = 256  # per process, over all endpoints
AHEAD = 4  # deliveries a chain keeps claimed beyond the one being sent
FIGURES_INTERVAL = 5.0
# At a steady trickle of events, a claim per commit would cost a transaction per delivery.
CLAIM_GATHER_SECONDS = 0.01
USER_AGENT = "RusToK-Webhooks/1"
Clock = Callable[[], dt.datetime]


class _NotSuccessful(Exception):
    """A non-2xx answer: a failure for the breaker too."""

    def __init__(self, status: int, excerpt: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.excerpt = excerpt


class WebhookSender:
    """Implements ``core.platform.BackgroundService``."""

    def __init__(
        self, platform: Platform, *, clock: Clock = utcnow, resolver: Resolver | None = None
    ) -> None:
        settings = platform.settings
        webhooks = settings.of(WebhooksSettings)
        self.platform = platform
        self.clock = clock
        self.token = f"webhooks-{new_id().hex[:16]}"
        self.timeout = webhooks.timeout_seconds
        # A claim outlives the attempt before it (one is claimed ahead), its own attempt and
        # its record; else two senders could post it.
        self.lease_seconds = 3 * self.timeout + 5
        self.poll_interval = settings.outbox_poll_interval
        self.claimer = DeliveryClaimer(
            platform.db, self.token, lease_seconds=self.lease_seconds,
            concurrency=webhooks.concurrency,
        )  # fmt: skip
        self.recorder = AttemptRecorder(
            platform.uow, token=self.token, schedule=webhooks.retry_delays,
            disable_after=webhooks.disable_after, claim_next=self._claim_next,
        )  # fmt: skip
        self.breakers = EndpointBreakers(clock=lambda: clock().timestamp())
        self.allow_private = webhooks.allow_private
        self.resolver = resolver
        self._client: httpx.AsyncClient | None = None
        self._wake = asyncio.Event()
        self._in_flight: set[asyncio.Task[bool]] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self._chains: dict[uuid.UUID, int] = {}  # chains running, per endpoint

    # --- lifecycle -------------------------------------------------------------------------

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            # httpx is imported for the first delivery, not by every worker's start.
            import httpx

            from rustok.core.ssrf_transport import GuardedTransport

            self._client = httpx.AsyncClient(
                transport=GuardedTransport(
                    allow_private=self.allow_private, resolver=self.resolver
                ),
                follow_redirects=False,
                trust_env=False,
                timeout=httpx.Timeout(self.timeout, connect=min(CONNECT_TIMEOUT, self.timeout)),
            )
        return self._client

    def wake(self) -> None:
        self._wake.set()

    @property
    def running(self) -> bool:
        return bool(self._tasks) and not any(t.done() for t in self._tasks)

    async def start(self) -> None:
        if self._tasks:
            return
        self._stopping = False
        register(self.platform.db.write_engine.sync_engine, self.wake)
        self._tasks = [
            asyncio.create_task(self._loop(), name="webhooks:sender"),
            asyncio.create_task(self._figures(), name="webhooks:figures"),
        ]
        if not self.platform.db.is_sqlite:
            listener = DeliveryListener(
                self.platform.db.url, self.wake,
                ignore=engine_token(self.platform.db.write_engine.sync_engine),
            )  # fmt: skip
            self._tasks.append(asyncio.create_task(listener.run(), name="webhooks:listener"))

    async def stop(self) -> None:
        """Stop claiming; attempts in flight may finish (their claims expire otherwise)."""
        if not self._tasks:
            return
        self._stopping = True
        unregister(self.platform.db.write_engine.sync_engine, self.wake)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await finish_or_cancel(list(self._in_flight), STOP_GRACE_SECONDS)
        await self.recorder.drain()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # --- the loop --------------------------------------------------------------------------

    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                claimed = await self.claim()
            except Exception as exc:  # noqa: BLE001 - a sick database: wait for the poll
                log.warning("webhook claim failed", error=f"{type(exc).__name__}: {exc}")
                claimed = []
            for delivery in claimed:
                self._start_chain(delivery)
            # A claim takes every free slot of every endpoint with due deliveries, so claiming
            # again at once finds nothing, unless another sender held an endpoint's lock.
            # Deliveries committed meanwhile have set the wake-up already.
            if claimed and self.claimer.contended and len(self._in_flight) < MAX_IN_FLIGHT:
                continue
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_interval):
                    await self._wake.wait()
                    # Woken (deliveries committed, a slot freed): what else is committed
                    # within a few milliseconds is claimed by the same transaction.
                    await asyncio.sleep(CLAIM_GATHER_SECONDS)

    def _start_chain(self, delivery: ClaimedDelivery) -> None:
        endpoint_id = delivery.endpoint_id
        self._chains[endpoint_id] = self._chains.get(endpoint_id, 0) + 1
        task = asyncio.create_task(self._chain(delivery), name=f"webhook:{delivery.id}")
        self._in_flight.add(task)
        task.add_done_callback(self._finished)

    async def _chain(self, delivery: ClaimedDelivery) -> bool:
        try:
            return await self.deliver(delivery)
        finally:
            endpoint_id = delivery.endpoint_id
            self._chains[endpoint_id] -= 1
            if not self._chains[endpoint_id]:
                del self._chains[endpoint_id]

    def _finished(self, task: asyncio.Task[bool]) -> None:
        """Claim again when a slot of this process freed up while all were taken, or when
        the attempts' endpoint may still have due deliveries; not when its chain ended
        because the endpoint had nothing more due (a claim would find nothing)."""
        full = len(self._in_flight) >= MAX_IN_FLIGHT
        self._in_flight.discard(task)
        drained = not task.cancelled() and task.exception() is None and task.result()
        if full or not drained:
            self._wake.set()

    async def claim(self) -> list[ClaimedDelivery]:
        return await self.claimer.claim(
            self.clock(), MAX_IN_FLIGHT - len(self._in_flight), self.breakers.open_ids()
        )

    async def run_once(self) -> int:
        """Claim what is due now and send it all; return how many attempts were made."""
        claimed = await self.claim()
        await asyncio.gather(*(self.deliver(d, chain=False) for d in claimed))
        return len(claimed)

    async def _figures(self) -> None:
        while True:
            with contextlib.suppress(Exception):
                await record_figures(self.platform.db, self.clock())
                self.breakers.record_metrics()
            await asyncio.sleep(FIGURES_INTERVAL)

    # --- one attempt -----------------------------------------------------------------------

    async def deliver(self, delivery: ClaimedDelivery, *, chain: bool = True) -> bool:
        """Attempt ``delivery``; with ``chain``, go on with the endpoint's next due ones as
        long as there are some and its breaker is closed. True when the chain ended because
        the endpoint had nothing more due.

        Each attempt's record also claims what comes next, keeping up to ``AHEAD``
        deliveries claimed ahead (counting what records under way asked for): the next
        attempt is sent while earlier ones are being recorded, so the endpoint's pace is
        set by its answers, not by the database's round trips (records written meanwhile
        go together).
        """
        queue: deque[ClaimedDelivery] = deque([delivery])
        recording: dict[asyncio.Task[Recorded], int] = {}  # each record: how many it asked
        drained = False
        try:
            while queue or recording:
                if not queue:
                    done, _ = await asyncio.wait(recording, return_when=asyncio.FIRST_COMPLETED)
                    for task in done:
                        following = await self._recorded(task)
                        queue.extend(following)
                        drained = bool(recording.pop(task)) and not following and not queue
                    continue
                current = queue.popleft()
                try:
                    outcome = await self.attempt(current)
                except CircuitOpenError:
                    retry_after = self.breakers.of(current.endpoint_id).retry_after()
                    for untried in (current, *queue):
                        await self._release(untried, retry_after)
                    queue.clear()
                    drained = False
                    continue
                for task in [task for task in recording if task.done()]:
                    del recording[task]
                    queue.extend(await self._recorded(task))
                if chain:
                    self._split(queue)
                go_on = (
                    chain
                    and not self._stopping
                    and self.breakers.state_of(current.endpoint_id) is CircuitState.CLOSED
                )
                want = max(0, AHEAD - len(queue) - sum(recording.values())) if go_on else 0
                take = TakeNext(want) if want else None
                task = asyncio.create_task(self.recorder.record(current, outcome, take))
                recording[task] = want
        finally:
            for task in recording:
                await self._recorded(task)
        return drained

    def _split(self, queue: deque[ClaimedDelivery]) -> None:
        """Hand deliveries claimed ahead to new chains while the endpoint has fewer than its
        concurrency here: a chain that started alone at a trickle (one due delivery) would
        otherwise stay alone once a backlog forms, its claims ahead filling the endpoint's
        slots."""
        while (
            len(queue) > 1
            and self._chains.get(queue[0].endpoint_id, 0) < self.claimer.concurrency
            and len(self._in_flight) < MAX_IN_FLIGHT
            and not self._stopping
        ):
            self._start_chain(queue.pop())

    async def _recorded(self, recording: asyncio.Task[Recorded]) -> list[ClaimedDelivery]:
        """What the record claimed next (nothing if it failed: claims then expire)."""
        try:
            _, following = await recording
        except Exception as exc:  # noqa: BLE001 - unrecorded: sent again after the lease
            log.error("webhook attempt not recorded", error=f"{type(exc).__name__}: {exc}")
            return []
        return following

    async def _claim_next(
        self, conn: AsyncConnection, endpoint_id: uuid.UUID, limit: int
    ) -> list[ClaimedDelivery]:
        return await self.claimer.take_next(conn, endpoint_id, self.clock(), limit)

    async def _attempt(self, delivery: ClaimedDelivery) -> AttemptOutcome:
        import httpx  # its errors are caught below

        body = delivery.body.encode()
        now = self.clock()
        headers = {
            **delivery.headers,
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            **signature_headers(
                delivery.secrets, str(delivery.event_id), int(now.timestamp()), body
            ),
        }
        breaker = self.breakers.of(delivery.endpoint_id)
        started = time.perf_counter()
        status: int | None = None
        excerpt: str | None = None
        error: str | None = None
        try:
            status, excerpt = await breaker.call(lambda: self._post(delivery.url, body, headers))
        except CircuitOpenError:
            raise
        except _NotSuccessful as exc:
            status, excerpt, error = exc.status, exc.excerpt, str(exc)
        except OutboundUrlRefused as exc:
            error = f"refused: {exc.detail}"
        except TimeoutError:
            error = f"timed out after {self.timeout:g} s"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        except Exception as exc:  # noqa: BLE001 - recorded as the attempt's error, never lost
            error = f"{type(exc).__name__}: {exc}"
        duration = time.perf_counter() - started
        return AttemptOutcome(now, duration, status, error[:500] if error else None, excerpt)

    async def attempt(self, delivery: ClaimedDelivery) -> AttemptOutcome:
        """POST the delivery once; raise :class:`CircuitOpenError` if its breaker refused."""
        with delivery_span(delivery):
            outcome = await self._attempt(delivery)
            record_attempt(outcome)
        return outcome

    async def _post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        async with asyncio.timeout(self.timeout):
            async with self.client().stream("POST", url, content=body, headers=headers) as answer:
                read = bytearray()
                async for chunk in answer.aiter_raw():
                    read += chunk
                    if len(read) >= MAX_RESPONSE_BYTES:
                        break
        excerpt = bytes(read[:MAX_RESPONSE_BYTES]).decode("utf-8", "replace").replace("\x00", "")
        status = answer.status_code
        if 200 <= status < 300:
            return status, excerpt
        if 300 <= status < 400:
            location = answer.headers.get("location", "")[:200]
            raise _NotSuccessful(status, excerpt, f"redirect to {location!r} not followed")
        raise _NotSuccessful(status, excerpt, f"HTTP {status}")

    async def _release(self, delivery: ClaimedDelivery, retry_after: float) -> None:
        """Give a claim back untried (its breaker is open): due when the breaker may let
        a trial through; not an attempt."""
        due = self.clock() + dt.timedelta(seconds=max(retry_after, 1.0))
        async with self.platform.db.writer(), self.platform.db.write_engine.begin() as conn:
            await conn.execute(
                update(DELIVERIES)
                .where(DELIVERIES.c.id == delivery.id, DELIVERIES.c.claimed_by == self.token)
                .values(claimed_by=None, claimed_at=None, next_attempt_at=due)
            )
