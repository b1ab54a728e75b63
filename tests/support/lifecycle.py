"""A post-mortem lifecycle scripted on the sandbox, the faults tests inject into pmsync, and
a view of the sandbox's state by which two histories can be compared.

The lifecycle (``script()``) is what a team does over a month: two repositories, four
post-mortems (one invalid and then fixed, one edited after its tickets exist, one repeat
of another, one opened late), owners moving tickets in Jira, pmsync reacting to events and
syncing on a schedule until both follow-up reviews are due everywhere, and the monthly
report published as a digest issue. People act through the real clients; pmsync runs in
this process with the test retry settings (no waiting), so a fault costs no time.

``view(state)`` is the sandbox's state as a person sees it, without ids and timestamps:
ticket keys become the item each ticket belongs to, the sandbox's address a placeholder,
and the base64 data in pmsync's hidden markers is decoded, so a history that made the same
things in another order (other keys) still compares equal. ``tally(view)`` counts what
must exist exactly once (a ticket per item, each pmsync comment, each issue), which turns
a difference into duplicates and losses.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import shutil
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import jira
from github import Auth, Github
from pydantic import SecretStr

from pmsync.adapters.retry import RequestLog, RequestRecord, RetryPolicy
from pmsync.config.evidence_schema import EvidenceConfig
from pmsync.config.schema import Config, FollowupConfig, GitHubConfig, JiraConfig, Person
from pmsync.config.settings import Settings
from pmsync.core.domain import identity
from pmsync.core.report.contents import Period
from pmsync.entry.commands import handle_event
from pmsync.entry.run import Run, produce_report, start_run
from pmsync.errors import PmsyncError
from pmsync.orchestration import sync_all
from pmsync.orchestration.cache import FILE_NAME, MAX_AGE, FileCache
from pmsync_sandbox.faults import FaultSpec
from pmsync_sandbox.runner import Sandbox
from support.postmortem_bodies import actions, good_body

# -- faults ---------------------------------------------------------------------------------

# Retries as in production, but without waiting: a 429's `Retry-After: 1` costs nothing.
FAST = RetryPolicy(max_attempts=4, base_delay=0.0)


def no_sleep(seconds: float) -> None:
    """The retry policy's pause, skipped in tests."""


class Killed(BaseException):
    """Stands for the process dying after a request: like SIGKILL, no ``except Exception``
    in pmsync may catch it (a run reports one post-mortem's unexpected error and goes on)."""


def kill_when(
    last: Callable[[RequestRecord], bool], requests: RequestLog | None = None
) -> RequestLog:
    """A request log (``requests``, or a new one) that kills the run right after the first
    request ``last`` accepts."""
    log = requests if requests is not None else RequestLog()

    def listener(entry: RequestRecord) -> None:
        if last(entry):
            number = len(log.records)
            raise Killed(f"killed after request {number}: {entry.method} {entry.path}")

    log.listeners.append(listener)
    return log


def stop_after(index: int, requests: RequestLog | None = None) -> RequestLog:
    """A request log that kills the run right after its ``index``-th request (1-based)."""
    log = requests if requests is not None else RequestLog()
    return kill_when(lambda entry: len(log.records) == index, log)


FAULTS = ("500", "429", "dropped", "killed")


def fault_spec(fault: str, index: int) -> FaultSpec:
    """The sandbox fault that makes the ``index``-th request fail with ``fault``: any of
    ``FAULTS`` but ``killed``, which the run's request log does."""
    if fault == "500":
        return FaultSpec(action="status", status=500, nth=index)
    if fault == "429":
        return FaultSpec(action="status", status=429, retry_after=1, nth=index)
    if fault == "dropped":
        return FaultSpec(action="reset", nth=index)
    raise ValueError(f"unknown fault {fault!r}; one of {', '.join(FAULTS)}")


