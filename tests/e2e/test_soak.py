"""The soak: a seeded random history of 200 post-mortems over 60 simulated days.

People open post-mortems (some invalid, fixed a few hours later; some late), edit their
action tables (priorities, due dates, rows added, removed or renamed), move tickets in
Jira (started, done, dropped, reopened), close post-mortems and reopen them. pmsync
answers every issue event (handle-event) and syncs on a schedule, with the local cache,
and 2% of its requests fail: a 500, a 429, a dropped connection, or the process killed
right after the request. After every sync the invariants below are checked; once a
simulated day a sync without the cache and without faults must find nothing to do.

Always (whatever failed):
- one live ticket per action item (tickets pmsync closed as duplicates aside);
- at most one pmsync comment of each kind on each issue (status, feedback, each review...).
After a sync that went through, for every open post-mortem:
- invalid: the feedback comment and the needs-fix label;
- valid: every row's Ticket cell names a live ticket of the post-mortem, no two rows the
  same; every other ticket of it is marked removed; one status comment, showing each
  row's ticket with its current Jira status; the latest follow-up review that is due has
  been posted; `pm:complete` exactly when every item is done.

    pytest -m soak -s        # prints the counts; PMSYNC_SOAK_SEED picks another history
"""

from __future__ import annotations

import os
import random
import re
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from support.lifecycle import (
    FAULTS,
    REPOS,
    START,
    Killed,
    Outcome,
    People,
    Pmsync,
    config,
    fault_spec,
    seed,
    stop_after,
)
from support.postmortem_bodies import actions, good_body

from pmsync.adapters.retry import RequestLog
from pmsync.config.schema import Config, RepeatsConfig
from pmsync.core.domain import identity, markers
from pmsync.core.domain.model import ParseResult
from pmsync.core.planning.followup import milestones
from pmsync.core.planning.progress import is_dropped_resolution
from pmsync.core.postmortem.lint import check_postmortem
from pmsync_sandbox.jira.catalog import RESOLUTIONS, STATUSES
from pmsync_sandbox.runner import Sandbox

pytestmark = pytest.mark.soak

SEED = int(os.environ.get("PMSYNC_SOAK_SEED") or 20261201)
POSTMORTEMS = 200
DAYS = 60
# A sync every this many simulated hours (1 = hourly, as the scheduled workflow runs).
SYNC_EVERY_HOURS = int(os.environ.get("PMSYNC_SOAK_SYNC_HOURS") or 1)
FAULT_RATE = 0.02
# Faults are placed among a run's first requests; a run rarely makes more.
FAULT_WINDOW = 400

SERVICES = [f"svc-{n}" for n in range(20)]
CAUSES = ["Deploy", "Config change", "Capacity", "Dependency", "Code defect"]
VERBS = ["Alert on", "Cap", "Add a runbook for", "Load-test", "Document", "Automate"]
OBJECTS = ["pool usage", "queue depth", "error rate", "restarts", "failover", "disk use"]
STATUS_NAMES = {status.id: status.name for status in STATUSES}
STATUS_DONE = {status.id for status in STATUSES if status.category.key == "done"}
RESOLUTION_NAMES = {resolution.id: resolution.name for resolution in RESOLUTIONS}
TRANSITIONS = ["Start Progress", "Stop Progress", "Done", "Won't Do", "Reopen"]
BOT = "alice"  # pmsync acts with alice's token


def soak_config() -> Config:
    """The lifecycle's configuration; a repeat needs service and root cause, so that
    repeats happen without every post-mortem repeating all the others."""
    return config().model_copy(update={"repeats": RepeatsConfig(rule="service+root-cause")})


@dataclass
class Counts:
    seen: Counter[str] = field(default_factory=Counter)

    def add(self, name: str, n: int = 1) -> None:
        self.seen[name] += n

    def line(self, *names: str) -> str:
        return ", ".join(f"{name}: {self.seen[name]}" for name in names)


@dataclass
class Postmortem:
    repo: str
    number: int
    fix_at: datetime | None = None  # an invalid one is fixed then

    @property
    def ref(self) -> str:
        return f"{self.repo}#{self.number}"


@lru_cache(maxsize=4096)
def parsed(body: str) -> ParseResult:
    return check_postmortem(body, None, soak_config())


