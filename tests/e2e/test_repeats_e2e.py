"""Repeat incidents end to end: `pmsync sync` and `pmsync handle-event` on the sandbox,
through the real PyGithub and `jira` clients, across two repositories.

The label and the repeat comment appear once and follow edits; the earlier post-mortem's
items show as done, dropped, open or overdue; back-links and Jira links are made once, even
when a run dies right after making one; and the candidates are found with one search.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jira
import pytest
from github import Github
from support.lifecycle import Killed, Pmsync, kill_when
from support.sandbox_pmsync import BODY, client, close_ticket, use_sandbox, write_config

from pmsync.adapters.retry import RequestRecord
from pmsync.config.loading import load_config
from pmsync.core.domain import identity, markers
from pmsync.core.planning.repeat_comment import decode_backlinks
from pmsync.entry.cli import main
from pmsync_sandbox.runner import Sandbox

PAYMENTS = "acme/payments"
LEDGER = "acme/ledger"
ITEMS_HEADING = "### Action items"
WRITES = ("POST", "PATCH", "PUT", "DELETE")
Row = tuple[str, str, str, str, str]  # action, type, priority, owner, due


def body(
    start: str,
    services: str = "payments-db",
    category: str = "Capacity",
    rows: tuple[Row, ...] = (),
) -> str:
    """The example post-mortem with another start, services, category and action items."""
    text = BODY.replace("2026-11-20 14:02 UTC", start).replace("2026-11-20 15:47 UTC", start)
    text = text.replace("payments-api, payments-db", services)
    text = text.replace("\nCapacity\n", f"\n{category}\n")
    if rows:
        before, _, after = text.partition(ITEMS_HEADING)
        rest = after[after.index("### Lessons learned") :]
        table = "\n".join(f"| {' | '.join(row)} | |" for row in rows)
        header = "| Action | Type | Priority | Owner | Due | Ticket |\n|---|---|---|---|---|---|"
        text = f"{before}{ITEMS_HEADING}\n\n{header}\n{table}\n\n{rest}"
    return text


@dataclass
class World:
    """Two repositories of post-mortems on the sandbox, and pmsync run against them."""

    sandbox: Sandbox
    config: Path
    github: Github
    jira: jira.JIRA

    def travel(self, day: date, hour: int = 10) -> datetime:
        moment = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
        self.sandbox.set_clock(moment)
        return moment

    def open(self, repo: str, title: str, text: str, day: date) -> int:
        self.travel(day, 9)
        issue = self.github.get_repo(repo).create_issue(title, body=text, labels=["postmortem"])
        return int(issue.number)

    def sync(self, day: date, hour: int = 10, *options: str, exit_code: int = 0) -> None:
        moment = self.travel(day, hour)
        args = ["sync", "--config", str(self.config), "--now", moment.isoformat(), *options]
        assert main(args) == exit_code

    def handle(self, tmp_path: Path, event: str, action: str, repo: str, number: int) -> None:
        payload = {
            "action": action,
            "issue": {"number": number},
            "repository": {"full_name": repo},
        }
        path = tmp_path / f"{event}-{action}-{number}.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        moment = self.sandbox.clock()
        args = ["handle-event", "--config", str(self.config), "--now", moment.isoformat()]
        code = main([*args, "--event-name", event, "--event-path", str(path)])
        assert code == 0

    def issue(self, repo: str, number: int) -> Any:
        return self.github.get_repo(repo).get_issue(number)

    def edit(self, repo: str, number: int, **changes: str) -> None:
        self.issue(repo, number).edit(**changes)

    def labels(self, repo: str, number: int) -> set[str]:
        return {label.name for label in self.issue(repo, number).labels}

    def comments(self, repo: str, number: int, marker: str) -> list[Any]:
        found = self.issue(repo, number).get_comments()
        return [comment for comment in found if markers.has_marker(comment.body, marker)]

    def tickets(self, repo: str, number: int) -> dict[str, str]:
        """Summary -> key of a post-mortem's tickets."""
        label = identity.postmortem_label(repo, number)
        found = self.jira.search_issues(f'labels = "{label}"', maxResults=100)
        return {issue.fields.summary: issue.key for issue in found}

    def links(self, key: str) -> list[tuple[str, str]]:
        """(link type, other key) of each issue link of a ticket."""
        links = []
        for link in self.jira.issue(key, fields="issuelinks").fields.issuelinks:
            other = getattr(link, "outwardIssue", None) or link.inwardIssue
            links.append((link.type.name, other.key))
        return links

    def linked_once(self, mine: Iterable[str], other: str) -> bool:
        """The first of ``mine`` (the lowest number: row 1) relates to ``other``, and no
        other of them has a link."""
        ordered = sorted(mine, key=lambda key: int(key.rpartition("-")[2]))
        expected = [[("Relates", other)], *([] for _ in ordered[1:])]
        return [self.links(key) for key in ordered] == expected

    def resolve(self, key: str, resolution: str) -> None:
        close_ticket(self.jira, key, resolution)

    def writes(self) -> list[tuple[str, str]]:
        return [(r["method"], r["path"]) for r in self.sandbox.requests() if r["method"] in WRITES]

    def searches(self) -> list[str]:
        """The GitHub issue searches since the request log was last cleared."""
        log = self.sandbox.requests("github")
        return [r["query"]["q"][0] for r in log if r["path"] == "/search/issues"]

    def jql(self) -> list[str]:
        log = self.sandbox.requests("jira")
        return [r["query"]["jql"][0] for r in log if r["path"].endswith("/search/jql")]

    def killed_after(self, day: date, last: Callable[[RequestRecord], bool]) -> None:
        """A sync that dies right after the first request ``last`` accepts."""
        moment = self.travel(day)
        with pytest.raises(Killed):
            Pmsync(self.sandbox, load_config(self.config)).sync(moment, kill_when(last))