def inject(sandbox: Sandbox, fault: str, index: int) -> RequestLog:
    """Make the ``index``-th request of the next pmsync run fail with ``fault``; the run's
    request log (which does the killing for ``killed``)."""
    if fault == "killed":
        return stop_after(index)
    sandbox.add_fault(**fault_spec(fault, index).model_dump())
    return RequestLog()


# -- pmsync, run in this process ------------------------------------------------------------

PAYMENTS = "acme/payments"
PLATFORM = "acme/platform"
REPOS = (PAYMENTS, PLATFORM)


def settings_for(sandbox: Sandbox) -> Settings:
    """pmsync's settings for the sandbox: its GitHub token and its Jira Cloud account."""
    return Settings(
        github_token=SecretStr(sandbox.github_token),
        github_api_url=sandbox.github_url,
        jira_url=sandbox.jira_url,
        jira_email=sandbox.jira_email,
        jira_api_token=SecretStr(sandbox.jira_token),
    )


def config() -> Config:
    """Everything on that a lifecycle can show: nudges, reminders, closing when complete,
    shipped evidence."""
    return Config(
        github=GitHubConfig(repositories=list(REPOS), throttle=False),
        jira=JiraConfig(deployment="cloud"),
        people={"bob": Person(jira_account="bob"), "alice": Person(jira_account="alice")},
        followup=FollowupConfig(
            nudge_overdue=True,
            remind_before_days=2,
            close_when_complete=True,
            evidence=EvidenceConfig(enabled=True),
        ),
    )


def fast_run(
    settings: Settings,
    config: Config,
    now: datetime,
    requests: RequestLog | None = None,
    *,
    dry_run: bool = False,
    show: Callable[[str], None] = lambda text: None,
) -> Run:
    """A pmsync run in this process with the test retry settings; prints nothing unless
    ``show`` is given."""
    return start_run(
        settings,
        config,
        now=now,
        dry_run=dry_run,
        requests=requests,
        policy=FAST,
        sleep=no_sleep,
        show=show,
    )


@dataclass(frozen=True)
class Outcome:
    """How a pmsync run ended: ``ok`` when it got through without any failure."""

    ok: bool
    detail: str = ""


class Pmsync:
    """pmsync's entry points (sync, handle-event, report) against the sandbox, over the
    repositories ``config`` lists; syncs keep their local cache in ``cache`` when given."""

    def __init__(
        self,
        sandbox: Sandbox,
        config: Config,
        cache: Path | None = None,
        cache_age: timedelta = MAX_AGE,
    ) -> None:
        self.settings = settings_for(sandbox)
        self.config = config
        self.repos = tuple(config.github.repositories)
        self.cache = cache
        self.cache_age = cache_age

    def sync(self, now: datetime, requests: RequestLog) -> Outcome:
        session = fast_run(self.settings, self.config, now, requests)
        cache = FileCache(self.cache, self.cache_age) if self.cache is not None else None
        return _finished(
            session, lambda: sync_all.sync(self.repos, session.context, session.record, cache)
        )

    def event(
        self, repo: str, number: int, action: str, now: datetime, requests: RequestLog
    ) -> Outcome:
        """``pmsync handle-event`` for an ``issues`` event with this action."""
        hint = handle_event.Hint(repo, number, event=action)
        session = fast_run(self.settings, self.config, now, requests)
        return _finished(session, lambda: handle_event.handle(hint, session, self.config))

    def report(self, now: datetime, period: Period, requests: RequestLog) -> Outcome:
        """``pmsync report --publish``."""
        try:
            produce_report(
                self.settings,
                self.config,
                now=now,
                repos=self.repos,
                period=period,
                publish_digest=True,
                requests=requests,
                policy=FAST,
                sleep=no_sleep,
            )
        except PmsyncError as exc:
            return Outcome(False, str(exc))
        return Outcome(True)


def _finished(session: Run, work: Callable[[], object]) -> Outcome:
    """Run ``work`` in ``session``; a run that failed anywhere is not ok. ``Killed``
    passes through: a killed process reports nothing."""
    try:
        work()
    except PmsyncError as exc:
        return Outcome(False, str(exc))
    failures = session.record.failures + [o.detail for o in session.record.summary.failed]
    return Outcome(not failures, "; ".join(failures))


