"""A scripted history of post-mortems for the report tests, and the report's period.

The pure tests (tests/core/test_report.py) turn it into models; the end-to-end test
(tests/e2e/test_report_e2e.py) plays it on the sandbox. The right answers are worked out by hand
in the tests themselves, from the facts written here.

Period: October 2026. The report is made on 2026-12-10, when every October incident's
28 days are over.

| pm | repo#n | incident (UTC) | opened | sev | services | items |
|---|---|---|---|---|---|---|
| B | payments#1 | 2026-04-07 Tue | 04-08 | 2 | payments-db | 1 (before the period) |
| G | payments#2 | 2026-08-10 Mon | 08-11 | 3 | payments-api | 2, both done in time |
| A | payments#3 | 2026-10-05 Mon | 10-06 | 2 | payments-db | 4 |
| I | payments#4 | (body has errors) | 10-12 | | | |
| E | payments#5 | 2026-10-20 Tue | 10-20 | 2 | payments-db, checkout | 3 |
| H | payments#6 | 2026-11-15 Sun | 11-16 | 3 | payments-db | 1 (after the period) |
| D | search#1 | 2026-04-12 Sun | 04-13 | 3 | search-api | 1 (before the period) |
| C | search#2 | 2026-10-09 Fri | 10-19 Mon | 3 | search-api | 2 |
| F | search#3 | 2026-10-28 Wed | 11-04 Wed | 1 | indexer | 6 |

B is 181 days before A (A is no repeat of it); D is 180 days before C (C is a repeat).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from pmsync.config.schema import Config
from pmsync.core.domain import identity
from pmsync.core.domain.model import ActionItem, ActionType, Priority
from pmsync.core.domain.state import TicketState
from pmsync.core.report.build import build_report
from pmsync.core.report.cases import ReportInput
from pmsync.core.report.contents import Period, Report
from support.factories import issue, postmortem, ticket

PAYMENTS = "acme/payments"
SEARCH = "acme/search"
NOW = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
SINCE = date(2026, 10, 1)
UNTIL = date(2026, 10, 31)

Outcome = Literal["done", "dropped", "open", "no-ticket"]


@dataclass(frozen=True)
class ItemSpec:
    action: str
    priority: str
    owner: str
    due: date
    outcome: Outcome
    closed_on: date | None = None  # done or dropped on this day
    resolution_date: bool = True  # False: done in a workflow that sets no resolution


@dataclass(frozen=True)
class PostMortemSpec:
    name: str
    repo: str
    number: int
    title: str
    incident: datetime | None  # None: a body with errors
    opened: datetime
    severity: int = 2
    services: tuple[str, ...] = ()
    category: str = "Capacity"
    items: tuple[ItemSpec, ...] = ()
    lessons: str = ""


def _at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


def _d(day: str) -> date:
    return date.fromisoformat(day)


LONG_LESSON = (
    "Feature flags that gate the indexer must be checked in staging before a rollout, "
    + "and the rollback runbook has to name the flag, its owner and the dashboard that "
    + "shows its effect; we lost forty minutes finding out which flag was on. "
    + "Practise the rollback every quarter."
)

HISTORY: tuple[PostMortemSpec, ...] = (
    PostMortemSpec(
        "B",
        PAYMENTS,
        1,
        "Payments DB failover took 20 minutes",
        _at("2026-04-07"),
        _at("2026-04-08"),
        services=("payments-db",),
        items=(
            ItemSpec(
                "Automate the payments-db failover runbook",
                "P1",
                "bob",
                _d("2026-04-30"),
                "done",
                _d("2026-04-20"),
            ),
        ),
    ),
    PostMortemSpec(
        "G",
        PAYMENTS,
        2,
        "Payments API returned 500s after a deploy",
        _at("2026-08-10"),
        _at("2026-08-11"),
        severity=3,
        services=("payments-api",),
        category="Deploy",
        items=(
            ItemSpec(
                "Add a canary stage to the payments-api deploy",
                "P1",
                "alice",
                _d("2026-08-24"),
                "done",
                _d("2026-08-20"),
            ),
            ItemSpec(
                "Alert on payments-api 5xx above 1% for 5 minutes",
                "P2",
                "bob",
                _d("2026-08-31"),
                "done",
                _d("2026-09-01"),
            ),
        ),
    ),
    PostMortemSpec(
        "A",
        PAYMENTS,
        3,
        "Payments DB connection pool exhausted",
        _at("2026-10-05"),
        _at("2026-10-06"),
        services=("payments-db",),
        items=(
            ItemSpec(
                "Alert when payments-db pool usage stays above 80% for 5 minutes",
                "P1",
                "bob",
                _d("2026-10-20"),
                "done",
                _d("2026-10-20"),
            ),
            ItemSpec(
                "Give report queries their own pool capped at 20 connections",
                "P1",
                "alice",
                _d("2026-10-20"),
                "done",
                _d("2026-10-21"),
            ),
            ItemSpec(
                "Rewrite the pool library in Rust",
                "P2",
                "bob",
                _d("2026-10-30"),
                "dropped",
                _d("2026-10-25"),
            ),
            ItemSpec(
                "Add database connections to the capacity checklist",
                "P2",
                "alice",
                _d("2026-11-30"),
                "done",
                _d("2026-11-03"),
            ),
        ),
        lessons="Pool limits need the same review as CPU and memory before a campaign.",
    ),
    PostMortemSpec(
        "I",
        PAYMENTS,
        4,
        "Post-mortem: cache stampede (draft)",
        None,
        _at("2026-10-12"),
    ),
    PostMortemSpec(
        "E",
        PAYMENTS,
        5,
        "Checkout timeouts from payments-db locks",
        _at("2026-10-20", 8),
        _at("2026-10-20", 16),
        services=("payments-db", "checkout"),
        items=(
            ItemSpec(
                "Set a 2 second lock timeout on checkout writes",
                "P1",
                "carol",
                _d("2026-11-01"),
                "done",
                _d("2026-11-01"),
            ),
            ItemSpec(
                "Alert on payments-db lock waits above 1 second",
                "P2",
                "bob",
                _d("2026-11-10"),
                "done",
                _d("2026-11-12"),
            ),
            ItemSpec(
                "Split the checkout write path into its own service",
                "P2",
                "dave",
                _d("2026-12-31"),
                "open",
            ),
        ),
        lessons="Lock timeouts belong in the schema review checklist.\n\n"
        "A second @someone line, joined onto the first.",
    ),
    PostMortemSpec(
        "H",
        PAYMENTS,
        6,
        "Payments DB disk full",
        _at("2026-11-15"),
        _at("2026-11-16"),
        severity=3,
        services=("payments-db",),
        items=(
            ItemSpec(
                "Alert on payments-db disk usage above 80%", "P1", "bob", _d("2026-11-30"), "open"
            ),
        ),
    ),
    PostMortemSpec(
        "D",
        SEARCH,
        1,
        "Search API slow after an index rebuild",
        _at("2026-04-12"),
        _at("2026-04-13"),
        severity=3,
        services=("search-api",),
        items=(
            ItemSpec(
                "Throttle index rebuilds to 20% of cluster IO",
                "P2",
                "erin",
                _d("2026-05-01"),
                "done",
                _d("2026-04-30"),
            ),
        ),
    ),
    PostMortemSpec(
        "C",
        SEARCH,
        2,
        "Search API timeouts during the sale",
        _at("2026-10-09", 15),
        _at("2026-10-19"),
        severity=3,
        services=("search-api",),
        items=(
            ItemSpec(
                "Raise the search-api timeout budget to 800 ms",
                "P1",
                "erin",
                _d("2026-10-23"),
                "done",
                _d("2026-10-22"),
            ),
            ItemSpec(
                "Add search-api to the sale readiness checklist",
                "P3",
                "erin",
                _d("2026-10-30"),
                "done",
                _d("2026-10-31"),
                resolution_date=False,
            ),
        ),
    ),
    PostMortemSpec(
        "F",
        SEARCH,
        3,
        "Indexer wrote empty documents for 40 minutes",
        _at("2026-10-28", 23, 30),
        _at("2026-11-04"),
        severity=1,
        services=("indexer",),
        category="Code defect",
        items=(
            ItemSpec(
                "Reject empty documents at the indexer's write step",
                "P0",
                "erin",
                _d("2026-11-05"),
                "done",
                _d("2026-11-05"),
            ),
            ItemSpec(
                "Alert when indexed document size drops by half in 10 minutes",
                "P0",
                "carol",
                _d("2026-11-10"),
                "open",
            ),
            ItemSpec(
                "Replay the lost 40 minutes of documents from the queue",
                "P1",
                "erin",
                _d("2026-12-20"),
                "open",
            ),
            ItemSpec(
                "Add an integration test with an empty upstream response",
                "P2",
                "dave",
                _d("2026-11-20"),
                "open",
            ),
            ItemSpec(
                "Document the indexer feature flags in the runbook",
                "P3",
                "carol",
                _d("2026-11-15"),
                "no-ticket",
            ),
            ItemSpec(
                "Review every indexer flag older than a year",
                "P2",
                "erin",
                _d("2026-11-01"),
                "done",
                _d("2026-11-26"),
            ),
        ),
        lessons=LONG_LESSON,
    ),
)


def spec(name: str) -> PostMortemSpec:
    return next(pm for pm in HISTORY if pm.name == name)


def body(pm: PostMortemSpec) -> str:
    """The issue body the form would give for ``pm`` (a body with errors for ``incident``
    None: it has no incident start, severity or action items)."""
    if pm.incident is None:
        return "### Summary\n\nThe cache stampeded; details to follow.\n"
    rows = "\n".join(
        f"| {item.action} | Prevent | {item.priority} | @{item.owner} | {item.due} | "
        f"{'OPS-999' if item.outcome == 'no-ticket' else ''} |"
        for item in pm.items
    )
    return f"""### Incident start

