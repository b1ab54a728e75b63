"""The benchmark's world: a sandbox holding P post-mortems (and, for the busy repository,
pull request traffic), pmsync configured for it, and clients acting as people would; what a
sync costs is counted from the sandbox's request log. Used by ``sync_cost.py``."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from github import Auth, Github
from pydantic import SecretStr

from pmsync.config.schema import Config, GitHubConfig, JiraConfig, Person
from pmsync.config.settings import Settings
from pmsync.core.domain import identity
from pmsync.core.postmortem.form import NO_RESPONSE, default_form
from pmsync.core.postmortem.lint import check_postmortem
from pmsync.entry.run import start_run
from pmsync.orchestration import sync_all
from pmsync.orchestration.cache import FileCache
from pmsync_sandbox.runner import Sandbox

REPO = "acme/payments"
ITEMS = 5
PAGE = 100  # the most GitHub and Jira return per page
BULK = 50  # the most tickets Jira creates in one request
# The sandbox clock: issues are opened the day before the first sync. On the milestone day,
# the next morning, the 10% opened with an earlier incident reach their 2-week review; it
# is less than a day after the first sync, so the cache has no full sync due yet.
OPENED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
FIRST_SYNC = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday
MILESTONE_DAY = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)  # the 2-week review of ...
EARLY_INCIDENT = "2026-11-18 14:00 UTC"  # ... these (14 days before, a Wednesday)
LATE_INCIDENT = "2026-11-28 14:00 UTC"  # everyone else: first review on 2026-12-14
SHARE = 0.10  # of tickets changed; of post-mortems reaching a milestone
# A busy hour of pull requests between two syncs, the same whatever P is.
BUSY_PULLS = 300
BUSY_COMMENTS = 600


@dataclass(frozen=True)
class Count:
    github_reads: int = 0
    github_writes: int = 0
    jira_reads: int = 0
    jira_writes: int = 0

    @property
    def total(self) -> int:
        return self.github_reads + self.github_writes + self.jira_reads + self.jira_writes

    @property
    def writes(self) -> int:
        return self.github_writes + self.jira_writes

    @classmethod
    def of(cls, log: Sequence[dict[str, Any]]) -> Count:
        def n(service: str, write: bool) -> int:
            return sum(
                1 for r in log if r["service"] == service and (r["method"] != "GET") == write
            )

        return cls(n("github", False), n("github", True), n("jira", False), n("jira", True))


@dataclass(frozen=True)
class Measured:
    count: Count
    seconds: float
    failed: int  # post-mortems the sync could not bring in step


# -- the world -----------------------------------------------------------------------------


def body(index: int, incident: str, *, items: int = ITEMS) -> str:
    """A valid post-mortem without warnings, so no feedback comment muddies the counts.
    Each has its own service, so none is a repeat of another (``index`` names it: another
    benchmark gives several the same one). ``incident`` is at 14:00; it lasted an hour."""
    actions = "\n".join(
        f"| Cut p99 latency of service-{index} step {n} below 200 ms | Prevent | P2 | @bob | 3w | |"
        for n in range(1, items + 1)
    )
    values = {
        "incident_start": incident,
        "incident_end": incident.replace("14:00", "15:00"),
        "severity": "SEV3",
        "services": f"service-{index}",
        "root_cause_category": "Capacity",
        "summary": f"Requests to service-{index} failed for an hour.",
        "impact": "5% of requests failed.",
        "timeline": "| Time (UTC) | Event |\n|---|---|\n"
        "| 14:00 | Errors start |\n| 14:05 | Alert fires and pages on-call |\n"
        "| 15:00 | Recovered |",
        "root_cause": "The connection pool was too small for the traffic.",
        "action_items": "| Action | Type | Priority | Owner | Due | Ticket |\n"
        "|---|---|---|---|---|---|\n" + actions,
    }
    return "\n\n".join(
        f"### {field.label}\n\n{values.get(field.id) or NO_RESPONSE}"
        for field in default_form().fields
    )


class World:
    """A sandbox holding P post-mortems, and pmsync configured for it."""

    def __init__(self, sandbox: Sandbox, p: int, seed: int) -> None:
        self.sandbox = sandbox
        self.p = p
        self.random = random.Random(seed)
        variables = sandbox.env()
        self.settings = Settings(
            github_token=SecretStr(sandbox.github_token),
            github_api_url=sandbox.github_url,
            jira_url=sandbox.jira_url,
            jira_email=variables["JIRA_EMAIL"],
            jira_api_token=SecretStr(variables["JIRA_API_TOKEN"]),
        )
        self.config = Config(
            github=GitHubConfig(repositories=[REPO], throttle=False),
            jira=JiraConfig(deployment="cloud"),
            people={"bob": Person(jira_account="bob")},
        )
        self.early = set(range(0, p, round(1 / SHARE)))  # 10% reach a milestone
        # Issue numbers are 1..P in a fresh sandbox.
        self.postmortem_labels = {identity.postmortem_label(REPO, n) for n in range(1, p + 1)}

    def open_postmortems(self) -> None:
        self.sandbox.reset()
        # Generous limits: the benchmark counts requests, the limits are not under test.
        self.sandbox.set_github_rate_limit(10**7, resource="core")
        self.sandbox.set_github_rate_limit(10**7, resource="search")
        self.sandbox.set_github_limits(content_per_minute=10**7, content_per_hour=10**7)
        self.sandbox.set_clock(OPENED)
        client = github_client(self.sandbox)
        repo = client.get_repo(REPO)
        for index in range(self.p):
            text = body(index, EARLY_INCIDENT if index in self.early else LATE_INCIDENT)
            parsed = check_postmortem(text, None, self.config)
            assert parsed.postmortem is not None and not parsed.warnings, parsed
            repo.create_issue(f"service-{index} errors", body=text, labels=["postmortem"])
        client.close()

    def sync(self, now: datetime, cache: Path | None) -> Measured:
        """One ``pmsync sync`` at ``now`` (with the cache in ``cache``, if given): its
        requests, wall time and failures."""
        self.sandbox.set_clock(now)
        self.sandbox.clear_requests()
        started = time.perf_counter()
        session = start_run(self.settings, self.config, now=now, show=lambda text: None)
        sync_all.sync([REPO], session.context, session.record, FileCache(cache) if cache else None)
        seconds = time.perf_counter() - started
        failed = len(session.record.failures)
        return Measured(Count.of(self.sandbox.requests()), seconds, failed)

    def change_ticket_statuses(self, share: float) -> tuple[int, int]:
        """Move ``share`` of the tickets to In Progress, as owners would; returns how many
        tickets and how many post-mortems that touched."""
        issues = self.sandbox.state()["jira"]["issues"]
        chosen = self.random.sample(sorted(issues), round(len(issues) * share))
        client = jira_client(self.sandbox)
        for key in chosen:
            target = next(
                t
                for t in client.transitions(key)
                if t["to"]["statusCategory"]["key"] == "indeterminate"
            )
            client.transition_issue(key, target["id"])
        client.close()
        touched = {
            label
            for key in chosen
            for label in issues[key]["labels"]
            if label in self.postmortem_labels
        }
        return len(chosen), len(touched)

    def pull_request_traffic(self, pulls: int, comments: int) -> None:
        """A busy hour of pull requests between two syncs: ``pulls`` opened (every other
        one merged), one of them labelled as a post-mortem and bodied like one (it is still
        no post-mortem), and ``comments`` conversation comments on them."""
        numbers = [
            self.sandbox.open_pull_request(
                REPO, f"Change {n}", body(n, LATE_INCIDENT) if n == 0 else "", merged=n % 2 == 1
            )
            for n in range(pulls)
        ]
        client = github_client(self.sandbox)
        client.get_repo(REPO).get_issue(numbers[0]).add_to_labels("postmortem")
        client.close()
        for n in range(comments):
            self.sandbox.comment(REPO, numbers[n % pulls], f"Looks good ({n})", author="bob")


def github_client(sandbox: Sandbox) -> Github:
    return Github(
        base_url=sandbox.github_url,
        auth=Auth.Token(sandbox.github_token),
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
        lazy=True,
    )


def jira_client(sandbox: Sandbox) -> Any:
    import jira

    return jira.JIRA(
        server=sandbox.jira_url, basic_auth=(sandbox.jira_email, sandbox.jira_token), max_retries=0
    )


@contextmanager
def latency(sandbox: Sandbox, ms: int) -> Iterator[None]:
    """Latency for pmsync's requests only; seeding and owners' edits go at full speed."""
    sandbox.set_latency(ms)
    try:
        yield
    finally:
        sandbox.set_latency(0)