# -- people ---------------------------------------------------------------------------------


class People:
    """alice and bob, acting through the real clients between pmsync's runs."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self._github: dict[str, Github] = {}
        self._jira: jira.JIRA | None = None

    def github(self, login: str) -> Github:
        if login not in self._github:
            self._github[login] = Github(
                base_url=self.sandbox.github_url,
                auth=Auth.Token(f"ghp_sandbox_{login}_token"),
                retry=None,
                seconds_between_requests=None,
                seconds_between_writes=None,
                lazy=True,
            )
        return self._github[login]

    def jira(self) -> jira.JIRA:
        if self._jira is None:
            self._jira = jira.JIRA(
                server=self.sandbox.jira_url,
                basic_auth=(self.sandbox.jira_email, self.sandbox.jira_token),
                max_retries=0,
                get_server_info=False,
            )
        return self._jira

    def close(self) -> None:
        for client in self._github.values():
            client.close()
        if self._jira is not None:
            self._jira.close()  # type: ignore[no-untyped-call]

    def open(self, login: str, repo: str, title: str, body: str) -> int:
        issue = (
            self.github(login).get_repo(repo).create_issue(title, body=body, labels=["postmortem"])
        )
        return int(issue.number)

    def edit(self, login: str, repo: str, number: int, body: str) -> None:
        self.github(login).get_repo(repo).get_issue(number).edit(body=body)

    def set_state(self, login: str, repo: str, number: int, state: str) -> None:
        self.github(login).get_repo(repo).get_issue(number).edit(state=state)

    def state_of(self, repo: str, number: int) -> str:
        """``open`` or ``closed``, as the issue's page shows it now."""
        return str(self.github("alice").get_repo(repo).get_issue(number).state)

    def body(self, repo: str, number: int) -> str:
        """The issue's body as its page shows it now (a person edits what is there)."""
        return str(self.github("alice").get_repo(repo).get_issue(number).body or "")

    def ticket(self, repo: str, number: int, action: str) -> str:
        """The key of the ticket pmsync made for this action item."""
        wanted = identity.item_label(identity.item_id(repo, number, action))
        found = sorted(
            (
                (raw["created"], int(key.rpartition("-")[2]), key)
                for key, raw in self.sandbox.state()["jira"]["issues"].items()
                if wanted in raw["labels"] and identity.DUPLICATE_LABEL not in raw["labels"]
            ),
        )
        if not found:
            raise LookupError(f"no ticket for {repo}#{number} {action!r}")
        return str(found[0][2])

    def move(self, repo: str, number: int, action: str, transition: str) -> None:
        """Take the named transition (Start Progress, Done, Won't Do, Reopen, ...) on the
        ticket of an action item, as its owner would in Jira."""
        key = self.ticket(repo, number, action)
        client = self.jira()
        for offered in client.transitions(key):
            if offered["name"] == transition:
                client.transition_issue(key, offered["id"])
                return
        raise LookupError(f"{key} offers no transition {transition!r}")

    def ship(self, repo: str, number: int, action: str, where: str) -> None:
        """Merge a pull request in ``where`` whose title names the ticket of this action item."""
        key = self.ticket(repo, number, action)
        self.sandbox.open_pull_request(where, f"{key}: {action}", merged=True)


# -- the script -----------------------------------------------------------------------------

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00")


@dataclass(frozen=True)
class Postmortem:
    repo: str
    number: int
    title: str
    author: str


A = Postmortem(PAYMENTS, 1, "Payments DB pool exhausted", "alice")
B = Postmortem(PLATFORM, 1, "Gateway config broke routing", "bob")
C = Postmortem(PAYMENTS, 2, "Payments DB pool exhausted again", "bob")
D = Postmortem(PLATFORM, 2, "Search index lagged for a day", "alice")

