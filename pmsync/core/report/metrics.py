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
  :func:`pmsync.core.planning.repeats.find_matches` against every post-mortem read, those
  before the period included. Per service, a repeat counts only in the services it shares
  with an earlier post-mortem that makes it one.
- **Overdue**: open items whose due date is before today, as of the report's run, by owner
  (logins compared without case).
- **Time to post-mortem**: business days (Monday–Friday) after the incident's start date up
  to the day the issue was opened; median (the mean of the two middle values for an even
  count) and 90th percentile (nearest rank: the value at position ⌈0.9·n⌉ in ascending order).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TypedDict

from pmsync.config.schema import Config
from pmsync.core.domain.model import Frozen, PostMortem, Priority
from pmsync.core.domain.state import EarlierPostMortem, IssueState, TicketState
from pmsync.core.planning.matching import match_items
from pmsync.core.planning.progress import Progress, progress_of
from pmsync.core.planning.repeats import Match, find_matches
from pmsync.core.postmortem.labels import prefixed, slug
from pmsync.core.report.model import (
    ActionItemCounts,
    AgeBucket,
    Breakdown,
    ChartData,
    Dropped,
    DroppedItem,
    ItemRef,
    Lesson,
    Lessons,
    MonthCompletion,
    Overdue,
    OverdueItem,
    OwnerOverdue,
    Period,
    Rate,
    Report,
    ServiceRepeats,
    TimeToPostmortem,
    UnreadablePostMortem,
)

TREND_MONTHS = 6  # months shown in the completion-by-month chart, the period's last included
LESSON_MAX_CHARACTERS = 240
ON_TIME_PRIORITIES = frozenset({Priority.P0, Priority.P1})
# Issues closed with these reasons were set aside, not followed up: they count nowhere but
# may still be the earlier post-mortem of a repeat, as they are for the repeat-incident label.
DISMISSED_REASONS = frozenset({"not_planned", "duplicate"})
# Open items by age (days since the incident started): (label, min days, max days or None).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0–14 days", 0, 14),
    ("15–28 days", 15, 28),
    ("29–60 days", 29, 60),
    ("61–90 days", 61, 90),
    ("over 90 days", 91, None),
)


class ReportInput(Frozen):
    """One post-mortem as gathered: the issue, its parsed body (None when the body has
    errors) and every ticket carrying its post-mortem label."""

    issue: IssueState
    postmortem: PostMortem | None
    tickets: tuple[TicketState, ...] = ()


# --- periods ---------------------------------------------------------------------------------