@pytest.fixture
def world(
    sandbox: Sandbox,
    github_client: Github,
    jira_client: jira.JIRA,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> World:
    sandbox.add_github_repo(LEDGER)
    sandbox.add_github_user("alice", repos={LEDGER: "OWNER"})
    use_sandbox(sandbox, monkeypatch)
    config = write_config(tmp_path, PAYMENTS, LEDGER, people=True)
    return World(sandbox, config, github_client, jira_client)


# --- the story: a repeat across two repositories, followed through edits -------------------------

DONE_ITEM = "Alert on pool saturation"
DROPPED_ITEM = "Split the report pool from checkout"
OPEN_ITEM = "Load test checkout at three times peak"
EARLIER_ROWS: tuple[Row, ...] = (
    (DONE_ITEM, "Detect", "P1", "@bob", "2026-06-01"),
    (DROPPED_ITEM, "Prevent", "P1", "@alice", "2026-06-10"),
    (OPEN_ITEM, "Prevent", "P2", "@bob", "2026-06-15"),
)


def test_a_repeat_is_flagged_once_and_follows_edits(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    # Day 181 before this incident (out) and day 180 (in), in two repositories.
    opened = date(2026, 5, 25)
    too_old = world.open(PAYMENTS, "Pool in May", body("2026-05-23 09:00 UTC"), opened)
    earlier_body = body("2026-05-24 10:00 UTC", rows=EARLIER_ROWS)
    earlier = world.open(LEDGER, "Ledger pool exhausted", earlier_body, opened)
    world.sync(date(2026, 5, 25))
    keys = world.tickets(LEDGER, earlier)
    world.resolve(keys[DONE_ITEM], "Done")
    world.resolve(keys[DROPPED_ITEM], "Won't Do")

    latest = world.open(PAYMENTS, "Pool exhausted again", BODY, date(2026, 11, 21))
    world.sandbox.clear_requests()
    world.sync(date(2026, 11, 21), 9, "--dry-run")  # the whole plan settles, nothing written
    assert world.writes() == []
    out = capsys.readouterr().out
    assert f"create the repeat-incident comment on {PAYMENTS}#{latest}" in out
    assert f"link NEW-1 relates {keys[OPEN_ITEM]}" in out

    world.sandbox.clear_requests()
    world.sync(date(2026, 11, 21))

    # Few requests: one search for both repositories (the open post-mortems are in the
    # run's listing, so it looks for closed ones), one JQL for all earlier tickets.
    (query,) = world.searches()
    assert f"is:closed repo:{LEDGER} repo:{PAYMENTS}" in query
    earlier_labels = [
        identity.postmortem_label(LEDGER, earlier),  # related to the latest post-mortem
        identity.postmortem_label(PAYMENTS, too_old),  # related to the earlier one
    ]
    latest_label = identity.postmortem_label(PAYMENTS, latest)
    batched = [
        jql
        for jql in world.jql()
        if all(label in jql for label in earlier_labels) and latest_label not in jql
    ]
    assert len(batched) == 1  # the earlier tickets of every post-mortem of the run

    assert world.labels(PAYMENTS, latest) >= {
        "repeat-incident",
        "service:payments-api",
        "service:payments-db",
        "root-cause:capacity",
        "sev:2",
    }
    (comment,) = world.comments(PAYMENTS, latest, markers.REPEAT)
    text = comment.body
    assert "This is the **2nd incident on `payments-db` in 6 months**." in text
    assert f"[{LEDGER}#{earlier}](" in text and f"{PAYMENTS}#{too_old}" not in text
    assert "2026-05-24 · " in text and "180 days earlier" in text
    assert "shares `service:payments-db`, `root-cause:capacity`, `sev:2`" in text
    assert "action items: **1 of 3 done · 1 overdue · 1 dropped**" in text
    assert "1 of the 3 action items from the earlier post-mortem was finished." in text
    assert f"🚫 dropped (Won't Do): [{keys[DROPPED_ITEM]}](" in text
    assert f"⚠️ overdue 159d (To Do): [{keys[OPEN_ITEM]}](" in text
    assert DONE_ITEM not in text

    ref = f"{PAYMENTS}#{latest}"
    (backlink,) = world.comments(LEDGER, earlier, markers.backlink_marker(ref))
    assert f"Recurred in [{ref}](" in backlink.body
    assert world.comments(PAYMENTS, too_old, markers.backlink_marker(ref)) == []

    mine = world.tickets(PAYMENTS, latest).values()
    assert len(mine) == 4
    # Only the earlier ticket still open (not the done or dropped ones), once, from the
    # first new ticket.
    assert world.linked_once(mine, keys[OPEN_ITEM])

    world.sandbox.clear_requests()
    world.sync(date(2026, 11, 21), 11)
    assert world.writes() == []

    # An edit moves the incident to another service: no longer a repeat. A label someone
    # added by hand stays, whatever its prefix.
    world.issue(PAYMENTS, latest).add_to_labels("service:legacy-db")
    original = world.issue(PAYMENTS, latest).body
    world.edit(PAYMENTS, latest, body=original.replace("payments-api, payments-db", "checkout-api"))
    world.sync(date(2026, 11, 22))
    labels = world.labels(PAYMENTS, latest)
    assert "repeat-incident" not in labels
    assert "service:payments-db" not in labels and "service:payments-api" not in labels
    assert {"service:checkout-api", "service:legacy-db", "root-cause:capacity"} <= labels
    (cleared,) = world.comments(PAYMENTS, latest, markers.REPEAT)
    assert cleared.id == comment.id and "no longer" in cleared.body
    world.sandbox.clear_requests()
    world.sync(date(2026, 11, 22), 11)
    assert world.writes() == []

    # And back: flagged again in the same comment; no second back-link, no second link.
    world.edit(PAYMENTS, latest, body=original)
    world.sync(date(2026, 11, 23))
    assert "repeat-incident" in world.labels(PAYMENTS, latest)
    (again,) = world.comments(PAYMENTS, latest, markers.REPEAT)
    assert again.id == comment.id and "**2nd incident on `payments-db`" in again.body
    assert len(world.comments(LEDGER, earlier, markers.backlink_marker(ref))) == 1
    assert world.linked_once(mine, keys[OPEN_ITEM])
    world.sandbox.clear_requests()
    world.sync(date(2026, 11, 23), 11)
    assert world.writes() == []


# --- each rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "expected"),
    [("service", "db-deploy"), ("service+root-cause", None), ("root-cause", "api-capacity")],
)
def test_each_rule_finds_its_own_earlier_postmortem(
    world: World, rule: str, expected: str | None
) -> None:
    write_config(
        world.config.parent, PAYMENTS, LEDGER, people=True, extra=f"repeats:\n  rule: {rule}\n"
    )
    earlier = {
        "db-deploy": (LEDGER, body("2026-08-12 10:00 UTC", "payments-db", "Deploy")),
        "api-capacity": (PAYMENTS, body("2026-10-01 10:00 UTC", "ledger-api", "Capacity")),
    }
    refs = {
        name: f"{repo}#{world.open(repo, name, text, date(2026, 10, 1))}"
        for name, (repo, text) in earlier.items()
    }
    world.sync(date(2026, 10, 1))
    latest = world.open(PAYMENTS, "latest", body("2026-11-20 10:00 UTC"), date(2026, 11, 21))
    world.sync(date(2026, 11, 21))

    found = world.comments(PAYMENTS, latest, markers.REPEAT)
    if expected is None:
        assert found == [] and "repeat-incident" not in world.labels(PAYMENTS, latest)
        return
    assert "repeat-incident" in world.labels(PAYMENTS, latest)
    (comment,) = found
    for name, ref in refs.items():
        assert (f"[{ref}](" in comment.body) is (name == expected)


def test_a_sync_finds_a_closed_earlier_postmortem_by_its_one_search(world: World) -> None:
    earlier = world.open(LEDGER, "Ledger pool", body("2026-09-01 10:00 UTC"), date(2026, 9, 1))
    world.sync(date(2026, 9, 1))
    world.edit(LEDGER, earlier, state="closed")
    latest = world.open(PAYMENTS, "Pool again", BODY, date(2026, 11, 21))

    world.sandbox.clear_requests()
    world.sync(date(2026, 11, 21))
    (query,) = world.searches()
    assert "is:closed" in query
    assert "repeat-incident" in world.labels(PAYMENTS, latest)
    (comment,) = world.comments(PAYMENTS, latest, markers.REPEAT)
    assert f"[{LEDGER}#{earlier}](" in comment.body


def test_an_unapproved_outsiders_postmortem_is_no_earlier_one_for_a_sync_or_an_event(
    world: World, tmp_path: Path
) -> None:
    # pmsync never labelled it, so the search cannot find it: the listing must not either.
    token = world.sandbox.add_github_user("carol", repos={LEDGER: "NONE"})["token"]
    world.travel(date(2026, 9, 1), 9)
    outsider = client(world.sandbox, token).get_repo(LEDGER)
    earlier = outsider.create_issue("Ledger pool", body=body("2026-09-01 10:00 UTC")).number
    world.issue(LEDGER, earlier).add_to_labels("postmortem")
    world.sync(date(2026, 9, 1))
    latest = world.open(PAYMENTS, "Pool again", BODY, date(2026, 11, 21))

    world.handle(tmp_path, "issues", "opened", PAYMENTS, latest)
    world.sync(date(2026, 11, 21))
    world.sync(date(2026, 11, 21), 11)
    assert "repeat-incident" not in world.labels(PAYMENTS, latest)
    assert world.comments(PAYMENTS, latest, markers.REPEAT) == []
    ref = f"{PAYMENTS}#{latest}"
    assert world.comments(LEDGER, earlier, markers.backlink_marker(ref)) == []


# --- events ---------------------------------------------------------------------------------------


def test_opening_finds_a_closed_earlier_one_and_a_label_event_does_not_search(
    world: World, tmp_path: Path
) -> None:
    earlier = world.open(LEDGER, "Ledger pool", body("2026-09-01 10:00 UTC"), date(2026, 9, 1))
    world.sync(date(2026, 9, 1))
    world.edit(LEDGER, earlier, state="closed")  # closed post-mortems count too
    latest = world.open(PAYMENTS, "Pool again", BODY, date(2026, 11, 21))

    world.sandbox.clear_requests()
    world.handle(tmp_path, "issues", "opened", PAYMENTS, latest)
    assert len(world.searches()) == 1
    assert "repeat-incident" in world.labels(PAYMENTS, latest)
    ref = f"{PAYMENTS}#{latest}"
    assert len(world.comments(LEDGER, earlier, markers.backlink_marker(ref))) == 1

    world.sandbox.clear_requests()
    world.handle(tmp_path, "issues", "labeled", PAYMENTS, latest)
    assert world.searches() == [] and world.writes() == []


def test_edited_events_that_change_the_services_clear_and_restore_the_flag(
    world: World, tmp_path: Path
) -> None:
    earlier = world.open(LEDGER, "Ledger pool", body("2026-09-01 10:00 UTC"), date(2026, 9, 1))
    world.sync(date(2026, 9, 1))
    latest = world.open(PAYMENTS, "Pool again", BODY, date(2026, 11, 21))
    ref = f"{PAYMENTS}#{latest}"
    world.handle(tmp_path, "issues", "opened", PAYMENTS, latest)
    (comment,) = world.comments(PAYMENTS, latest, markers.REPEAT)
    assert "repeat-incident" in world.labels(PAYMENTS, latest)

    original = world.issue(PAYMENTS, latest).body
    world.edit(PAYMENTS, latest, body=original.replace("payments-api, payments-db", "checkout-api"))
    world.sandbox.clear_requests()
    world.handle(tmp_path, "issues", "edited", PAYMENTS, latest)
    assert len(world.searches()) == 1
    labels = world.labels(PAYMENTS, latest)
    assert "repeat-incident" not in labels and "service:payments-db" not in labels
    (cleared,) = world.comments(PAYMENTS, latest, markers.REPEAT)
    assert cleared.id == comment.id and "no longer" in cleared.body

    world.edit(PAYMENTS, latest, body=original)
    world.sandbox.clear_requests()
    world.handle(tmp_path, "issues", "edited", PAYMENTS, latest)
    assert len(world.searches()) == 1
    assert "repeat-incident" in world.labels(PAYMENTS, latest)
    (again,) = world.comments(PAYMENTS, latest, markers.REPEAT)
    assert again.id == comment.id and f"[{LEDGER}#{earlier}](" in again.body
    assert len(world.comments(LEDGER, earlier, markers.backlink_marker(ref))) == 1

    # An edit elsewhere in the body: no search, and nothing to write.
    world.edit(PAYMENTS, latest, body=original.replace("38% of card", "37% of card"))
    world.sandbox.clear_requests()
    world.handle(tmp_path, "issues", "edited", PAYMENTS, latest)
    assert world.searches() == [] and world.writes() == []

    # A service label someone added by hand is not pmsync's: events do not search for it.
    world.issue(PAYMENTS, latest).add_to_labels("service:legacy-db")
    world.edit(PAYMENTS, latest, body=original)
    world.sandbox.clear_requests()
    world.handle(tmp_path, "issues", "labeled", PAYMENTS, latest)
    world.handle(tmp_path, "issues", "edited", PAYMENTS, latest)
    assert world.searches() == [] and world.writes() == []


# --- crash safety ---------------------------------------------------------------------------


def test_a_refused_backlink_is_made_by_the_next_run_and_then_recorded(world: World) -> None:
    earlier = world.open(LEDGER, "Ledger pool", body("2026-09-01 10:00 UTC"), date(2026, 9, 1))
    world.sync(date(2026, 9, 1))
    latest = world.open(PAYMENTS, "Pool again", BODY, date(2026, 11, 21))
    ref = f"{PAYMENTS}#{latest}"
    backlink_path = re.escape(f"/repos/{LEDGER}/issues/{earlier}/comments")
    world.sandbox.add_fault(
        service="github", method="POST", path_regex=f"{backlink_path}$", status=403
    )

    world.sync(date(2026, 11, 21), exit_code=1)
    assert [fault["fired"] for fault in world.sandbox.faults()] == [1]
    assert world.comments(LEDGER, earlier, markers.backlink_marker(ref)) == []
    (comment,) = world.comments(PAYMENTS, latest, markers.REPEAT)  # the flag does not wait
    assert decode_backlinks(comment.body) == frozenset()  # nor does it claim the back-link

    world.sync(date(2026, 11, 21), 11)
    assert len(world.comments(LEDGER, earlier, markers.backlink_marker(ref))) == 1
    (comment,) = world.comments(PAYMENTS, latest, markers.REPEAT)
    assert decode_backlinks(comment.body) == {f"{LEDGER}#{earlier}"}

    world.sandbox.clear_requests()
    world.sync(date(2026, 11, 21), 12)
    assert world.writes() == []
    assert len(world.comments(LEDGER, earlier, markers.backlink_marker(ref))) == 1


def test_backlinks_and_jira_links_stay_single_when_a_run_dies_after_making_one(
    world: World,
) -> None:
    rows: tuple[Row, ...] = ((OPEN_ITEM, "Prevent", "P2", "@bob", "2027-01-15"),)
    earlier_body = body("2026-09-01 10:00 UTC", rows=rows)
    earlier = world.open(LEDGER, "Ledger pool", earlier_body, date(2026, 9, 1))
    world.sync(date(2026, 9, 1))
    latest = world.open(PAYMENTS, "Pool again", BODY, date(2026, 11, 21))
    ref = f"{PAYMENTS}#{latest}"
    backlink_path = f"/repos/{LEDGER}/issues/{earlier}/comments"

    world.killed_after(date(2026, 11, 21), lambda r: r.method == "POST" and r.path == backlink_path)
    assert len(world.comments(LEDGER, earlier, markers.backlink_marker(ref))) == 1
    assert world.comments(PAYMENTS, latest, markers.REPEAT) == []  # died before it
    world.killed_after(
        date(2026, 11, 21), lambda r: r.method == "POST" and r.path.endswith("/issueLink")
    )
    world.sync(date(2026, 11, 21), 12)

    assert len(world.comments(LEDGER, earlier, markers.backlink_marker(ref))) == 1
    assert len(world.comments(PAYMENTS, latest, markers.REPEAT)) == 1
    (open_key,) = world.tickets(LEDGER, earlier).values()
    assert world.linked_once(world.tickets(PAYMENTS, latest).values(), open_key)
    world.sandbox.clear_requests()
    world.sync(date(2026, 11, 21), 13)
    assert world.writes() == []


# --- a service that keeps failing (issue 17) --------------------------------------------------

WEEKLY_ROWS: tuple[Row, ...] = (
    ("Alert when payments-db pool usage stays above 80%", "Detect", "P1", "@bob", "1 week"),
    ("Cap report queries at 20 connections", "Prevent", "P1", "@alice", "2 weeks"),
    ("Add the pool to the capacity checklist", "Process", "P2", "@bob", "3 weeks"),
)
MAX_LINKED = 3  # repeats.max_linked's default


def pmsync_links(world: World, keys: list[str]) -> set[frozenset[str]]:
    """Each issue link between the given tickets once, whichever side reports it."""
    mine = set(keys)
    return {
        frozenset((key, other))
        for key in keys
        for _, other in world.links(key)
        if other in mine and other != key
    }


def backlinks_on(world: World, number: int) -> int:
    comments = world.issue(PAYMENTS, number).get_comments()
    return sum(1 for c in comments if c.body.startswith("<!-- pmsync:backlink:"))


def test_twelve_weekly_incidents_on_one_service_cost_linear_requests_and_links(
    world: World, tmp_path: Path
) -> None:
    first = date(2026, 6, 1)
    numbers, requests = [], []
    for week in range(12):
        day = date.fromordinal(first.toordinal() + 7 * week)
        text = body(f"{day.isoformat()} 06:00 UTC", rows=WEEKLY_ROWS)
        number = world.open(PAYMENTS, f"Pool exhausted, week {week + 1}", text, day)
        world.sandbox.clear_requests()
        world.handle(tmp_path, "issues", "opened", PAYMENTS, number)
        requests.append(len(world.sandbox.requests()))
        numbers.append(number)

    # The fourth is the first with max_linked earlier ones; the twelfth has eleven.
    assert requests[11] <= 2 * requests[3], requests
    keys = [key for number in numbers for key in world.tickets(PAYMENTS, number).values()]
    assert len(keys) == 12 * len(WEEKLY_ROWS)
    assert len(pmsync_links(world, keys)) <= 12 * len(WEEKLY_ROWS) * MAX_LINKED
    for number in numbers:
        assert backlinks_on(world, number) <= MAX_LINKED
    assert backlinks_on(world, numbers[0]) == MAX_LINKED  # from weeks 2, 3 and 4 only

    (comment,) = world.comments(PAYMENTS, numbers[-1], markers.REPEAT)
    assert "This is the **12th incident on `payments-db`" in comment.body
    assert "… and 8 earlier post-mortems on `payments-db` since 2026-06-01, 24 of their" in (
        comment.body
    )
    # A sync (which also posts the reviews now due) settles; the next one writes nothing.
    world.sync(date(2026, 8, 17), 12)
    world.sandbox.clear_requests()
    world.sync(date(2026, 8, 17), 13)
    assert world.writes() == []
    assert len(pmsync_links(world, keys)) <= 12 * len(WEEKLY_ROWS) * MAX_LINKED
    for number in numbers:
        assert backlinks_on(world, number) <= MAX_LINKED


def test_a_repeat_is_preventable_only_when_an_earlier_item_was_still_open(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # payments-db: the earlier item is still open when it fails again. ledger-db: every
    # earlier item was done the day before it failed again.
    rows: tuple[Row, ...] = (WEEKLY_ROWS[0],)
    open_earlier = world.open(
        PAYMENTS, "Pool", body("2026-10-01 06:00 UTC", rows=rows), date(2026, 10, 1)
    )
    done_earlier = world.open(
        LEDGER, "Ledger", body("2026-10-01 07:00 UTC", "ledger-db", rows=rows), date(2026, 10, 1)
    )
    world.sync(date(2026, 10, 1))
    world.travel(date(2026, 10, 19))
    for key in world.tickets(LEDGER, done_earlier).values():
        world.resolve(key, "Done")

    again = world.open(PAYMENTS, "Pool again", body("2026-10-20 06:00 UTC"), date(2026, 10, 20))
    world.handle(tmp_path, "issues", "opened", PAYMENTS, again)
    ledger_again = world.open(
        LEDGER, "Ledger again", body("2026-10-20 07:00 UTC", "ledger-db"), date(2026, 10, 20)
    )
    world.handle(tmp_path, "issues", "opened", LEDGER, ledger_again)

    (open_key,) = world.tickets(PAYMENTS, open_earlier).values()
    (comment,) = world.comments(PAYMENTS, again, markers.REPEAT)
    lines = [line for line in comment.body.splitlines() if line]
    assert lines[1] == "### 🔁 Repeat incident: preventable"
    assert lines[2].startswith(f"**Preventable:** [{open_key}](")
    assert "planned on 2026-10-01 and still open, past its due date, when this started." in lines[2]
    (comment,) = world.comments(LEDGER, ledger_again, markers.REPEAT)
    assert "Preventable" not in comment.body and "repeat-incident" in world.labels(
        LEDGER, ledger_again
    )

    capsys.readouterr()
    argv = ["report", "--config", str(world.config), "--now", "2026-11-02T09:00:00+00:00"]
    assert main([*argv, "--since", "2026-10-01", "--until", "2026-10-31", "--format", "json"]) == 0
    rate = json.loads(capsys.readouterr().out)["preventable_repeat_rate"]
    assert (rate["numerator"], rate["denominator"]) == (1, 2)
    (repeat,) = rate["repeats"]
    assert repeat["postmortem"] == f"{PAYMENTS}#{again}"
    assert [(i["key"], i["state"]) for i in repeat["items"]] == [(open_key, "overdue")]