A_ROWS = {
    "alert": "| Alert when payments-db pool usage stays above 80% for 5 minutes | Detect | P1 "
    "| @bob | 2026-12-04 | |",
    "cap": "| Cap report queries at 20 connections | Prevent | P2 | @alice | 2 weeks | |",
    "checklist": "| Add database connections to the capacity checklist | Process | P3 | @bob "
    "| 2026-12-20 | |",
    "runtime": "| Make the pool size a runtime setting | Mitigate | P2 | @alice | 2026-12-18 | |",
}
A_ACTIONS = {
    "alert": "Alert when payments-db pool usage stays above 80% for 5 minutes",
    "cap": "Cap report queries at 20 connections",
    "checklist": "Add database connections to the capacity checklist",
    "runtime": "Make the pool size a runtime setting",
}
B_ROWS = (
    "| Validate gateway config in CI before each deploy | Prevent | P1 | @bob | 2026-12-10 | |",
    "| Alert when the gateway 5xx rate stays above 1% for 5 minutes | Detect | P2 | @alice "
    "| 2026-12-14 | |",
)


def body_a(rows: Sequence[str]) -> str:
    return good_body(
        incident_start="2026-11-27 14:00 UTC",
        incident_end="2026-11-27 15:30 UTC",
        services="payments-db",
        action_items=actions(*rows),
    )


def body_b(fixed: bool) -> str:
    rows = B_ROWS if fixed else (B_ROWS[0].replace("| P1 |", "| urgent |"), B_ROWS[1])
    return good_body(
        incident_start="2026-11-30 10:00 UTC",
        incident_end="2026-11-30 11:00 UTC",
        severity="SEV3",
        services="api-gateway",
        root_cause_category="Config change",
        action_items=actions(*rows),
    )


def body_c() -> str:
    return good_body(
        incident_start="2026-12-03 07:00 UTC",
        incident_end="2026-12-03 08:00 UTC",
        services="payments-db",
        action_items=actions(
            "| Limit each payments-api client to 50 connections | Prevent | P1 | @alice "
            "| 2026-12-17 | |"
        ),
    )


def body_d() -> str:
    return good_body(
        incident_start="2026-11-20 06:00 UTC",
        incident_end="2026-11-21 06:00 UTC",
        severity="SEV3",
        services="search",
        root_cause_category="Dependency",
        action_items=actions(
            "| Alert when search indexing lags by more than 10 minutes | Detect | P2 | @bob "
            "| 2026-12-15 | |",
            "| Retry failed index batches 3 times before dropping them | Prevent | P2 "
            "| @alice | 2026-12-18 | |",
        ),
    )


@dataclass(frozen=True)
class Step:
    """One thing that happens at ``at``: people acting, or one pmsync run (``runs``)."""

    name: str
    at: datetime
    people: Callable[[People], None] | None = None
    runs: Callable[[Pmsync, datetime, RequestLog], Outcome] | None = None

    @property
    def is_pmsync(self) -> bool:
        return self.runs is not None


def _open(pm: Postmortem, body: str) -> Callable[[People], None]:
    def act(people: People) -> None:
        number = people.open(pm.author, pm.repo, pm.title, body)
        assert number == pm.number, f"{pm.repo} numbered the new issue {number}, not {pm.number}"

    return act


def _event(pm: Postmortem, action: str) -> Callable[[Pmsync, datetime, RequestLog], Outcome]:
    def run(pmsync: Pmsync, now: datetime, requests: RequestLog) -> Outcome:
        return pmsync.event(pm.repo, pm.number, action, now, requests)

    return run


def _sync(pmsync: Pmsync, now: datetime, requests: RequestLog) -> Outcome:
    return pmsync.sync(now, requests)


def _report(pmsync: Pmsync, now: datetime, requests: RequestLog) -> Outcome:
    period = Period(since=date(2026, 11, 1), until=date(2026, 11, 30))  # one month: a digest
    return pmsync.report(now, period, requests)


