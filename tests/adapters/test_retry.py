"""The retry wrapper: what it retries, how long it waits, when it stops, what it counts."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
import requests

from pmsync.adapters.retry import (
    Failure,
    Remote,
    RequestLog,
    RequestRecord,
    RetryPolicy,
    connection_failure,
)
from pmsync.errors import RemoteError, WritesPaused

NOW = 1_800_000_000.0


class HttpFailure(Exception):
    """A stand-in for a library's HTTP error."""

    def __init__(self, status: int, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.headers = dict(headers or {})


def classify(exc: BaseException) -> Failure | None:
    if isinstance(exc, HttpFailure):
        return Failure(exc.status, exc.headers, f"status {exc.status}")
    return connection_failure(exc)


class Script:
    """A call that answers from a script: exceptions are raised, values returned."""

    def __init__(self, *outcomes: object) -> None:
        self.outcomes: Iterator[object] = iter(outcomes)
        self.calls = 0

    def __call__(self) -> object:
        self.calls += 1
        outcome = next(self.outcomes)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def make_remote(
    policy: RetryPolicy | None = None,
) -> tuple[Remote, list[float], RequestLog]:
    sleeps: list[float] = []
    elapsed = [0.0]

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        elapsed[0] += seconds

    request_log = RequestLog()
    remote = Remote(
        "jira",
        classify,
        policy=policy or RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=4.0),
        log=request_log,
        sleep=sleep,
        clock=lambda: elapsed[0],
        wall_clock=lambda: NOW + elapsed[0],
    )
    return remote, sleeps, request_log


def test_read_retries_5xx_and_drops_with_exponential_backoff() -> None:
    remote, sleeps, request_log = make_remote()
    call = Script(HttpFailure(502), requests.ConnectionError("reset"), HttpFailure(503), "ok")
    assert remote.read("GET", "/rest/api/2/search", call) == "ok"
    assert call.calls == 4
    assert sleeps == [0.5, 1.0, 2.0]
    assert request_log.count("jira", write=False) == 4
    assert [r.status for r in request_log.records] == [502, None, 503, None]
    assert [r.ok for r in request_log.records] == [False, False, False, True]


def test_backoff_is_capped() -> None:
    remote, sleeps, _ = make_remote(RetryPolicy(max_attempts=6, base_delay=1.0, max_delay=3.0))
    remote.read("GET", "/x", Script(*[HttpFailure(500)] * 5, "ok"))
    assert sleeps == [1.0, 2.0, 3.0, 3.0, 3.0]


def test_retry_after_seconds_is_obeyed_even_when_zero() -> None:
    remote, sleeps, _ = make_remote()
    call = Script(
        HttpFailure(429, {"retry-after": "7"}), HttpFailure(429, {"retry-after": "0"}), "ok"
    )
    assert remote.read("GET", "/x", call) == "ok"
    assert sleeps == [7.0, 0.0]


def test_retry_after_as_http_date() -> None:
    remote, sleeps, _ = make_remote()
    when = format_datetime(datetime.fromtimestamp(NOW + 12, UTC), usegmt=True)
    remote.read("GET", "/x", Script(HttpFailure(503, {"retry-after": when}), "ok"))
    assert sleeps == [12.0]


def test_github_rate_limit_403_waits_for_the_reset() -> None:
    remote, sleeps, _ = make_remote()
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 20)}
    assert remote.read("GET", "/x", Script(HttpFailure(403, headers), "ok")) == "ok"
    assert sleeps == [20.0]


def test_a_plain_403_is_not_retried() -> None:
    remote, sleeps, request_log = make_remote()
    with pytest.raises(RemoteError) as caught:
        remote.read("GET", "/repos/acme/x", Script(HttpFailure(403)))
    assert caught.value.status == 403
    assert sleeps == []
    assert request_log.count() == 1


