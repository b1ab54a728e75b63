"""The manager's numbers: from post-mortems and their tickets to a :class:`Report` (pure).

Definitions (``docs/report.md`` says the same for readers):

- **The population** is every readable post-mortem whose incident started in the period
  (UTC dates, both ends included), except those closed as not planned or as a duplicate.
  A post-mortem whose body has errors is listed as unreadable and left out of every number.
  The inputs hold only post-mortems pmsync took on (``pmsync.orchestration.report.gather``).
- **Done** is Jira's ``done`` status category without a dropped resolution (``Won't Do``
  by default, ``jira.dropped_resolutions``); the day it was done is Jira's resolution date
  (UTC), or the ticket's last update when the workflow sets no resolution. A dropped item is
  never done. An item without a ticket is open.
- **Completion within the window**: items done on or before the incident's start date plus
  ``report.completion_window_days`` (28), of all items of the post-mortems whose window has
  closed (its last day is before today). Post-mortems still inside their window are pending.
  Counted twice over: for the post-mortems whose incident started in the period, and for
  those whose window's last day is in the period (what a digest made on the 1st can show:
  last month's incidents are mostly still inside their window then).
- **P0/P1 on time**: P0 and P1 items done on or before their due date (Jira's due date,
  else the table's): one day late is late. Items still open before their due date are
  pending; dropped items and items past due count as not on time.
- **Repeat rate**: post-mortems that are repeats under ``repeats.rule`` within
  ``repeats.lookback_days`` (day 180 counts, day 181 does not), decided by
  :func:`pmsync.core.planning.repeat_matching.find_matches` against every post-mortem read, those
  before the period included. Per service, a repeat counts only in the services it shares
  with an earlier post-mortem that makes it one.
- **Preventable-repeat rate**: of the repeats, those an earlier planned item on the same
  service and root cause, not done when they started, would have covered
  (:func:`pmsync.core.planning.preventable.preventing_items` says exactly which).
- **Overdue**: open items whose due date is before today, as of the report's run, by owner
  (logins compared without case).
- **Time to post-mortem**: business days (Monday–Friday) after the incident's start date up
  to the day the issue was opened; median (the mean of the two middle values for an even
  count) and 90th percentile (nearest rank: the value at position ⌈0.9·n⌉ in ascending order).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from pmsync.config.schema import Config
from pmsync.core.domain.model import Priority
from pmsync.core.planning.progress import Progress
from pmsync.core.report.arithmetic import (
    business_days_between,
    median,
    meets,
    nearest_rank,
    percent,
)
from pmsync.core.report.cases import Case, by_incident
from pmsync.core.report.contents import (
    ActionItemCounts,
    Dropped,
    DroppedItem,
    Lesson,
    Lessons,
    Overdue,
    OverdueItem,
    OwnerOverdue,
    Period,
    PreventableRate,
    PreventableRepeat,
    Rate,
    TimeToPostmortem,
)
from pmsync.core.report.periods import utc_date

LESSON_MAX_CHARACTERS = 240
ON_TIME_PRIORITIES = frozenset({Priority.P0, Priority.P1})


class MetricHeader(TypedDict):
    """The fields every metric (``pmsync.core.report.contents.Metric``) starts with."""

    key: str
    title: str
    counts: str
    since: date
    until: date
    postmortems: int
    no_data: bool


@dataclass(frozen=True)
class Scope:
    """What a metric is computed over: the population (or one group of it), the period,
    the day the report is made, and the configuration."""

    cases: tuple[Case, ...]
    period: Period
    today: date
    config: Config

    def header(
        self, key: str, title: str, counts: str, *, postmortems: int, no_data: bool | None = None
    ) -> MetricHeader:
        """What every metric says about itself: what it counts, over this period, resting on
        how many post-mortems (nothing to count when none, unless ``no_data`` says)."""
        return MetricHeader(
            key=key,
            title=title,
            counts=counts,
            since=self.period.since,
            until=self.period.until,
            postmortems=postmortems,
            no_data=postmortems == 0 if no_data is None else no_data,
        )


def rate_of(
    scope: Scope,
    key: str,
    title: str,
    counts: str,
    *,
    postmortems: int,
    numerator: int,
    denominator: int,
    target: int | None = None,
    pending: int = 0,
    pending_note: str = "",
) -> Rate:
    return Rate(
        **scope.header(key, title, counts, postmortems=postmortems, no_data=denominator == 0),
        numerator=numerator,
        denominator=denominator,
        percent=percent(numerator, denominator),
        target_percent=target,
        meets_target=None if target is None else meets(numerator, denominator, target),
        pending=pending,
        pending_note=pending_note,
    )


def completion(scope: Scope) -> Rate:
    """Over the post-mortems whose incident started in the period (the report's population)."""
    days = scope.config.report.completion_window_days
    return _completion(
        scope,
        "completion_within_window",
        f"Action-item completion within {days} days",
        f"action items done within {days} days of their incident's start, of every action "
        f"item of the post-mortems whose {days} days are over",
        f"post-mortems still within their {days} days",
    )


def completion_window_ended(
    cases: Iterable[Case], period: Period, today: date, config: Config
) -> Rate:
    """Over the post-mortems whose window's last day is in the period, wherever their
    incident started."""
    days = config.report.completion_window_days
    ending = tuple(case for case in by_incident(cases) if period.contains(case.window_end(config)))
    return _completion(
        Scope(ending, period, today, config),
        "completion_window_ended_in_period",
        f"Action-item completion within {days} days, windows ended in the period",
        f"action items done within {days} days of their incident's start, of every action "
        f"item of the post-mortems whose {days} days ended in the period",
        f"post-mortems whose {days} days end in the period but are not over yet",
    )


def _completion(scope: Scope, key: str, title: str, counts: str, pending_note: str) -> Rate:
    config = scope.config
    closed = [case for case in scope.cases if case.window_end(config) < scope.today]
    items = [(case, item) for case in closed for item in case.items]
    done = [item for case, item in items if item.done_by(case.window_end(config))]
    return rate_of(
        scope,
        key,
        title,
        counts,
        postmortems=len(closed),
        numerator=len(done),
        denominator=len(items),
        target=config.followup.completion_target_percent,
        pending=len(scope.cases) - len(closed),
        pending_note=pending_note,
    )


def on_time(scope: Scope) -> Rate:
    urgent = [
        (case, item)
        for case in scope.cases
        for item in case.items
        if Priority(item.ref.priority) in ON_TIME_PRIORITIES
    ]
    decided = [
        (case, item)
        for case, item in urgent
        if item.progress in (Progress.DONE, Progress.DROPPED) or item.ref.due < scope.today
    ]
    punctual = [item for _, item in decided if item.done_by(item.ref.due)]
    return rate_of(
        scope,
        "p0_p1_on_time",
        "P0/P1 items done on time",
        "P0 and P1 action items done on or before their due date, of those done, dropped or "
        "past their due date",
        postmortems=len({case.issue.ref for case, _ in decided}),
        numerator=len(punctual),
        denominator=len(decided),
        target=scope.config.report.on_time_target_percent,
        pending=len(urgent) - len(decided),
        pending_note="P0/P1 items still open before their due date",
    )


def repeat_rate(scope: Scope) -> Rate:
    config = scope.config
    return rate_of(
        scope,
        "repeat_incidents",
        "Repeat incidents",
        f"post-mortems with an earlier related post-mortem (rule: {config.repeats.rule}) whose "
        f"incident started at most {config.repeats.lookback_days} days before theirs",
        postmortems=len(scope.cases),
        numerator=sum(case.repeat for case in scope.cases),
        denominator=len(scope.cases),
    )


def preventable_repeat_rate(scope: Scope) -> PreventableRate:
    repeats = [case for case in scope.cases if case.repeat]
    preventable = tuple(
        PreventableRepeat(
            postmortem=case.issue.ref,
            url=case.issue.html_url,
            title=case.pm.title or case.issue.title,
            incident_date=case.incident_date,
            items=case.preventing,
        )
        for case in repeats
        if case.preventing
    )
    rate = rate_of(
        scope,
        "preventable_repeat_rate",
        "Preventable repeats",
        "repeat incidents for which an earlier post-mortem on the same service and root-cause "
        "category had an action item planned in Jira and still open, or dropped, when the "
        "repeat's incident started",
        postmortems=len(repeats),
        numerator=len(preventable),
        denominator=len(repeats),
    )
    return PreventableRate(**rate.model_dump(), repeats=preventable)


def time_to_postmortem(scope: Scope) -> TimeToPostmortem:
    target = scope.config.report.publish_target_business_days
    days = [
        business_days_between(case.incident_date, utc_date(case.issue.created_at))
        for case in scope.cases
    ]
    middle, p90 = median(days), nearest_rank(days, 0.9)
    within = sum(value <= target for value in days)
    return TimeToPostmortem(
        **scope.header(
            "time_to_postmortem",
            "Time from incident to post-mortem",
            "business days (Monday to Friday) after the incident's start date up to the day "
            "its post-mortem issue was opened",
            postmortems=len(days),
        ),
        median_business_days=middle,
        p90_business_days=p90,
        target_business_days=target,
        within_target=within,
        within_target_percent=percent(within, len(days)),
        median_meets_target=None if middle is None else middle <= target,
        p90_meets_target=None if p90 is None else p90 <= target,
    )


def action_item_counts(scope: Scope) -> ActionItemCounts:
    low = scope.config.report.healthy_action_items_min
    high = scope.config.lint.many_action_items_threshold
    counts = [len(case.items) for case in scope.cases]
    more = sum(n > high for n in counts)
    return ActionItemCounts(
        **scope.header(
            "action_items_per_postmortem",
            "Action items per post-mortem",
            f"action items per post-mortem; {low}–{high} is healthy",
            postmortems=len(counts),
        ),
        items=sum(counts),
        mean=round(statistics.fmean(counts), 2) if counts else None,
        median=median(counts),
        healthy_min=low,
        healthy_max=high,
        fewer=sum(n < low for n in counts),
        healthy=sum(low <= n <= high for n in counts),
        more=more,
        more_percent=percent(more, len(counts)),
    )


def overdue(scope: Scope) -> Overdue:
    late = [
        OverdueItem(**item.ref.model_dump(), days_overdue=(scope.today - item.ref.due).days)
        for case in scope.cases
        for item in case.items
        if item.progress is Progress.OVERDUE
    ]
    # GitHub logins ignore case: @Carol and @carol are one person, shown as most tables write it.
    by_owner: dict[str, list[OverdueItem]] = {}
    for item in late:
        by_owner.setdefault(item.owner.casefold(), []).append(item)
    owners = [
        OwnerOverdue(
            owner=_most_written(item.owner for item in items),
            oldest_days_overdue=max(item.days_overdue for item in items),
            items=tuple(
                sorted(items, key=lambda i: (-i.days_overdue, i.postmortem, i.key or "", i.action))
            ),
        )
        for items in by_owner.values()
    ]
    return Overdue(
        **scope.header(
            "overdue_by_owner",
            "Overdue action items by owner",
            "open action items whose due date has passed, by owner, oldest first",
            postmortems=len(scope.cases),
        ),
        items=len(late),
        owners=tuple(sorted(owners, key=lambda o: (-o.oldest_days_overdue, o.owner.casefold()))),
    )


def _most_written(spellings: Iterable[str]) -> str:
    """The spelling written most often; on a tie, the first written (by incident, then row)."""
    counts = Counter(spellings)
    return max(counts, key=lambda spelling: counts[spelling])


def dropped(scope: Scope) -> Dropped:
    items = tuple(
        DroppedItem(
            **item.ref.model_dump(), resolution=item.resolution or "", dropped_on=item.done_on
        )
        for case in by_incident(scope.cases)
        for item in case.items
        if item.progress is Progress.DROPPED
    )
    resolutions = ", ".join(scope.config.jira.dropped_resolutions)
    return Dropped(
        **scope.header(
            "dropped_items",
            "Dropped action items",
            f"action items closed in Jira with a dropped resolution ({resolutions}), with "
            "their post-mortems",
            postmortems=len(scope.cases),
        ),
        items=items,
    )


def one_line(text: str, limit: int = LESSON_MAX_CHARACTERS) -> str:
    """A section on one line: whitespace collapsed, cut at a word with "…" past ``limit``."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0] or line[: limit - 1]
    return cut.rstrip(" ,;:.") + "…"


def lessons(scope: Scope) -> Lessons:
    found = tuple(
        Lesson(
            postmortem=case.issue.ref,
            postmortem_url=case.issue.html_url,
            postmortem_title=case.pm.title or case.issue.title,
            incident_date=case.incident_date,
            text=one_line(case.pm.lessons_learned),
        )
        for case in by_incident(scope.cases)
        if case.pm.lessons_learned.strip()
    )
    return Lessons(
        **scope.header(
            "lessons_learned",
            "Lessons learned",
            "the lessons-learned section of each post-mortem that has one, on one line",
            postmortems=len(scope.cases),
        ),
        lessons=found,
    )