def _edit_a(people: People) -> None:
    """After the tickets exist: a priority raised, a row removed, a row added."""
    rows = [A_ROWS["alert"], A_ROWS["cap"].replace("| P2 |", "| P1 |"), A_ROWS["runtime"]]
    body = people.body(A.repo, A.number)
    # Keep the Ticket column pmsync filled: the edit changes the rows, not the keys.
    kept = [_with_ticket_cell(row, body) for row in rows]
    people.edit(A.author, A.repo, A.number, _replace_table(body, kept))


def _with_ticket_cell(row: str, body: str) -> str:
    action = row.split("|")[1].strip()
    for line in body.splitlines():
        if line.startswith(f"| {action} |"):
            return row.rsplit("|", 2)[0] + "|" + line.rsplit("|", 2)[1] + "|"
    return row


def _replace_table(body: str, rows: Sequence[str]) -> str:
    lines = body.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| Action |"))
    end = start + 2
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return "\n".join([*lines[: start + 2], *rows, *lines[end:]])


def _moves(*moves: tuple[Postmortem, str, str]) -> Callable[[People], None]:
    def act(people: People) -> None:
        for pm, action, transition in moves:
            people.move(pm.repo, pm.number, action, transition)

    return act


def _ships(*ships: tuple[Postmortem, str, str]) -> Callable[[People], None]:
    """Merged pull requests naming these items' tickets, each in the repository given."""

    def act(people: People) -> None:
        for pm, action, where in ships:
            people.ship(pm.repo, pm.number, action, where)

    return act


B_ACTIONS = (
    "Validate gateway config in CI before each deploy",
    "Alert when the gateway 5xx rate stays above 1% for 5 minutes",
)
C_ACTION = "Limit each payments-api client to 50 connections"
D_ACTIONS = (
    "Alert when search indexing lags by more than 10 minutes",
    "Retry failed index batches 3 times before dropping them",
)


def script() -> tuple[Step, ...]:
    """The lifecycle, in order. Reviews fall due as follows (UTC, weekends moved to
    Monday): A 2026-12-11 and 2026-12-25; B 2026-12-14 and 2026-12-28; C 2026-12-17 and
    2026-12-31; D (opened late, on 2026-12-08) 2026-12-04 and 2026-12-18."""
    return (
        Step("alice opens A, bob opens B with an error", at("2026-12-01"), people=_both_open),
        Step("event: A opened", at("2026-12-01"), runs=_event(A, "opened")),
        Step("event: B opened (invalid)", at("2026-12-01"), runs=_event(B, "opened")),
        Step("bob fixes B", at("2026-12-01", 10), people=_fix_b),
        Step("event: B edited (fixed)", at("2026-12-01", 10), runs=_event(B, "edited")),
        Step("hourly sync", at("2026-12-01", 11), runs=_sync),
        Step(
            "alice edits A; bob starts work",
            at("2026-12-02"),
            people=_both(_edit_a, _moves((A, A_ACTIONS["alert"], "Start Progress"))),
        ),
        Step("event: A edited", at("2026-12-02"), runs=_event(A, "edited")),
        Step(
            "bob opens C (a repeat of A); owners move tickets",
            at("2026-12-03"),
            people=_both(
                _open(C, body_c()),
                _moves((A, A_ACTIONS["cap"], "Done"), (B, B_ACTIONS[1], "Won't Do")),
            ),
        ),
        Step("event: C opened", at("2026-12-03"), runs=_event(C, "opened")),
        Step("sync: A and B change", at("2026-12-03", 10), runs=_sync),
        Step("alice opens D, late", at("2026-12-08"), people=_open(D, body_d())),
        Step("sync: D late, A overdue", at("2026-12-08", 10), runs=_sync),
        Step("sync: A's 2-week review", at("2026-12-11"), runs=_sync),
        Step(
            "owners finish A (the alert and the cap ship), reopen B's dropped item",
            at("2026-12-14"),
            people=_both(
                _moves(
                    (A, A_ACTIONS["alert"], "Done"),
                    (A, A_ACTIONS["runtime"], "Done"),
                    (B, B_ACTIONS[1], "Reopen"),
                    (C, C_ACTION, "Start Progress"),
                ),
                _ships((A, A_ACTIONS["alert"], A.repo), (A, A_ACTIONS["cap"], PLATFORM)),
            ),
        ),
        Step("sync: B's 2-week review", at("2026-12-14", 10), runs=_sync),
        Step("sync: C's 2-week review", at("2026-12-17"), runs=_sync),
        Step(
            "D's owners finish",
            at("2026-12-18"),
            people=_moves((D, D_ACTIONS[0], "Done"), (D, D_ACTIONS[1], "Done")),
        ),
        Step("sync: D's 4-week review", at("2026-12-18", 10), runs=_sync),
        Step("sync: A's and B's 4-week reviews", at("2026-12-28"), runs=_sync),
        Step("sync: C's 4-week review", at("2026-12-31"), runs=_sync),
        Step("report, published", at("2027-01-04"), runs=_report),
    )


