"""The long-running worker: `pmsync sync` and the monthly digest on a schedule.

For teams that run pmsync outside GitHub Actions. Built on ``schedule`` with one
``Scheduler`` per worker (never the module-level default), so tests and callers own it.

- Every job runs once at start, then every ``Job.every``.
- A job that fails is logged and runs again at its next turn; nothing a job raises ends
  the worker.
- ``stop()`` (SIGTERM and Ctrl-C call it) lets the job that is running finish, then the
  worker returns. A second Ctrl-C stops at once.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import FrameType

import schedule

from pmsync.config.redact import Redactor
from pmsync.config.schema import Config
from pmsync.config.settings import Settings
from pmsync.entry import report_job as digest_job
from pmsync.entry.run import Run, start_run
from pmsync.orchestration import sync_all

log = logging.getLogger(__name__)

# The longest the worker waits without looking at the schedule again.
MAX_IDLE_SECONDS = 60.0


@dataclass(frozen=True)
class JobResult:
    summary: str  # what the run did, in one line
    ok: bool = True  # False: the run finished, but part of its work failed


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[], JobResult]


class Worker:
    def __init__(self, jobs: Sequence[Job], clock: Callable[[], float] = time.monotonic) -> None:
        self.jobs = tuple(jobs)
        self._clock = clock
        self._stop = threading.Event()

    # -- stopping --------------------------------------------------------------------------

    def stop(self) -> None:
        """Finish the job that is running, start no other, and return."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @contextmanager
    def signals(self) -> Iterator[None]:
        """SIGTERM and SIGINT (Ctrl-C) stop the worker after the current job; a second
        Ctrl-C interrupts at once. Only the main thread may install signal handlers."""

        def on_signal(number: int, frame: FrameType | None) -> None:
            log.info(
                "%s: stopping after the current job (Ctrl-C again to stop at once)",
                signal.Signals(number).name,
            )
            signal.signal(signal.SIGINT, signal.default_int_handler)
            self.stop()

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    # -- running ---------------------------------------------------------------------------

    def run_job(self, job: Job) -> bool:
        """Run one job and log what it did; True when it did all of it."""
        started = self._clock()
        try:
            result = job.run()
        except Exception as exc:  # a failing run must never end the worker
            log.error(
                "%s failed after %.1fs: %s; it runs again at its next turn",
                job.name,
                self._clock() - started,
                exc,
            )
            log.debug("%s failed", job.name, exc_info=True)
            return False
        level = logging.INFO if result.ok else logging.WARNING
        log.log(level, "%s: %s (%.1fs)", job.name, result.summary, self._clock() - started)
        return result.ok

    def run_once(self) -> bool:
        """Every job once, in order; True when all of them did all their work."""
        ok = True
        for job in self.jobs:
            if self.stopping:
                return False
            ok = self.run_job(job) and ok
        return ok

    def run_forever(self) -> None:
        """Every job now, then each on its schedule, until ``stop()``."""
        scheduler = schedule.Scheduler()
        for job in self.jobs:
            seconds = max(1, round(job.every.total_seconds()))  # schedule counts whole seconds
            scheduler.every(seconds).seconds.do(self._scheduled, job)
            log.info("%s: every %s", job.name, _interval(job.every))
        self.run_once()
        while not self.stopping:
            self._stop.wait(_wait_seconds(scheduler.idle_seconds))
            if not self.stopping:
                scheduler.run_pending()
        log.info("worker stopped")

    def _scheduled(self, job: Job) -> None:
        if not self.stopping:  # several jobs may be due at once: stop between them
            self.run_job(job)


def _wait_seconds(idle: float | None) -> float:
    """How long to wait for the next due job (``idle`` is None when there is none)."""
    if idle is None:
        return MAX_IDLE_SECONDS
    return min(max(idle, 0.0), MAX_IDLE_SECONDS)


def _interval(every: timedelta) -> str:
    minutes = every.total_seconds() / 60
    return f"{minutes:g} minute{'s' * (minutes != 1)}"


# --- the jobs ------------------------------------------------------------------------------------


def describe_sync(synced: int, session: Run) -> JobResult:
    """E.g. ``3 post-mortem(s) synced, 2 comment(s) written, 0 ticket(s) created;
    requests: github: 5 reads, 2 writes; jira: 1 read, 0 writes``."""
    summary = session.record.summary
    text = (
        f"{synced} post-mortem(s) synced, {summary.comments_written} comment(s) written, "
        f"{summary.tickets_created} ticket(s) created; requests: {session.requests.summary()}"
    )
    problems = [
        *session.record.failures,
        *(f"{o.change.describe()}: {o.detail}" for o in summary.failed),
    ]
    text += "".join(f"; warning: {warning}" for warning in session.warnings)
    if problems:
        text += "; failed: " + "; ".join(problems)
    return JobResult(summary=text, ok=not problems)


def sync_job(
    settings: Settings,
    config: Config,
    repositories: Sequence[str],
    now: Callable[[], datetime],
    *,
    dry_run: bool = False,
    bot_login: str | None = None,
    cache: sync_all.SyncCache | None = None,
    redactor: Redactor | None = None,
) -> Job:
    """`pmsync sync` every ``worker.sync_every_minutes``, with fresh clients each time
    (and the local cache, when given, kept from one run to the next). A GitHub App acts
    through its installation on the first repository, with a token minted for each run
    (an installation token lasts an hour) and masked by ``redactor`` from then on."""

    def run() -> JobResult:
        session = start_run(
            settings,
            config,
            now=now(),
            dry_run=dry_run,
            bot_login=bot_login,
            repository=repositories[0],
            redactor=redactor,
        )
        synced = sync_all.sync(repositories, session.context, session.record, cache)
        return describe_sync(synced, session)

    return Job("sync", timedelta(minutes=config.worker.sync_every_minutes), run)


def report_job(
    settings: Settings,
    config: Config,
    repositories: Sequence[str],
    now: Callable[[], datetime],
    *,
    redactor: Redactor | None = None,
) -> Job:
    """The monthly digest of ``repositories`` every ``worker.report_every_minutes``
    (``pmsync.entry.report_job``), with fresh clients each time, as ``sync_job``."""

    def run() -> JobResult:
        return JobResult(summary=digest_job.run(settings, config, repositories, now(), redactor))

    return Job("report", timedelta(minutes=config.worker.report_every_minutes), run)


def moving_clock(
    start: datetime, clock: Callable[[], float] = time.monotonic
) -> Callable[[], datetime]:
    """A "now" that starts at ``start`` (``--now``, else the real time) and moves with the
    real clock, so a worker started "on 8 December" goes on from there."""
    origin = clock()
    return lambda: start + timedelta(seconds=clock() - origin)