@pytest.mark.parametrize("status", [400, 401, 404, 409, 422])
def test_other_4xx_stop_at_once_and_name_the_request(status: int) -> None:
    remote, sleeps, _ = make_remote()
    with pytest.raises(RemoteError) as caught:
        remote.write("PUT", "/rest/api/2/issue/OPS-1", Script(HttpFailure(status)))
    assert sleeps == []
    message = str(caught.value)
    assert "jira PUT /rest/api/2/issue/OPS-1" in message
    assert f"answered {status}" in message


def test_gives_up_after_max_attempts_with_a_clear_error() -> None:
    remote, sleeps, request_log = make_remote()
    with pytest.raises(RemoteError) as caught:
        remote.read("GET", "/search", Script(*[HttpFailure(500)] * 10))
    assert caught.value.status == 500
    assert "gave up after 4 attempts" in str(caught.value)
    assert len(sleeps) == 3
    assert request_log.count() == 4


def test_gives_up_when_the_wait_exceeds_the_time_budget() -> None:
    remote, sleeps, _ = make_remote(RetryPolicy(max_attempts=5, max_total_seconds=60))
    reset = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 3600)}
    with pytest.raises(RemoteError) as caught:
        remote.read("GET", "/x", Script(HttpFailure(429, reset)))
    assert sleeps == []
    assert "retry budget" in str(caught.value)


def test_dropped_connection_error_says_no_answer() -> None:
    remote, _, _ = make_remote(RetryPolicy(max_attempts=1))
    with pytest.raises(RemoteError) as caught:
        remote.read("GET", "/x", Script(requests.ConnectionError("boom")))
    assert caught.value.status is None
    assert "could not be reached" in str(caught.value)


def test_unclassified_exceptions_pass_through_uncounted() -> None:
    remote, _, request_log = make_remote()
    with pytest.raises(KeyError):
        remote.read("GET", "/x", Script(KeyError("bug")))
    assert request_log.count() == 0


def test_idempotent_write_is_retried_like_a_read() -> None:
    remote, sleeps, request_log = make_remote()
    assert remote.write("PATCH", "/x", Script(HttpFailure(502), "done")) == "done"
    assert sleeps == [0.5]
    assert request_log.count(write=True) == 2


def test_create_that_landed_despite_a_5xx_is_not_sent_again() -> None:
    remote, sleeps, _ = make_remote()
    call = Script(HttpFailure(502), "second create")
    checks: list[str] = []

    def took_effect() -> str | None:
        checks.append("checked")
        return "found it"

    assert remote.create("POST", "/comments", call, took_effect) == "found it"
    assert call.calls == 1
    assert checks == ["checked"]
    assert sleeps == []


def test_create_that_did_not_land_after_a_drop_is_sent_again() -> None:
    remote, _, request_log = make_remote()
    call = Script(requests.ConnectionError("reset"), "created")
    assert remote.create("POST", "/comments", call, lambda: None) == "created"
    assert call.calls == 2
    assert request_log.count(write=True) == 2


def test_create_refused_by_rate_limit_is_retried_without_a_check() -> None:
    remote, sleeps, _ = make_remote()
    call = Script(HttpFailure(429, {"retry-after": "1"}), "created")

    def took_effect() -> str | None:
        raise AssertionError("a 429 is a refusal; nothing to check")

    assert remote.create("POST", "/x", call, took_effect) == "created"
    assert sleeps == [1.0]


def test_create_rejected_with_4xx_is_not_checked_or_retried() -> None:
    remote, _, _ = make_remote()
    call = Script(HttpFailure(400))
    with pytest.raises(RemoteError):
        remote.create("POST", "/x", call, lambda: "never")
    assert call.calls == 1


def test_listeners_see_every_request_and_can_stop_the_run() -> None:
    remote, _, request_log = make_remote()
    seen: list[RequestRecord] = []

    class Stop(Exception):
        pass

    def stop_after_second(entry: RequestRecord) -> None:
        seen.append(entry)
        if len(seen) == 2:
            raise Stop

    request_log.listeners.append(stop_after_second)
    remote.read("GET", "/a", Script("a"))
    call = Script("b", "never")
    with pytest.raises(Stop):
        remote.write("PATCH", "/b", call)
    assert [(r.method, r.path, r.write) for r in seen] == [
        ("GET", "/a", False),
        ("PATCH", "/b", True),
    ]
    assert call.calls == 1