def _both_open(people: People) -> None:
    _open(A, body_a(list(A_ROWS.values())[:3]))(people)
    _open(B, body_b(fixed=False))(people)


def _fix_b(people: People) -> None:
    people.edit(B.author, B.repo, B.number, body_b(fixed=True))


def _both(*acts: Callable[[People], None]) -> Callable[[People], None]:
    def act(people: People) -> None:
        for one in acts:
            one(people)

    return act


def roomy_limits(sandbox: Sandbox) -> None:
    """Content limits no test meets by accident: the clock stands still in tests, so
    GitHub's windows (80 writes a minute, 500 an hour) would never pass. The tests of the
    limits set them (tests/e2e/test_write_limits_e2e.py)."""
    sandbox.set_github_limits(content_per_minute=100_000, content_per_hour=100_000)


def seed(sandbox: Sandbox) -> None:
    """A fresh sandbox with the second repository; the clock at the start."""
    sandbox.reset()
    roomy_limits(sandbox)
    sandbox.add_github_repo(PLATFORM)
    sandbox.add_github_user("alice", repos={PLATFORM: "OWNER"})
    sandbox.add_github_user("bob", repos={PLATFORM: "MEMBER"})
    sandbox.set_clock(START)


@dataclass
class Lifecycle:
    """The script played on one sandbox (syncs keep their cache in ``cache``, if given)."""

    sandbox: Sandbox
    cache: Path | None = None
    cache_age: timedelta = MAX_AGE  # a full sync at least this often
    steps: tuple[Step, ...] = field(default_factory=script)

    def __post_init__(self) -> None:
        self.config = config()
        self.pmsync = Pmsync(self.sandbox, self.config, self.cache, self.cache_age)
        self.people = People(self.sandbox)

    @property
    def cache_file(self) -> Path | None:
        return None if self.cache is None else self.cache / FILE_NAME

    def moment(self) -> Moment:
        path = self.cache_file
        kept = path.read_bytes() if path is not None and path.exists() else None
        return Moment(self.sandbox.state(), kept)

    def go_back(self, moment: Moment) -> None:
        """Put the sandbox and the cache back as they were at ``moment``."""
        self.sandbox.restore(moment.state)
        path = self.cache_file
        if path is None:
            return
        if moment.cache is None:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(moment.cache)

    def play(self, index: int, requests: RequestLog | None = None) -> Outcome:
        """Step ``index`` on the sandbox as it stands."""
        step = self.steps[index]
        self.sandbox.set_clock(step.at)
        if step.runs is None:
            assert step.people is not None
            step.people(self.people)
            return Outcome(True)
        return step.runs(self.pmsync, step.at, requests if requests is not None else RequestLog())


@dataclass(frozen=True)
class Moment:
    """Everything a lifecycle's future depends on: the sandbox and pmsync's cache file."""

    state: dict[str, Any]
    cache: bytes | None  # None: no cache file (or no cache at all)


