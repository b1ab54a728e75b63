"""One wrapper around every remote call: retries, backoff, request counts, clean errors.

Reads and idempotent writes are retried on 429, 5xx and dropped connections, waiting as
the service asks (``Retry-After``, ``x-ratelimit-reset``) or with exponential backoff,
bounded in attempts and in total time. A create is never repeated blindly: after a 5xx
or a dropped connection the caller's ``took_effect`` re-read decides whether the first
attempt already landed. Any other 4xx stops at once. Whatever is given up on becomes a
``RemoteError`` naming the service, method, path and status, and never a token.

Each call the wrapper runs must be exactly one HTTP request; the request log then counts
requests per service, and its listeners see every request as it ends (tests use them to
stop a run after any given request).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

import requests
from requests.exceptions import ChunkedEncodingError

from pmsync.errors import RemoteError, WritesPaused, access_hint

T = TypeVar("T")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5  # attempts per request, the first one included
    max_total_seconds: float = 120.0  # time spent waiting across all retries of one request
    base_delay: float = 1.0  # first backoff; doubles with each retry
    max_delay: float = 30.0  # cap of one backoff step without a hint from the service


@dataclass(frozen=True)
class Failure:
    """What went wrong with one attempt, in terms every service shares."""

    status: int | None  # None: no answer at all (dropped connection, timeout)
    headers: Mapping[str, str]  # response headers, keys lower-cased
    detail: str  # the service's own error message, never request headers

    @property
    def rate_limited(self) -> bool:
        if self.status == 429:
            return True
        # GitHub answers rate limits with 403 and says so in its headers.
        return self.status == 403 and (
            "retry-after" in self.headers or self.headers.get("x-ratelimit-remaining") == "0"
        )

    @property
    def secondary_limit(self) -> bool:
        """GitHub's secondary limit (403 or 429 saying so): wait as it asks, else stop."""
        return self.status in (403, 429) and "secondary rate limit" in self.detail.lower()

    @property
    def transient(self) -> bool:
        """Worth another attempt: the service may answer differently in a moment."""
        return self.status is None or self.status >= 500 or self.rate_limited

    @property
    def may_have_landed(self) -> bool:
        """A write may have taken effect: the service did not clearly reject it."""
        return self.status is None or self.status >= 500


Classifier = Callable[[BaseException], Failure | None]


def connection_failure(exc: BaseException) -> Failure | None:
    """A request that got no answer: the connection dropped or timed out."""
    if isinstance(exc, requests.ConnectionError | requests.Timeout | ChunkedEncodingError):
        return Failure(status=None, headers={}, detail=f"no answer ({type(exc).__name__})")
    return None


@dataclass(frozen=True)
class RequestRecord:
    service: str
    method: str
    path: str
    write: bool
    status: int | None  # of a failed attempt; None when it succeeded or got no answer
    ok: bool


Listener = Callable[[RequestRecord], None]


@dataclass
class RequestLog:
    """Every request of a run, per service, for logs, summaries and benchmarks."""

    records: list[RequestRecord] = field(default_factory=list)
    listeners: list[Listener] = field(default_factory=list)

    def record(self, entry: RequestRecord) -> None:
        self.records.append(entry)
        for listener in self.listeners:
            listener(entry)

    def count(self, service: str | None = None, *, write: bool | None = None) -> int:
        return sum(
            1
            for entry in self.records
            if (service is None or entry.service == service)
            and (write is None or entry.write == write)
        )

    def summary(self) -> str:
        """E.g. ``github: 4 reads, 2 writes; jira: 1 read, 1 write``."""
        counts = Counter((entry.service, entry.write) for entry in self.records)
        services = sorted({entry.service for entry in self.records})
        if not services:
            return "no requests"
        parts = []
        for service in services:
            reads, writes = counts[(service, False)], counts[(service, True)]
            parts.append(
                f"{service}: {reads} read{'s' * (reads != 1)}, {writes} write{'s' * (writes != 1)}"
            )
        return "; ".join(parts)


