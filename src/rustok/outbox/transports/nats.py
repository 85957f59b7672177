"""NATS JetStream transport (E-5): durable, de-duplicated, one durable consumer per name.

- Stream ``RUSTOK`` (``RUSTOK_NATS_STREAM``) holds subjects ``rustok.<tenant_id>.<event_type>``
  (the prefix is the stream name in lower case), file storage, 7 days, 2 min de-duplication.
  Internal event types (``mail.queued``, …) go to ``rustok_internal.<tenant_id>.<event_type>``
  instead: other services read ``rustok.>``, and these are RusToK's own plumbing.
- Every message carries ``Nats-Msg-Id`` = the event id (plus ``/r<n>`` after the n-th replay),
  so a relay that re-publishes after a crash does not store the event twice.
- Each consumer of this process reads its own durable pull consumer (``<prefix>_<name>``,
  filtered on its event types, ``ack_wait`` = the outbox lease) into the dispatch queue, and
  acks a message only once the consumer recorded it (inbox or dead letter). A message not
  acked (crash, database down) comes back after ``ack_wait``; the inbox makes that harmless.
- A relay's batch is sent at once, in id order, and its acks awaited together (one round
  trip per batch, not per event of an aggregate); an event counts as published only when
  it and its elders in the batch were acked. Each ack goes through the ``nats`` circuit
  breaker; a timeout is tried again (3 attempts in all, 100 ms base, jittered). While the
  breaker is not closed the relay waits in :meth:`NatsTransport.wait_until_available`,
  which probes the server with a PING instead of spending the outbox rows' attempts.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
from collections import defaultdict
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING, Any

import nats
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError
from opentelemetry.trace import SpanKind

from rustok.core.events import CATALOGUE, decode_envelope, encode_envelope
from rustok.core.logging import get_logger
from rustok.core.platform import CheckResult
from rustok.core.resilience import CircuitBreaker, CircuitState, RetryPolicy, retry
from rustok.core.telemetry import current_traceparent
from rustok.core.tracing import received_span, span_in_trace, tracing_enabled
from rustok.outbox.transports.base import HandledCallback, TransportUnavailable

if TYPE_CHECKING:
    from rustok.core.consumer import ConsumerSpec
    from rustok.outbox.claims import ClaimedEvent
    from rustok.outbox.consumers import ConsumerRunner
    from rustok.outbox.dispatcher import EventDispatcher

log = get_logger("rustok.nats")
STREAM_MAX_AGE = 7 * 24 * 3600.0
DUPLICATE_WINDOW = 120.0
FETCH_BATCH = 100
STOP_RECANCEL_SECONDS = 0.5


@dataclasses.dataclass(frozen=True, slots=True)
class Sent:
    """An event sent to JetStream: its ack to come, and how to publish it again."""

    ack: asyncio.Future[Any]
    again: functools.partial[Awaitable[Any]]


async def _log_client_error(exc: Exception) -> None:
    # One line per error: nats-py's default logs a full traceback for every failed
    # reconnect (twice a second while the server is away), which the console renderer
    # takes seconds of event-loop time to draw.
    log.warning("nats client error", error=f"{type(exc).__name__}: {exc}"[:300])


class NatsTransport:
    name = "nats"
    durable = True

    def __init__(
        self,
        url: str,
        dispatcher: EventDispatcher,
        breaker: CircuitBreaker,
        *,
        stream: str = "RUSTOK",
        timeout: float = 5.0,
        ack_wait: float = 30.0,
    ) -> None:
        self.url = url
        self.dispatcher = dispatcher
        self.breaker = breaker
        self.stream = stream
        self.prefix = stream.lower()
        self.timeout = timeout
        self.ack_wait = ack_wait
        self._nc: Any = None
        self._js: Any = None
        self._ready = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self._settling: set[asyncio.Task[None]] = set()
        self._policy = RetryPolicy(attempts=3, base=0.1, cap=5.0, timeout=timeout)
        # What is left of the policy after a first attempt that timed out.
        self._retry_policy = dataclasses.replace(self._policy, attempts=self._policy.attempts - 1)

    @property
    def internal_prefix(self) -> str:
        return f"{self.prefix}_internal"

    def subject(self, tenant_id: object, event_type: str) -> str:
        prefix = self.internal_prefix if CATALOGUE.is_internal(event_type) else self.prefix
        return f"{prefix}.{tenant_id}.{event_type}"

    def durable_name(self, consumer: str) -> str:
        return f"{self.prefix}_{consumer.replace('.', '_')}"

    @property
    def connected(self) -> bool:
        return self._nc is not None and bool(self._nc.is_connected)

    async def start(
        self, runners: Sequence[ConsumerRunner], subscribers: Sequence[ConsumerSpec] = ()
    ) -> None:
        # Every consumer's durable is declared, also those another process runs (a relay-only
        # worker): a durable starts at the messages published after it exists, so one
        # declared only once its process connects would miss what the relay sent before.
        declared = {runner.spec.name: runner.spec for runner in runners}
        for spec in subscribers:
            declared.setdefault(spec.name, spec)
        task = self._connect(list(runners), list(declared.values()))
        self._tasks.append(asyncio.create_task(task, name="nats:connect"))

    async def _connect(self, runners: list[ConsumerRunner], specs: list[ConsumerSpec]) -> None:
        delay = 0.2
        while self._nc is None and not self._stopping:
            try:
                self._nc = await nats.connect(
                    self.url, connect_timeout=2, reconnect_time_wait=0.5,
                    max_reconnect_attempts=-1, allow_reconnect=True, name="rustok",
                    error_cb=_log_client_error,
                )  # fmt: skip
            except Exception as exc:  # noqa: BLE001 - keep trying: writes do not need NATS
                log.warning("nats connect failed", url=self.url, error=repr(exc))
                await asyncio.sleep(delay)
                delay = min(5.0, delay * 2)
        if self._nc is None:
            return
        self._js = self._nc.jetstream(timeout=self.timeout)
        while True:
            try:
                await self._declare(specs)
                break
            except Exception as exc:  # noqa: BLE001 - retried until the server answers
                log.warning("nats set-up failed", error=repr(exc))
                await asyncio.sleep(1.0)
        for runner in runners:
            self._tasks.append(asyncio.create_task(self._fetch(runner), name=f"nats:{runner.name}"))
        self._ready.set()

    async def _declare(self, specs: list[ConsumerSpec]) -> None:
        config = StreamConfig(
            name=self.stream, subjects=[f"{self.prefix}.>", f"{self.internal_prefix}.>"],
            storage=StorageType.FILE, max_age=STREAM_MAX_AGE, duplicate_window=DUPLICATE_WINDOW,
        )  # fmt: skip
        try:
            await retry(lambda: self._js.add_stream(config), on=(NatsTimeoutError,))
        except BadRequestError:  # declared by an older version (no internal subjects)
            await retry(lambda: self._js.update_stream(config), on=(NatsTimeoutError,))
        for spec in specs:
            consumer = ConsumerConfig(
                durable_name=self.durable_name(spec.name),
                filter_subjects=sorted(self.subject("*", t) for t in spec.type_names),
                ack_policy=AckPolicy.EXPLICIT, ack_wait=self.ack_wait,
                deliver_policy=DeliverPolicy.NEW, max_deliver=-1,
            )  # fmt: skip
            try:
                await self._js.add_consumer(self.stream, config=consumer)
            except BadRequestError as exc:  # exists with other settings: keep its position
                log.warning("nats consumer kept as is", consumer=spec.name, error=repr(exc))

    async def stop(self) -> None:
        self._stopping = True
        # Cancelled more than once if need be: nats-py can swallow a cancellation (its
        # next_msg turns one into ConnectionClosedError once the connection is closed, and
        # Python 3.11's wait_for drops one that meets an arriving message), and a fetch loop
        # that carried on kept stop() waiting forever.
        while pending := [task for task in self._tasks if not task.done()]:
            for task in pending:
                task.cancel()
            await asyncio.wait(pending, timeout=STOP_RECANCEL_SECONDS)
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        self._stopping = False
        if self._settling:
            await asyncio.gather(*self._settling, return_exceptions=True)
        if self._nc is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await self._nc.close()
        self._nc = self._js = None
        self._ready.clear()

    async def publish(
        self, events: Sequence[ClaimedEvent], on_handled: HandledCallback
    ) -> list[BaseException | None]:
        # Every event is sent before any ack is awaited: in id order on the one connection,
        # which the stream keeps, so a batch costs one round trip, not one per event of an
        # aggregate. Then, per aggregate in order, each ack is confirmed through the breaker;
        # an event is published only if it and its elders in the batch were acked.
        results: list[BaseException | None] = [None] * len(events)
        chains: defaultdict[object, list[int]] = defaultdict(list)
        for index, event in enumerate(events):
            chains[event.envelope.aggregate_id or event.envelope.id].append(index)
        sent = await self._send_all(events)
        outcomes = await self._acks(sent)

        async def confirm_chain(indexes: list[int]) -> None:
            for position, index in enumerate(indexes):
                confirm = functools.partial(self._confirm, sent[index], outcomes[index])
                try:
                    await self.breaker.call(confirm)
                except Exception as exc:  # noqa: BLE001 - reported per event to the relay
                    for later in indexes[position:]:
                        # Later events of the aggregate wait with it, even if acked: they
                        # are sent again after it (the stream drops the copies: Nats-Msg-Id).
                        results[later] = exc
                    return

        await asyncio.gather(*(confirm_chain(indexes) for indexes in chains.values()))
        return results

    async def _send_all(self, events: Sequence[ClaimedEvent]) -> list[Sent | BaseException]:
        """Send each event without waiting for its ack; an aggregate whose event could not be
        sent has its later events left unsent (they would be stored before it)."""
        sent: list[Sent | BaseException] = []
        unsent: dict[object, BaseException] = {}
        for event in events:
            key = event.envelope.aggregate_id or event.envelope.id
            if (error := unsent.get(key)) is not None:
                sent.append(error)
                continue
            try:
                sent.append(await self._send(event))
            except Exception as exc:  # noqa: BLE001 - that event's outcome
                unsent[key] = exc
                sent.append(exc)
        return sent

    async def _send(self, event: ClaimedEvent) -> Sent:
        if not self.connected:
            raise TransportUnavailable("not connected to NATS")
        envelope = event.envelope
        msg_id = str(envelope.id) if event.replays == 0 else f"{envelope.id}/r{event.replays}"
        headers = {"Nats-Msg-Id": msg_id}
        subject = self.subject(envelope.tenant_id, envelope.event_type)
        data = encode_envelope(envelope)
        # Tracing: a producer span in the event's trace; the header carries it to consumers.
        with span_in_trace(f"nats.publish {envelope.event_type}", envelope.traceparent,
                           SpanKind.PRODUCER, **{"messaging.system": "nats"}):  # fmt: skip
            traceparent = current_traceparent() if tracing_enabled() else envelope.traceparent
            if traceparent:
                headers["traceparent"] = traceparent
            ack = await self._js.publish_async(subject, data, headers=headers)
        again = functools.partial(
            self._js.publish, subject, data, timeout=self.timeout, headers=headers
        )
        return Sent(ack, again)

    async def _acks(self, sent: Sequence[Sent | BaseException]) -> list[BaseException | None]:
        """Wait for every ack at once, up to the timeout: None (stored) or the error."""
        waiting = [item.ack for item in sent if isinstance(item, Sent)]
        try:
            if waiting:
                await asyncio.wait(waiting, timeout=self.timeout)
        finally:  # timed out (or cancelled): nats-py forgets a cancelled ack's reply
            for ack in waiting:
                ack.cancel()
        outcomes: list[BaseException | None] = []
        for item in sent:
            if not isinstance(item, Sent):
                outcomes.append(item)
            elif item.ack.cancelled():
                outcomes.append(NatsTimeoutError())
            else:
                outcomes.append(item.ack.exception())
        return outcomes

    async def _confirm(self, sent: Sent | BaseException, outcome: BaseException | None) -> None:
        """Through the breaker, per event: an ack received, or one more go after a timeout
        (the rest of the retry policy), or the error."""
        if outcome is None:
            return
        if isinstance(sent, Sent) and isinstance(outcome, NatsTimeoutError | TimeoutError):
            await retry(sent.again, on=(NatsTimeoutError,), policy=self._retry_policy)
            return
        raise outcome

    async def _ping(self) -> None:
        if not self.connected:
            raise TransportUnavailable("not connected to NATS")
        await self._nc.flush(timeout=self.timeout)

    async def wait_until_available(self) -> None:
        await self._ready.wait()
        while (state := self.breaker.state) is not CircuitState.CLOSED:
            if state is CircuitState.OPEN:
                await asyncio.sleep(max(0.05, self.breaker.retry_after()))
                continue
            try:
                await self.breaker.call(self._ping)
            except Exception:  # noqa: BLE001 - the breaker counted it; wait and probe again
                await asyncio.sleep(0.05)

    async def _fetch(self, runner: ConsumerRunner) -> None:
        sub = await self._js.pull_subscribe_bind(
            durable=self.durable_name(runner.name), stream=self.stream
        )
        while not self._stopping:
            await self.dispatcher.wait_for_room()
            # Take only what the consumer will reach well within ack_wait: a message waiting
            # in our lanes past it would be redelivered while still queued here.
            while runner.backlog >= FETCH_BATCH:  # noqa: ASYNC110 - cheaper than an Event per dequeue
                await asyncio.sleep(0.01)
            try:
                messages = await sub.fetch(min(FETCH_BATCH, self.dispatcher.room()), timeout=1)
            except TimeoutError:
                # Nothing came in time: ask again at once. nats-py raises its own TimeoutError
                # or, when the deadline ran out before its long poll (a busy process), the
                # builtin one; taken for a failure, that one cost a 0.5 s pause per fetch.
                continue
            except Exception as exc:  # noqa: BLE001 - disconnected: nats-py reconnects
                log.debug("nats fetch failed", consumer=runner.name, error=repr(exc))
                await asyncio.sleep(0.5)
                continue
            for message in messages:
                self._deliver(runner, message)

    def _deliver(self, runner: ConsumerRunner, message: Any) -> None:
        try:
            envelope = decode_envelope(message.data)
        except Exception as exc:  # noqa: BLE001 - not an envelope: never deliverable
            log.error("undecodable message terminated", subject=message.subject, error=repr(exc))
            self._settle(message.term())
            return

        if tracing_enabled():  # the broker hop: a consumer span under the publish span
            received_span(f"nats.receive {runner.name}", (message.headers or {}).get("traceparent"))

        def done(recorded: bool) -> None:
            if recorded:
                self._settle(message.ack())
                return
            # Its elder is elsewhere, or the database failed: soon, then less often.
            deliveries = message.metadata.num_delivered or 1
            self._settle(message.nak(delay=min(2.0, 0.2 + 0.05 * deliveries)))

        self.dispatcher.submit(envelope, [runner], done)

    def _settle(self, action: Any) -> None:
        task = asyncio.create_task(self._quietly(action))
        self._settling.add(task)
        task.add_done_callback(self._settling.discard)

    @staticmethod
    async def _quietly(action: Any) -> None:
        # A lost ack only means a redelivery, which the inbox absorbs.
        with contextlib.suppress(Exception):
            await action

    async def health(self) -> CheckResult:
        state = self.breaker.state
        if not self._ready.is_set():
            return CheckResult("down", detail=f"connecting to {self.stream} on NATS")
        if state is CircuitState.OPEN:
            return CheckResult(
                "down", detail=f"circuit open, retry in {self.breaker.retry_after():.0f} s"
            )
        if not self.connected:
            return CheckResult("down", detail="disconnected from NATS, reconnecting")
        if state is CircuitState.HALF_OPEN:
            return CheckResult("degraded", detail="circuit half-open (probing)")
        return CheckResult("ok", detail=f"NATS JetStream stream {self.stream}")