def utc_date(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def default_period(now: datetime) -> Period:
    """The last full calendar month before ``now`` (UTC): what a monthly digest covers."""
    first_of_this_month = utc_date(now).replace(day=1)
    last_of_previous = first_of_this_month - timedelta(days=1)
    return Period(since=last_of_previous.replace(day=1), until=last_of_previous)


def _months_back(day: date, months: int) -> date:
    """The first day of the month ``months`` before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def trend_start(period: Period) -> date:
    return _months_back(period.until, TREND_MONTHS - 1)


def data_since(period: Period, config: Config) -> date:
    """The oldest incident start the report needs: the repeat lookback before the period,
    the start of the trend chart, or the first incident whose completion window ends in the
    period, whichever is earliest. An issue is opened after its incident starts, so
    searching for issues created on or after this day finds them all."""
    lookback = period.since - timedelta(days=config.repeats.lookback_days)
    window = period.since - timedelta(days=config.report.completion_window_days)
    return min(lookback, window, trend_start(period))


# --- small arithmetic ------------------------------------------------------------------------


def percent(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else round(100 * numerator / denominator, 1)


def meets(numerator: int, denominator: int, target_percent: int) -> bool | None:
    """Exact: ``numerator / denominator >= target``, without floating point."""
    return None if denominator == 0 else numerator * 100 >= target_percent * denominator


def business_days_between(start: date, end: date) -> int:
    """Weekdays after ``start`` up to and including ``end``; 0 when ``end`` is not later
    (an issue opened on the incident's day, or before the start it names)."""
    days = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days += 1
    return days


def median(values: Sequence[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def nearest_rank(values: Sequence[int], fraction: float) -> int | None:
    """The value at position ⌈fraction·n⌉ (1-based) of the sorted values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


# --- one post-mortem's facts -----------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    ref: ItemRef
    progress: Progress
    done_on: date | None  # the day it was done or dropped
    resolution: str | None

    def done_by(self, day: date) -> bool:
        """Done (not dropped) on or before ``day``."""
        return self.progress is Progress.DONE and self.done_on is not None and self.done_on <= day


@dataclass(frozen=True)
class Case:
    issue: IssueState
    pm: PostMortem
    items: tuple[Item, ...]
    repeat: bool
    # The services (label values) it shares with the earlier post-mortems that make it a
    # repeat: a repeat is one of these services', not of every service it names.
    repeat_services: tuple[str, ...] = ()

    @property
    def incident_date(self) -> date:
        return utc_date(self.pm.incident_start)

    @property
    def services(self) -> tuple[str, ...]:
        return service_values(self.pm)

    def window_end(self, config: Config) -> date:
        return self.incident_date + timedelta(days=config.report.completion_window_days)


def dismissed(issue: IssueState) -> bool:
    """Closed as not planned or as a duplicate (GitHub's ``state_reason``)."""
    return issue.state == "closed" and issue.state_reason in DISMISSED_REASONS


def service_values(pm: PostMortem) -> tuple[str, ...]:
    """The services as their label values (``Payments DB`` -> ``payments-db``)."""
    return tuple(dict.fromkeys(slug(name) or name for name in pm.services))


def _done_on(ticket: TicketState | None) -> date | None:
    if ticket is None or ticket.status_category != "done":
        return None
    return utc_date(ticket.resolved or ticket.updated)


def items_of(
    issue: IssueState, pm: PostMortem, tickets: Iterable[TicketState], today: date, config: Config
) -> tuple[Item, ...]:
    """Each action item with its ticket (matched as the engine matches them)."""
    board = match_items(issue.repo, issue.number, pm.action_items, tickets)
    items = []
    for entry in board.entries:
        ticket = entry.ticket
        due = (ticket.due if ticket else None) or entry.item.due
        ref = ItemRef(
            postmortem=issue.ref,
            postmortem_url=issue.html_url,
            postmortem_title=pm.title or issue.title,
            action=entry.item.action,
            owner=entry.item.owner,
            priority=entry.item.priority.value,
            due=due,
            key=ticket.key if ticket else None,
            ticket_url=ticket.url if ticket else None,
        )
        progress = progress_of(ticket, due, today, config.jira.dropped_resolutions)
        resolution = ticket.resolution if ticket else None
        items.append(Item(ref, progress, _done_on(ticket), resolution))
    return tuple(items)


def shared_services(
    services: Iterable[str], matches: Iterable[Match], config: Config
) -> tuple[str, ...]:
    """Those of ``services`` whose label an earlier matching post-mortem carries too."""
    shared = {label.casefold() for match in matches for label in match.shared_labels}
    prefix = config.labels.service_prefix
    return tuple(s for s in services if (prefixed(prefix, s) or "").casefold() in shared)


def cases_of(inputs: Sequence[ReportInput], today: date, config: Config) -> list[Case]:
    """Every readable post-mortem with its items and whether (and in which services) it is
    a repeat."""
    readable = [(i.issue, i.postmortem, i.tickets) for i in inputs if i.postmortem is not None]
    candidates = [EarlierPostMortem(issue=issue, postmortem=pm) for issue, pm, _ in readable]
    cases = []
    for issue, pm, tickets in readable:
        matches = find_matches(issue, pm, candidates, config)
        cases.append(
            Case(
                issue=issue,
                pm=pm,
                items=items_of(issue, pm, tickets, today, config),
                repeat=bool(matches),
                repeat_services=shared_services(service_values(pm), matches, config),
            )
        )
    return cases


# --- the metrics -----------------------------------------------------------------------------


class MetricHeader(TypedDict):
    """The fields every metric (``pmsync.core.report.model.Metric``) starts with."""

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


def _rate(
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
    ending = tuple(case for case in _by_incident(cases) if period.contains(case.window_end(config)))
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
    return _rate(
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
    return _rate(
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
    return _rate(
        scope,
        "repeat_incidents",
        "Repeat incidents",
        f"post-mortems with an earlier related post-mortem (rule: {config.repeats.rule}) whose "
        f"incident started at most {config.repeats.lookback_days} days before theirs",
        postmortems=len(scope.cases),
        numerator=sum(case.repeat for case in scope.cases),
        denominator=len(scope.cases),
    )


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
        for case in _by_incident(scope.cases)
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
        for case in _by_incident(scope.cases)
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


def _by_incident(cases: Iterable[Case]) -> list[Case]:
    return sorted(
        cases, key=lambda c: (c.pm.incident_start, c.issue.repo.casefold(), c.issue.number)
    )


# --- breakdowns ------------------------------------------------------------------------------


def breakdown(scope: Scope, group: str) -> Breakdown:
    return Breakdown(
        group=group,
        postmortems=len(scope.cases),
        completion=completion(scope),
        on_time=on_time(scope),
        repeats=repeat_rate(scope),
        time_to_postmortem=time_to_postmortem(scope),
        overdue_items=sum(
            item.progress is Progress.OVERDUE for case in scope.cases for item in case.items
        ),
    )


def _as_is(case: Case, group: str) -> Case:
    return case


def _in_service(case: Case, service: str) -> Case:
    """The post-mortem as one of ``service``'s: a repeat there only when it shares the
    service with an earlier one."""
    return replace(case, repeat=service in case.repeat_services)


def breakdowns(
    scope: Scope,
    groups_of: Callable[[Case], Iterable[str]],
    order: Callable[[str, int], tuple[int, str]],
    member: Callable[[Case, str], Case] = _as_is,
) -> tuple[Breakdown, ...]:
    """One breakdown per group; a post-mortem belongs to every group ``groups_of`` names,
    as ``member`` sees it there."""
    members: dict[str, list[Case]] = {}
    for case in scope.cases:
        for group in groups_of(case):
            members.setdefault(group, []).append(member(case, group))
    ordered = sorted(members, key=lambda group: order(group, len(members[group])))
    return tuple(
        breakdown(Scope(tuple(members[group]), scope.period, scope.today, scope.config), group)
        for group in ordered
    )


def by_service(scope: Scope) -> tuple[Breakdown, ...]:
    return breakdowns(
        scope, lambda case: case.services, lambda name, size: (-size, name), _in_service
    )


def by_severity(scope: Scope) -> tuple[Breakdown, ...]:
    return breakdowns(scope, lambda case: (f"SEV{case.pm.severity}",), lambda name, _: (0, name))


# --- chart data ------------------------------------------------------------------------------


def completion_by_month(
    cases: Sequence[Case], period: Period, today: date, config: Config
) -> tuple[MonthCompletion, ...]:
    """Completion within the window per incident month, over the trend months; months with
    no post-mortem whose window has closed are left out."""
    first = trend_start(period)
    months: dict[str, list[Case]] = {}
    for case in cases:
        if first <= case.incident_date <= period.until and case.window_end(config) < today:
            months.setdefault(case.incident_date.strftime("%Y-%m"), []).append(case)
    points = []
    for month in sorted(months):
        rate = completion(Scope(tuple(months[month]), period, today, config))
        points.append(
            MonthCompletion(
                month=month,
                postmortems=rate.postmortems,
                items=rate.denominator,
                done_in_window=rate.numerator,
                percent=rate.percent,
            )
        )
    return tuple(points)


def open_by_age(scope: Scope) -> tuple[AgeBucket, ...]:
    ages = [
        (scope.today - case.incident_date).days
        for case in scope.cases
        for item in case.items
        if item.progress in (Progress.OPEN, Progress.OVERDUE)
    ]
    return tuple(
        AgeBucket(
            label=label,
            min_days=low,
            max_days=high,
            items=sum(low <= age and (high is None or age <= high) for age in ages),
        )
        for label, low, high in AGE_BUCKETS
    )


def repeats_by_service(scope: Scope) -> tuple[ServiceRepeats, ...]:
    counts: dict[str, int] = {}
    for case in scope.cases:
        for service in case.repeat_services:
            counts[service] = counts.get(service, 0) + 1
    ordered = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return tuple(ServiceRepeats(service=name, repeats=n) for name, n in ordered)


# --- the whole report ------------------------------------------------------------------------


def build_report(
    inputs: Sequence[ReportInput],
    period: Period,
    now: datetime,
    config: Config,
    repositories: Sequence[str],
) -> Report:
    """Every metric of the report for the post-mortems whose incident started in ``period``;
    ``inputs`` may hold older ones too (they decide repeats and fill the trend chart).
    Dismissed post-mortems count nowhere but may make a later one a repeat."""
    today = utc_date(now)
    cases = [case for case in cases_of(inputs, today, config) if not dismissed(case.issue)]
    population = tuple(c for c in _by_incident(cases) if period.contains(c.incident_date))
    scope = Scope(population, period, today, config)
    unreadable = tuple(
        UnreadablePostMortem(postmortem=i.issue.ref, url=i.issue.html_url, title=i.issue.title)
        for i in inputs
        if i.postmortem is None
        and not dismissed(i.issue)
        and period.contains(utc_date(i.issue.created_at))
    )
    return Report(
        period=period,
        generated_at=now,
        repositories=tuple(repositories),
        postmortems=len(population),
        completion_window_days=config.report.completion_window_days,
        completion=completion(scope),
        completion_window_ended=completion_window_ended(cases, period, today, config),
        on_time=on_time(scope),
        repeats=repeat_rate(scope),
        time_to_postmortem=time_to_postmortem(scope),
        action_items=action_item_counts(scope),
        overdue=overdue(scope),
        dropped=dropped(scope),
        lessons=lessons(scope),
        by_service=by_service(scope),
        by_severity=by_severity(scope),
        charts=ChartData(
            completion_by_month=completion_by_month(cases, period, today, config),
            open_by_age=open_by_age(scope),
            repeats_by_service=repeats_by_service(scope),
        ),
        unreadable=unreadable,
    )