class Remote:
    """Runs the calls of one service under the retry policy and records each request."""

    def __init__(
        self,
        service: str,
        classify: Classifier,
        *,
        policy: RetryPolicy | None = None,
        log: RequestLog | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.service = service
        self.classify = classify
        self.policy = policy or RetryPolicy()
        self.log = log if log is not None else RequestLog()
        self.sleep = sleep
        self.clock = clock
        self.wall_clock = wall_clock
        self.paused: str | None = None  # why writes stopped for the rest of the run

    def read(self, method: str, path: str, call: Callable[[], T]) -> T:
        """A request without side effects: retried on every transient failure."""
        return self._run(method, path, call, write=False, took_effect=None)

    def write(self, method: str, path: str, call: Callable[[], T]) -> T:
        """A write that may safely be sent twice (it sets values, it does not add)."""
        return self._run(method, path, call, write=True, took_effect=None)

    def create(
        self,
        method: str,
        path: str,
        call: Callable[[], T],
        took_effect: Callable[[], T | None],
    ) -> T:
        """A write that must not happen twice.

        After a 5xx or a dropped connection ``took_effect`` re-reads the remote side: its
        answer, when not None, is taken as the write's result; None means the write did
        not land and it is sent again. Rate limits are retried directly: a 429 is a
        refusal, not a half-done write.
        """
        return self._run(method, path, call, write=True, took_effect=took_effect)

    def _run(
        self,
        method: str,
        path: str,
        call: Callable[[], T],
        *,
        write: bool,
        took_effect: Callable[[], T | None] | None,
    ) -> T:
        started = self.clock()
        attempt = 0
        while True:
            attempt += 1
            if write and self.paused is not None:
                raise WritesPaused(self.paused)  # GitHub asked to stop sending: nothing goes
            try:
                result = call()
            except Exception as exc:
                failure = self.classify(exc)
                if failure is None:
                    raise
                self.log.record(
                    RequestRecord(self.service, method, path, write, failure.status, ok=False)
                )
                if write and failure.secondary_limit:
                    self._wait_or_pause(method, path, failure, started)
                    continue
                if not failure.transient:
                    raise self._error(method, path, failure) from None
                if took_effect is not None and failure.may_have_landed:
                    landed = took_effect()
                    if landed is not None:
                        log.info(
                            "%s %s %s took effect despite the failure", self.service, method, path
                        )
                        return landed
                delay = self._delay(failure, attempt)
                waited = self.clock() - started
                if attempt >= self.policy.max_attempts or (
                    waited + delay > self.policy.max_total_seconds
                ):
                    raise self._gave_up(method, path, failure, attempt, delay) from None
                log.warning(
                    "%s %s %s %s; retrying in %.1fs (attempt %d of %d)",
                    self.service,
                    method,
                    path,
                    _describe(failure),
                    delay,
                    attempt + 1,
                    self.policy.max_attempts,
                )
                self.sleep(delay)
                continue
            self.log.record(RequestRecord(self.service, method, path, write, None, ok=True))
            return result

    def _wait_or_pause(self, method: str, path: str, failure: Failure, started: float) -> None:
        """A secondary limit: wait as long as ``retry-after`` says when that fits the retry
        budget; else (no ``retry-after``: GitHub asks for at least a minute and to stop
        sending until then) pause every write for the rest of the run."""
        delay = self._hinted_delay(failure.headers)
        if delay is not None and self.clock() - started + delay <= self.policy.max_total_seconds:
            log.warning(
                "%s %s %s: GitHub's secondary rate limit; waiting %.0fs as it asks",
                self.service,
                method,
                path,
                delay,
            )
            self.sleep(delay)
            return
        when = f"for {delay:.0f}s" if delay is not None else "for at least a minute"
        self.paused = (
            f"GitHub's secondary rate limit answered {method} {path} with {failure.status} "
            f"and asks to wait {when}; no more writes this run"
        )
        raise WritesPaused(self.paused)

    def _delay(self, failure: Failure, attempt: int) -> float:
        """Seconds to wait: what the service asked for, else exponential backoff."""
        hinted = self._hinted_delay(failure.headers)
        if hinted is not None:
            return hinted
        return float(min(self.policy.base_delay * 2 ** (attempt - 1), self.policy.max_delay))

    def _hinted_delay(self, headers: Mapping[str, str]) -> float | None:
        retry_after = headers.get("retry-after")
        if retry_after is not None:
            seconds = _parse_retry_after(retry_after, self.wall_clock())
            if seconds is not None:
                # Jira often says "Retry-After: 0"; that still means "retry", just soon.
                return seconds
        reset = headers.get("x-ratelimit-reset")
        if reset is not None and headers.get("x-ratelimit-remaining") == "0":
            try:
                return max(0.0, float(reset) - self.wall_clock())
            except ValueError:
                return None
        return None

    def _error(self, method: str, path: str, failure: Failure) -> RemoteError:
        """A refusal; a refused login or right (401, or a 403 that is no rate limit, which
        never gets here) names the variables and permissions that fix it."""
        rate_limit = "rate limit" in failure.detail.lower()  # GitHub's secondary limits say so
        hint = None if rate_limit else access_hint(self.service, failure.status)
        return RemoteError(self.service, method, path, failure.status, failure.detail, hint)

    def _gave_up(
        self, method: str, path: str, failure: Failure, attempts: int, delay: float
    ) -> RemoteError:
        if attempts >= self.policy.max_attempts:
            why = f"gave up after {attempts} attempts"
        else:
            why = (
                f"gave up after {attempts} attempt(s): the next retry would wait {delay:.0f}s, "
                f"beyond the {self.policy.max_total_seconds:.0f}s retry budget"
            )
        return RemoteError(self.service, method, path, failure.status, f"{failure.detail} ({why})")


def _describe(failure: Failure) -> str:
    if failure.status is None:
        return "lost the connection"
    return f"answered {failure.status}"


def _parse_retry_after(value: str, now: float) -> float | None:
    """``Retry-After`` is either seconds or an HTTP date."""
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, moment.timestamp() - datetime.fromtimestamp(now, UTC).timestamp())
