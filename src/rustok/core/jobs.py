"""Periodic jobs: the housekeeping a module does on a timer (expire pending orders, …).

Modules declare theirs in ``ModuleSpec.jobs``. The :class:`JobScheduler` runs them wherever
the event runtime runs — ``rustok serve`` (unless ``RUSTOK_SERVE_EVENTS=false``) and every
``rustok worker`` — each ``RUSTOK_JOBS_INTERVAL`` seconds, jittered so processes drift apart;
``rustok jobs run`` runs them once from the shell (cron, tests, operators).

Several processes may run one job at the same moment, so a job must be safe under that: it
locks the rows it changes and re-checks them under the lock. A run handles a bounded batch
and returns how many items it changed; one failing job never stops the others.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prometheus_client import Counter, Histogram

from rustok.core.context import RequestContext, TenantRef, use_context
from rustok.core.logging import get_logger
from rustok.core.tasks import STOP_GRACE_SECONDS, finish_or_cancel
from rustok.core.tracing import span

if TYPE_CHECKING:
    from rustok.core.platform import Platform

JOB_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
JobRun = Callable[["Platform"], Awaitable[int]]

# The label is not "job": Prometheus keeps that for the scrape job and renames a target's
# own "job" label to "exported_job".
JOB_RUNS = Counter(
    "rustok_job_runs_total",
    "Periodic job runs by job and outcome (ok/failed).",
    ["periodic_job", "outcome"],
)
JOB_ITEMS = Counter("rustok_job_items_total", "Items a periodic job changed.", ["periodic_job"])
JOB_DURATION = Histogram(
    "rustok_job_duration_seconds",
    "Duration of one periodic job run.",
    ["periodic_job"],
    buckets=(0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0, 120.0),
)
_log = get_logger("rustok.jobs")


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    """``<module>.<job>``: ``run`` does one bounded batch and returns the items changed."""

    name: str
    run: JobRun
    description: str

    def __post_init__(self) -> None:
        if not JOB_NAME_RE.match(self.name):
            raise ValueError(f"job name {self.name!r} must match {JOB_NAME_RE.pattern}")


@dataclass(frozen=True, slots=True)
class JobOutcome:
    job: str
    items: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class JobScheduler:
    """Runs every job each ``interval`` seconds (±25 % jitter) until stopped."""

    def __init__(self, platform: Platform, jobs: Sequence[PeriodicJob], interval: float) -> None:
        names = [job.name for job in jobs]
        if len(set(names)) != len(names):
            raise ValueError(f"two periodic jobs share a name: {sorted(names)}")
        self.platform = platform
        self.jobs = {job.name: job for job in jobs}
        self.interval = interval
        self._task: asyncio.Task[None] | None = None
        self._busy = False
        self._stopping = False

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        if self._task is None and self.jobs:
            self._stopping = False
            self._task = asyncio.create_task(self._loop(), name="periodic-jobs")

    async def stop(self) -> None:
        """Stop the timer; a run in progress may finish (rustok.core.tasks)."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        if not self._busy:
            task.cancel()  # asleep between runs
        await finish_or_cancel([task], STOP_GRACE_SECONDS)

    async def run_once(self, names: Iterable[str] | None = None) -> list[JobOutcome]:
        """Run the named jobs (every job by default) once, in declaration order."""
        wanted = list(self.jobs) if names is None else list(names)
        if unknown := [name for name in wanted if name not in self.jobs]:
            raise KeyError(", ".join(unknown))
        return [await self._run(self.jobs[name]) for name in wanted]

    async def _run(self, job: PeriodicJob) -> JobOutcome:
        started = time.perf_counter()
        try:
            # Tracing: one trace per run, its statements inside (in workers, serve and the CLI).
            with span(f"job.run {job.name}", periodic_job=job.name):
                items = await job.run(self.platform)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - one failing job must not stop the others
            JOB_RUNS.labels(job.name, "failed").inc()
            _log.exception("periodic job failed", job=job.name)
            return JobOutcome(job.name, error=f"{type(exc).__name__}: {exc}")
        finally:
            JOB_DURATION.labels(job.name).observe(time.perf_counter() - started)
        JOB_RUNS.labels(job.name, "ok").inc()
        JOB_ITEMS.labels(job.name).inc(items)
        if items:
            _log.info("periodic job changed items", job=job.name, items=items)
        return JobOutcome(job.name, items=items)

    async def _loop(self) -> None:
        while not self._stopping:
            await asyncio.sleep(self.interval * random.uniform(0.75, 1.25))  # noqa: S311
            self._busy = True
            try:
                await self.run_once()
            finally:
                self._busy = False


async def job_tenants(
    platform: Platform, tenant_ids: Iterable[uuid.UUID], module: str
) -> list[TenantRef]:
    """The tenants a job works for, each once: removed tenants and those that disabled
    ``module`` are left out. Run each tenant's work under ``tenant_context(tenant)``."""
    tenants = []
    for tenant_id in dict.fromkeys(tenant_ids):
        tenant = None if platform.tenants is None else await platform.tenants.by_id(tenant_id)
        if tenant is not None and module in tenant.enabled_modules:
            tenants.append(tenant)
    return tenants


def tenant_context(tenant: TenantRef) -> use_context:
    """A job's request context for ``tenant``: no actor (the platform acts), no request."""
    return use_context(RequestContext(tenant=tenant))