def test_summary_counts_reads_and_writes_per_service() -> None:
    request_log = RequestLog()
    assert request_log.summary() == "no requests"
    remotes: dict[str, Remote] = {
        name: Remote(name, classify, log=request_log, sleep=lambda s: None)
        for name in ("github", "jira")
    }
    ok: Callable[[], str] = lambda: "ok"  # noqa: E731
    remotes["github"].read("GET", "/a", ok)
    remotes["github"].read("GET", "/b", ok)
    remotes["github"].write("POST", "/c", ok)
    remotes["jira"].read("GET", "/d", ok)
    assert request_log.summary() == "github: 2 reads, 1 write; jira: 1 read, 0 writes"
    assert request_log.count("github") == 3


def test_a_refusal_names_its_fix_unless_it_is_a_rate_limit() -> None:
    def github_answer(detail: str) -> Remote:
        return Remote("github", lambda exc: Failure(403, {}, detail), sleep=lambda s: None)

    with pytest.raises(RemoteError) as caught:
        github_answer("Resource not accessible by integration").read(
            "GET", "/x", Script(HttpFailure(403))
        )
    assert caught.value.hint is not None and "issues: write" in str(caught.value)
    # GitHub's secondary rate limit may come as a 403 without a header that says so.
    with pytest.raises(RemoteError) as caught:
        github_answer("You have exceeded a secondary rate limit.").read(
            "GET", "/x", Script(HttpFailure(403))
        )
    assert caught.value.hint is None


@pytest.mark.parametrize(
    ("status", "refused"), [(400, True), (404, True), (429, False), (500, False), (None, False)]
)
def test_only_a_4xx_other_than_a_rate_limit_refuses_the_one_request(
    status: int | None, refused: bool
) -> None:
    assert RemoteError("jira", "PUT", "/rest/api/2/issue/OPS-1", status, "no").refused is refused


# -- GitHub's secondary limits ---------------------------------------------------------------

SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes."


class SecondaryLimit(Exception):
    def __init__(self, status: int, retry_after: str | None = None) -> None:
        super().__init__(status)
        self.failure = Failure(
            status, {"retry-after": retry_after} if retry_after else {}, SECONDARY
        )


def classify_github(exc: BaseException) -> Failure | None:
    return exc.failure if isinstance(exc, SecondaryLimit) else None


def github_remote() -> tuple[Remote, list[float]]:
    remote, sleeps, _ = make_remote(RetryPolicy(max_attempts=4, max_total_seconds=120))
    remote.classify = classify_github
    return remote, sleeps


@pytest.mark.parametrize("status", [403, 429])
def test_a_secondary_limit_with_a_short_retry_after_is_waited_out(status: int) -> None:
    remote, sleeps = github_remote()
    call = Script(SecondaryLimit(status, "30"), "posted")
    assert remote.write("POST", "/repos/a/b/issues/1/comments", call) == "posted"
    assert sleeps == [30.0]


@pytest.mark.parametrize(
    ("status", "retry_after"), [(403, None), (429, None), (403, "3600"), (429, "600")]
)
def test_a_secondary_limit_that_cannot_be_waited_out_pauses_every_write(
    status: int, retry_after: str | None
) -> None:
    """GitHub asks to stop sending until the limit passes (at least a minute without
    retry-after): no write is sent again in this run, reads still are."""
    remote, sleeps = github_remote()
    with pytest.raises(WritesPaused, match="secondary rate limit"):
        remote.write("PATCH", "/repos/a/b/issues/1", Script(SecondaryLimit(status, retry_after)))
    never = Script("sent")
    with pytest.raises(WritesPaused):
        remote.create("POST", "/repos/a/b/issues/2/comments", never, lambda: None)
    assert never.calls == 0 and sleeps == []
    assert remote.read("GET", "/repos/a/b/issues/2", Script("read")) == "read"