@dataclass(frozen=True)
class Recording:
    """A fault-free run of the script: the moment before and after each step, and how
    many requests each pmsync step made."""

    before: tuple[Moment, ...]
    after: tuple[Moment, ...]
    requests: tuple[int, ...]  # per step; 0 for people

    @property
    def final(self) -> dict[str, Any]:
        return self.after[-1].state


def record(lifecycle: Lifecycle) -> Recording:
    """Play the script without faults; every step must succeed, and pmsync's own request
    count must agree with the sandbox's log (so a fault at the sandbox's i-th request and a
    kill after pmsync's i-th request hit the same request)."""
    sandbox = lifecycle.sandbox
    seed(sandbox)
    if lifecycle.cache is not None:
        shutil.rmtree(lifecycle.cache, ignore_errors=True)
    before, after, counts = [], [], []
    for index, step in enumerate(lifecycle.steps):
        before.append(lifecycle.moment())
        sandbox.clear_requests()
        log = RequestLog()
        outcome = lifecycle.play(index, log)
        assert outcome.ok, f"step {index} ({step.name}) failed without a fault: {outcome.detail}"
        seen = len(sandbox.requests())
        if step.is_pmsync:
            assert seen == len(log.records), (
                f"step {index} ({step.name}): the sandbox saw {seen} requests, "
                f"pmsync counted {len(log.records)}"
            )
        counts.append(seen if step.is_pmsync else 0)
        after.append(lifecycle.moment())
    return Recording(tuple(before), tuple(after), tuple(counts))


# -- comparing histories --------------------------------------------------------------------

_DATA_MARKER = re.compile(r"<!-- pmsync:([a-z-]+) ([A-Za-z0-9+/=._:-]+) -->")
_MARKER = re.compile(r"<!-- pmsync:[^ ]+ -->")