{pm.incident:%Y-%m-%d %H:%M} UTC

### Severity

SEV{pm.severity}

### Services affected

{", ".join(pm.services)}

### Root-cause category

{pm.category}

### Summary

{pm.title}.

### Root cause

1. Why did it fail? The limit was reached because nothing watched it.

### Action items

| Action | Type | Priority | Owner | Due | Ticket |
|---|---|---|---|---|---|
{rows}

### Lessons learned

{pm.lessons or "_No response_"}
"""


# --- building a report from the history ------------------------------------------------

JIRA = "https://jira.example.com"
OCTOBER = Period(since=SINCE, until=UNTIL)


def _ticket(pm: PostMortemSpec, row: int, item: ItemSpec) -> TicketState:
    key = f"{pm.repo.split('/')[1].upper()[:3]}{pm.number}-{row}"
    labels = (
        "postmortem",
        identity.postmortem_label(pm.repo, pm.number),
        identity.item_label(identity.item_id(pm.repo, pm.number, item.action)),
    )
    closed = (
        datetime.combine(item.closed_on, datetime.min.time(), UTC).replace(hour=17)
        if item.closed_on
        else None
    )
    return ticket(
        key,
        status={"done": "Done", "dropped": "Closed", "open": "In Progress"}[item.outcome],
        status_category="done" if item.outcome in ("done", "dropped") else "indeterminate",
        resolution={"done": "Done", "dropped": "Won't Do"}.get(item.outcome)
        if item.resolution_date
        else None,
        resolved=closed if item.resolution_date else None,
        updated=closed or pm.opened,
        created=pm.opened,
        due=item.due,
        labels=labels,
        url=f"{JIRA}/browse/{key}",
    )


def report_input(pm: PostMortemSpec) -> ReportInput:
    gh_issue = issue(
        repo=pm.repo,
        number=pm.number,
        title=pm.title,
        created_at=pm.opened,
        updated_at=pm.opened,
        html_url=f"https://github.com/{pm.repo}/issues/{pm.number}",
    )
    if pm.incident is None:
        return ReportInput(issue=gh_issue, postmortem=None)
    items = tuple(
        ActionItem(
            row=row,
            action=item.action,
            type=ActionType.PREVENT,
            priority=Priority(item.priority),
            owner=item.owner,
            due=item.due,
            ticket="OPS-999" if item.outcome == "no-ticket" else None,
        )
        for row, item in enumerate(pm.items, start=1)
    )
    tickets = tuple(
        _ticket(pm, row, item)
        for row, item in enumerate(pm.items, start=1)
        if item.outcome != "no-ticket"
    )
    parsed = postmortem(
        title=pm.title,
        incident_start=pm.incident,
        severity=pm.severity,
        services=pm.services,
        root_cause_category=pm.category,
        action_items=items,
        lessons_learned=pm.lessons,
    )
    return ReportInput(issue=gh_issue, postmortem=parsed, tickets=tickets)


def make_report(
    history: tuple[PostMortemSpec, ...] = HISTORY,
    period: Period = OCTOBER,
    now: datetime = NOW,
    config: Config | None = None,
) -> Report:
    inputs = [report_input(pm) for pm in history]
    repos = ["acme/payments", "acme/search"]
    return build_report(inputs, period, now, config or Config(), repos)