class Soak:
    def __init__(self, sandbox: Sandbox, cache: Path, seed_value: int) -> None:
        self.sandbox = sandbox
        self.random = random.Random(seed_value)
        self.config = soak_config()
        self.pmsync = Pmsync(sandbox, self.config, cache)
        self.plain = Pmsync(sandbox, self.config)  # the daily check: no cache
        self.people = People(sandbox)
        self.counts = Counts()
        self.postmortems: list[Postmortem] = []
        self.problems: list[str] = []
        self.now = START
        self.latest: dict[str, Any] | None = None  # the state the last check read

    # -- the history ------------------------------------------------------------------------

    def run(self) -> None:
        hours = DAYS * 24
        opening = sorted(self.random.randrange(hours - 24) for _ in range(POSTMORTEMS))
        for hour in range(hours):
            self.now = START + timedelta(hours=hour)
            self.sandbox.set_clock(self.now)
            for _ in range(opening.count(hour)):
                self.open_one()
            self.act()
            if hour % SYNC_EVERY_HOURS == 0:
                self.sync()
            if hour % 24 == 23:
                self.converged()
        self.now += timedelta(hours=1)
        self.sandbox.set_clock(self.now)
        self.converged()

    def open_one(self) -> None:
        repo = self.random.choice(REPOS)
        invalid = self.random.random() < 0.1
        late = self.random.random() < 0.1
        incident = self.now - timedelta(days=self.random.randint(15, 30) if late else 0)
        incident -= timedelta(hours=self.random.randint(1, 20))
        body = self.body(incident, invalid)
        number = self.people.open(self.random.choice(["alice", "bob"]), repo, "Incident", body)
        fix_at = self.now + timedelta(hours=self.random.randint(1, 6)) if invalid else None
        self.postmortems.append(Postmortem(repo, number, fix_at))
        self.counts.add("post-mortems opened")
        self.counts.add("invalid at first", invalid)
        self.event(repo, number, "opened")

    def body(self, incident: datetime, invalid: bool) -> str:
        rows = [self.row(incident) for _ in range(self.random.randint(1, 4))]
        if invalid:
            rows[0] = re.sub(r"\| P\d \|", "| urgent |", rows[0])
        start = incident.strftime("%Y-%m-%d %H:%M UTC")
        return good_body(
            incident_start=start,
            incident_end=(incident + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M UTC"),
            services=self.random.choice(SERVICES),
            root_cause_category=self.random.choice(CAUSES),
            action_items=actions(*rows),
        )

    def row(self, incident: datetime) -> str:
        action = (
            f"{self.random.choice(VERBS)} {self.random.choice(OBJECTS)} "
            f"#{self.random.randrange(10**6)}"
        )
        due = (incident + timedelta(days=self.random.randint(2, 28))).date()
        priority = self.random.choice(["P0", "P1", "P2", "P3"])
        owner = self.random.choice(["alice", "bob"])
        return f"| {action} | Prevent | {priority} | @{owner} | {due} | |"

    def act(self) -> None:
        """What people do in an hour besides opening post-mortems."""
        for pm in self.postmortems:
            if pm.fix_at is not None and pm.fix_at <= self.now:
                pm.fix_at = None
                body = self.people.body(pm.repo, pm.number).replace("| urgent |", "| P2 |")
                self.people.edit("alice", pm.repo, pm.number, body)
                self.counts.add("fixed")
                self.event(pm.repo, pm.number, "edited")
        # Whom to act on is picked from the state the last check read (people look at
        # what they saw last); the action itself reads the issue or ticket as it is now.
        state = self.latest if self.latest is not None else self.sandbox.app.state()
        issues = {
            f"{repo}#{number}": issue
            for repo in REPOS
            for number, issue in state["github"]["repos"][repo]["issues"].items()
        }
        open_ones = [pm for pm in self.postmortems if _state(issues, pm) == "open"]
        closed = [pm for pm in self.postmortems if _state(issues, pm) == "closed"]
        if open_ones and self.random.random() < 0.3:
            self.edit(self.random.choice(open_ones))
        tickets = sorted(
            key
            for key, raw in state["jira"]["issues"].items()
            if identity.DUPLICATE_LABEL not in raw["labels"]
        )
        for _ in range(self.random.randint(0, 3) if tickets else 0):
            self.transition(self.random.choice(tickets))
        if open_ones and self.random.random() < 0.02:
            pm = self.random.choice(open_ones)
            if self.people.state_of(pm.repo, pm.number) == "open":
                self.people.set_state("bob", pm.repo, pm.number, "closed")
                self.counts.add("closed by people")
        if closed and self.random.random() < 0.04:
            pm = self.random.choice(closed)
            if self.people.state_of(pm.repo, pm.number) == "closed":
                self.people.set_state("bob", pm.repo, pm.number, "open")
                self.counts.add("reopened")
                self.event(pm.repo, pm.number, "reopened")

    def edit(self, pm: Postmortem) -> None:
        body = self.people.body(pm.repo, pm.number)
        lines = body.splitlines()
        rows = [i for i, line in enumerate(lines) if _is_row(line)]
        if not rows:
            return
        choice = self.random.choice(["priority", "due", "add", "remove", "rename"])
        at = self.random.choice(rows)
        cells = lines[at].split("|")
        if choice == "priority":
            cells[3] = f" {self.random.choice(['P0', 'P1', 'P2', 'P3'])} "
        elif choice == "due":
            shifted = date.fromisoformat(cells[5].strip()) + timedelta(
                days=self.random.randint(1, 9)
            )
            cells[5] = f" {shifted} "
        elif choice == "rename":
            cells[1] = f" {cells[1].strip()} (revised) "
        if choice == "add" and len(rows) < 5:
            lines.insert(rows[-1] + 1, self.row(self.now))
        elif choice == "remove" and len(rows) > 1:
            del lines[at]
        else:
            lines[at] = "|".join(cells)
        self.people.edit(self.random.choice(["alice", "bob"]), pm.repo, pm.number, "\n".join(lines))
        self.counts.add("edits")
        self.event(pm.repo, pm.number, "edited")

    def transition(self, key: str) -> None:
        """An owner moves a ticket along one of the transitions Jira offers it now."""
        client = self.people.jira()
        offered = [t for t in client.transitions(key) if t["name"] in TRANSITIONS]
        if offered:
            chosen = self.random.choice(offered)
            client.transition_issue(key, chosen["id"])
            self.counts.add("reopenings in Jira" if chosen["name"] == "Reopen" else "transitions")

    # -- pmsync, with faults -------------------------------------------------------------------

    def faulty(self, run: Callable[[RequestLog], Outcome]) -> bool:
        """Run pmsync with faults at 2% of its requests; True when it went through."""
        kill: int | None = None
        for position in range(1, FAULT_WINDOW + 1):
            if self.random.random() >= FAULT_RATE:
                continue
            fault = self.random.choice(FAULTS)
            if fault == "killed":
                kill = position if kill is None else kill
            else:
                self.sandbox.app.faults.add(fault_spec(fault, position))
        requests = stop_after(kill) if kill is not None else RequestLog()
        try:
            outcome = run(requests)
        except Killed:
            outcome = Outcome(False, "killed")
            self.counts.add("faults injected")
            self.counts.add("kills")
        fired = sum(fault["fired"] for fault in self.sandbox.faults())
        self.counts.add("faults injected", fired)
        self.sandbox.clear_faults()
        self.counts.add("requests", len(requests.records))
        return outcome.ok

    def event(self, repo: str, number: int, action: str) -> None:
        self.counts.add("events handled")
        self.faulty(lambda log: self.pmsync.event(repo, number, action, self.now, log))

    def sync(self, faults: bool = True) -> bool:
        self.counts.add("syncs")
        if faults:
            ok = self.faulty(lambda log: self.pmsync.sync(self.now, log))
        else:
            log = RequestLog()
            ok = self.pmsync.sync(self.now, log).ok
            self.counts.add("requests", len(log.records))
        self.counts.add("syncs that failed", not ok)
        self.check(settled=ok)
        return ok

    def converged(self) -> None:
        """The daily check: once a sync with the cache has gone through, a sync without
        the cache (and without faults) finds nothing to write."""
        self.counts.add("daily checks without the cache")
        if not any(self.sync(faults=False) for _ in range(3)):
            self.problems.append(f"{self.now}: three syncs without faults failed")
            return
        before = self.sandbox.app.state()
        self.sandbox.clear_requests()
        outcome = self.plain.sync(self.now, RequestLog())
        writes = [
            f"{r['method']} {r['path']}" for r in self.sandbox.requests() if r["method"] != "GET"
        ]
        if not outcome.ok or writes:
            changed = _changed_comments(before, self.sandbox.app.state())
            self.problems.append(
                f"{self.now}: a sync without the cache still wrote {writes}: {changed}"
            )
            self.counts.add("lost", len(writes) or 1)
        self.check(settled=outcome.ok)

    # -- the invariants ---------------------------------------------------------------------

    def check(self, settled: bool) -> None:
        self.counts.add("invariant checks")
        state = self.latest = self.sandbox.app.state()
        found = Check(state, self.config, self.now).problems(settled)
        duplicates = [p for p in found if p.startswith("duplicate")]
        self.counts.add("duplicates", len(duplicates))
        self.counts.add("lost", len(found) - len(duplicates))
        self.problems += [f"{self.now}: {problem}" for problem in found]


def _changed_comments(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What a write changed in comments: the issue, the comment's kind, and the first line
    that differs, to explain a failed daily check."""
    found = []
    for repo in REPOS:
        old = before["github"]["repos"][repo]["comments"]
        for key, comment in after["github"]["repos"][repo]["comments"].items():
            was = old.get(key, {}).get("body", "")
            if comment["body"] == was:
                continue
            pairs = zip(was.splitlines(), comment["body"].splitlines(), strict=False)
            first = next(((a, b) for a, b in pairs if a != b), ("", ""))
            kind = comment["body"].lstrip().split("\n", 1)[0]
            found.append(f"{repo}#{comment['issue_number']} {kind}: {first[0]!r} -> {first[1]!r}")
    return found


def _state(issues: dict[str, dict[str, Any]], pm: Postmortem) -> str:
    """The issue's state as last seen; one opened since is open."""
    return str(issues.get(pm.ref, {}).get("state", "open"))


def _is_row(line: str) -> bool:
    return (
        line.startswith("| ")
        and not line.startswith(("| Action", "| Time"))
        and line.count("|") == 7
    )


_KEY_IN_CELL = re.compile(r"\[([A-Z][A-Z0-9_]+-\d+)\]")


class Check:
    """The invariants (see the module's description) on one state of the sandbox."""

    def __init__(self, state: dict[str, Any], config: Config, now: datetime) -> None:
        self.state = state
        self.config = config
        self.today = now.date()
        self.tickets: dict[str, dict[str, Any]] = state["jira"]["issues"]

    def problems(self, settled: bool) -> list[str]:
        found = self.one_ticket_per_item() + self.one_comment_of_each_kind()
        if settled:
            for repo in REPOS:
                for number, issue in self.state["github"]["repos"][repo]["issues"].items():
                    if (
                        issue["state"] == "open"
                        and self.config.labels.postmortem in issue["labels"]
                    ):
                        found += self.in_step(repo, int(number), issue)
        return found

    def live(self, raw: dict[str, Any]) -> bool:
        return identity.DUPLICATE_LABEL not in raw["labels"]

    def one_ticket_per_item(self) -> list[str]:
        items = Counter(
            label
            for raw in self.tickets.values()
            if self.live(raw)
            for label in raw["labels"]
            if identity.is_item_label(label)
        )
        return [f"duplicate ticket for {item} ({n})" for item, n in items.items() if n > 1]

    def comments(self, repo: str, number: int) -> list[str]:
        return [
            c["body"]
            for c in self.state["github"]["repos"][repo]["comments"].values()
            if c["issue_number"] == number and c["user"] == BOT
        ]

    def one_comment_of_each_kind(self) -> list[str]:
        found = []
        for repo in REPOS:
            kinds = Counter(
                (c["issue_number"], c["body"].lstrip().split("\n", 1)[0])
                for c in self.state["github"]["repos"][repo]["comments"].values()
                if c["user"] == BOT and c["body"].lstrip().startswith("<!-- pmsync:")
            )
            found += [
                f"duplicate comment {kind} on {repo}#{number} ({n})"
                for (number, kind), n in kinds.items()
                if n > 1
            ]
        return found

    def in_step(self, repo: str, number: int, issue: dict[str, Any]) -> list[str]:
        ref = f"{repo}#{number}"
        result = parsed(issue["body"] or "")
        comments = self.comments(repo, number)
        if result.postmortem is None:
            missing = []
            if self.config.labels.needs_fix not in issue["labels"]:
                missing.append(f"{ref}: invalid without the needs-fix label")
            if not any(markers.has_marker(c, markers.FEEDBACK) for c in comments):
                missing.append(f"{ref}: invalid without the feedback comment")
            return missing
        found = []
        label = identity.postmortem_label(repo, number)
        mine = {
            k: raw for k, raw in self.tickets.items() if label in raw["labels"] and self.live(raw)
        }
        keys = [item.ticket for item in result.postmortem.action_items]
        for item, key in zip(result.postmortem.action_items, keys, strict=True):
            if key is None or key not in mine:
                found.append(f"{ref}: row {item.row} has no ticket of its own ({key})")
        if len(set(keys)) != len(keys):
            found.append(f"{ref}: two rows name one ticket")
        for key, raw in mine.items():
            if key not in keys and identity.REMOVED_LABEL not in raw["labels"]:
                found.append(f"{ref}: {key} is in no row and not marked removed")
        status = [c for c in comments if markers.has_marker(c, markers.STATUS)]
        if len(status) != 1:
            return [*found, f"{ref}: {len(status)} status comments"]
        lines = status[0].splitlines()
        for key in keys:
            if key in mine:
                name = STATUS_NAMES[mine[key]["status"]]
                resolution = RESOLUTION_NAMES.get(mine[key]["resolution"] or "")
                if is_dropped_resolution(resolution, self.config.jira.dropped_resolutions):
                    name = resolution or name  # a dropped item shows why: "dropped (Won't Do)"
                if not any(f"[{key}](" in line and name in line for line in lines):
                    found.append(f"{ref}: the status comment does not show {key} as {name}")
        found += self.reviews(ref, result, issue, comments)
        done = all(
            key in mine
            and mine[key]["status"] in STATUS_DONE
            and not is_dropped_resolution(
                RESOLUTION_NAMES.get(mine[key]["resolution"] or ""),
                self.config.jira.dropped_resolutions,
            )
            for key in keys
        )
        if done != (self.config.labels.complete in issue["labels"]):
            found.append(f"{ref}: pm:complete is {'missing' if done else 'wrong'}")
        return found

    def reviews(
        self, ref: str, result: ParseResult, issue: dict[str, Any], comments: list[str]
    ) -> list[str]:
        assert result.postmortem is not None
        created = datetime.fromisoformat(issue["created_at"].replace("Z", "+00:00"))
        due = [
            m
            for m in milestones(result.postmortem.incident_start, created, self.config.followup)
            if m.due <= self.today
        ]
        if due and not any(markers.has_marker(c, due[-1].marker) for c in comments):
            return [f"{ref}: the {due[-1].name} review (due {due[-1].due}) is missing"]
        return []


def test_a_seeded_random_history_loses_nothing_and_duplicates_nothing(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(sandbox)
    # Generous limits: the soak makes far more requests in a simulated hour than a token
    # may; the limits are not what it tests.
    sandbox.set_github_rate_limit(10**7, resource="core")
    sandbox.set_github_rate_limit(10**7, resource="search")
    cache = tmp_path / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    soak = Soak(sandbox, cache, SEED)
    try:
        soak.run()
    finally:
        soak.people.close()
    counts = soak.counts
    with capsys.disabled():
        print(f"\nsoak (seed {SEED}, a sync every {SYNC_EVERY_HOURS} simulated hour(s)):")
        print(
            counts.line(
                "post-mortems opened",
                "invalid at first",
                "fixed",
                "edits",
                "transitions",
                "reopenings in Jira",
                "closed by people",
                "reopened",
            )
        )
        print(
            counts.line(
                "events handled",
                "syncs",
                "syncs that failed",
                "requests",
                "faults injected",
                "kills",
                "invariant checks",
                "daily checks without the cache",
            )
        )
        print(counts.line("duplicates", "lost"))
    assert not soak.problems, "\n".join(soak.problems[:20])
    assert counts.seen["post-mortems opened"] == POSTMORTEMS