def ticket_names(issues: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Key -> the item the ticket belongs to (its item label), ``~2``, ``~3`` for a second
    or third ticket of the same item; tickets pmsync did not make keep their summary."""
    by_item: dict[str, list[tuple[str, int, str]]] = {}
    for key, raw in issues.items():
        items = [label for label in raw["labels"] if identity.is_item_label(label)]
        name = items[0] if items else f"other:{raw['summary']}"
        by_item.setdefault(name, []).append((raw["created"], int(key.rpartition("-")[2]), key))
    names = {}
    for name, tickets in by_item.items():
        for position, (_, _, key) in enumerate(sorted(tickets), start=1):
            names[key] = name if position == 1 else f"{name}~{position}"
    return names


class Normaliser:
    """Replaces what differs between equal histories: keys, the address, encoded data."""

    def __init__(self, state: dict[str, Any], origin: str) -> None:
        self.names = ticket_names(state["jira"]["issues"])
        self.origin = origin
        keys = sorted(self.names, key=len, reverse=True)
        self._keys = re.compile(r"\b(" + "|".join(map(re.escape, keys)) + r")\b") if keys else None

    def text(self, value: str) -> str:
        value = _DATA_MARKER.sub(self._decoded, value)
        value = value.replace(self.origin, "<sandbox>")
        if self._keys is not None:
            value = self._keys.sub(lambda m: f"<{self.names[m.group(1)]}>", value)
        return value

    def _decoded(self, found: re.Match[str]) -> str:
        name, data = found.group(1), found.group(2)
        try:
            decoded = json.loads(base64.b64decode(data, validate=True).decode("utf-8"))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return found.group(0)
        return f"<!-- pmsync:{name} {json.dumps(decoded, sort_keys=True)} -->"

    def key(self, key: str) -> str:
        return self.names.get(key, key)


def view(state: dict[str, Any], origin: str) -> dict[str, Any]:
    """The state as people see it (see the module's description)."""
    norm = Normaliser(state, origin)
    github: dict[str, Any] = {}
    for name, repo in sorted(state["github"]["repos"].items()):
        comments: dict[int, list[tuple[str, str]]] = {}
        for comment in repo["comments"].values():
            entry = (comment["user"], norm.text(comment["body"]))
            comments.setdefault(comment["issue_number"], []).append(entry)
        github[name] = {
            "labels": sorted(
                (label["name"], label["color"], label.get("description") or "")
                for label in repo["labels"].values()
            ),
            "issues": {
                int(number): {
                    "title": issue["title"],
                    "state": issue["state"],
                    "labels": sorted(issue["labels"]),
                    "body": norm.text(issue["body"] or ""),
                    "comments": sorted(comments.get(int(number), [])),
                }
                for number, issue in repo["issues"].items()
            },
        }
    jira_issues = state["jira"]["issues"]
    tickets = {
        norm.key(key): {
            "summary": raw["summary"],
            "description": norm.text(json.dumps(raw["description"], sort_keys=True)),
            "status": raw["status"],
            "resolution": raw["resolution"],
            "priority": raw["priority"],
            "assignee": raw["assignee"],
            "due": raw["due"],
            "labels": sorted(raw["labels"]),
            "comments": sorted(norm.text(json.dumps(c, sort_keys=True)) for c in raw["comments"]),
            "remote_links": sorted(
                (norm.text(link["global_id"]), norm.text(link["object"]["title"]))
                for link in raw["remote_links"]
            ),
        }
        for key, raw in jira_issues.items()
    }
    links = sorted(norm.text(json.dumps(link, sort_keys=True)) for link in state["jira"]["links"])
    return {"github": github, "jira": tickets, "links": sorted(_link_ends(links))}


def _link_ends(links: list[str]) -> list[str]:
    """Issue links without their ids: the type and the two (normalised) ends."""
    ends = []
    for text in links:
        link = json.loads(text)
        ends.append(
            json.dumps(
                {k: v for k, v in link.items() if k not in ("id", "created")}, sort_keys=True
            )
        )
    return ends


def _marker_of(body: str) -> str:
    """A pmsync comment's marker line (its kind); people's comments all count as one kind."""
    found = _MARKER.match(body.lstrip())
    return found.group(0) if found else "<comment by a person>"


def tally(seen: dict[str, Any]) -> Counter[tuple[str, ...]]:
    """What must exist once each: a ticket per item, each pmsync comment on each issue,
    each issue (the digest included), each label on each issue."""
    counts: Counter[tuple[str, ...]] = Counter()
    for repo, content in seen["github"].items():
        for number, issue in content["issues"].items():
            counts[("issue", repo, issue["title"])] += 1
            for user, body in issue["comments"]:
                counts[("comment", repo, str(number), user, _marker_of(body))] += 1
            for label in issue["labels"]:
                counts[("label", repo, str(number), label)] += 1
    for name in seen["jira"]:
        counts[("ticket", name.split("~")[0])] += 1
    return counts


@dataclass(frozen=True)
class Verdict:
    converged: bool
    duplicates: int
    lost: int
    differences: tuple[str, ...]


def compare(expected: dict[str, Any], actual: dict[str, Any]) -> Verdict:
    """How a history's end differs from the fault-free one's."""
    want, got = tally(expected), tally(actual)
    duplicates = sum((got - want).values())
    lost = sum((want - got).values())
    differences = tuple(
        [f"extra: {k}" for k in sorted(got - want)]
        + [f"missing: {k}" for k in sorted(want - got)]
        + _first_differences(expected, actual)
    )
    return Verdict(expected == actual, duplicates, lost, differences)


def _first_differences(expected: Any, actual: Any, path: str = "", limit: int = 5) -> list[str]:
    if expected == actual:
        return []
    if isinstance(expected, dict) and isinstance(actual, dict):
        found: list[str] = []
        for key in sorted(set(expected) | set(actual), key=str):
            found += _first_differences(expected.get(key), actual.get(key), f"{path}/{key}")
            if len(found) >= limit:
                break
        return found[:limit]
    return [f"{path}: expected {str(expected)[:300]!r}, got {str(actual)[:300]!r}"]
