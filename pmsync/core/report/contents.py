"""What `pmsync report` computes, as values: the metrics, the lists and the chart data.

These models are the report's contract. Their field names are the keys of the JSON output
(``docs/report.md`` describes each), and the markdown and CSV outputs are made from them.
Every metric says what it counts (``counts``), the period it covers and how many
post-mortems it rests on; a metric resting on nothing has ``no_data`` set and no value,
never a division by zero.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime

from pydantic import computed_field

from pmsync.core.domain.model import Frozen
from pmsync.core.planning.preventable import PreventingItem


class Period(Frozen):
    """Incident starts from ``since`` to ``until``, both days included (UTC dates)."""

    since: date
    until: date

    def contains(self, day: date) -> bool:
        return self.since <= day <= self.until

    @property
    def month(self) -> str:
        """``YYYY-MM`` of the period's last day: the digest issue the period belongs to."""
        return self.until.strftime("%Y-%m")

    @property
    def is_calendar_month(self) -> bool:
        """From the first to the last day of one month."""
        last_day = calendar.monthrange(self.since.year, self.since.month)[1]
        return self.since.day == 1 and self.until == self.since.replace(day=last_day)


class Metric(Frozen):
    key: str  # stable identifier, e.g. "completion_within_window"
    title: str
    counts: str  # what the metric counts, in one sentence
    since: date
    until: date
    postmortems: int  # how many post-mortems the value rests on
    no_data: bool  # nothing to count: every value is None (or empty), never 0 by default


class Rate(Metric):
    """``numerator`` of ``denominator`` things, in percent, against a target."""

    numerator: int
    denominator: int
    percent: float | None  # one decimal; None: no data
    target_percent: int | None = None
    meets_target: bool | None = None  # None: no data, or no target
    pending: int = 0  # things not decided yet (e.g. items whose window is still open)
    pending_note: str = ""  # what "pending" means for this metric


class PreventableRepeat(Frozen):
    """A repeat of the period and the earlier action items that were planned and not done
    when its incident started (``pmsync.core.planning.preventable``)."""

    postmortem: str  # the repeat, owner/name#number
    url: str
    title: str
    incident_date: date
    items: tuple[PreventingItem, ...]


class PreventableRate(Rate):
    """Of the period's repeats, the share an earlier planned item would have covered."""

    repeats: tuple[PreventableRepeat, ...]  # the preventable ones, by incident start


class TimeToPostmortem(Metric):
    """Business days from incident start to the post-mortem issue being opened."""

    median_business_days: float | None
    p90_business_days: int | None
    target_business_days: int
    within_target: int  # post-mortems opened within the target
    within_target_percent: float | None
    median_meets_target: bool | None
    p90_meets_target: bool | None


class ActionItemCounts(Metric):
    """How many action items post-mortems have, against the healthy range."""

    items: int
    mean: float | None  # two decimals
    median: float | None
    healthy_min: int
    healthy_max: int
    fewer: int  # post-mortems with fewer than healthy_min items
    healthy: int
    more: int  # post-mortems with more than healthy_max items
    more_percent: float | None


class ItemRef(Frozen):
    """One action item, with where it comes from."""

    postmortem: str  # owner/name#number
    postmortem_url: str
    postmortem_title: str
    action: str
    owner: str  # as the action table names it (a GitHub handle or org/team)
    priority: str  # P0–P3
    due: date
    key: str | None  # the Jira ticket, if the item has one
    ticket_url: str | None


class ShippedEvidenceRate(Rate):
    """Of the done action items (types not exempt), those with a merged pull request or a
    commit naming their Jira key, as the status comments recorded it (issue #20)."""

    enabled: bool  # followup.evidence.enabled: measured at all
    no_change: tuple[ItemRef, ...]  # done items whose search found no change


class OverdueItem(ItemRef):
    days_overdue: int


class OwnerOverdue(Frozen):
    owner: str
    oldest_days_overdue: int
    items: tuple[OverdueItem, ...]  # oldest first


class Overdue(Metric):
    items: int
    owners: tuple[OwnerOverdue, ...]  # the owner with the oldest overdue item first


class DroppedItem(ItemRef):
    resolution: str
    dropped_on: date | None


class Dropped(Metric):
    items: tuple[DroppedItem, ...]  # in post-mortem order, then row order


class Lesson(Frozen):
    postmortem: str
    postmortem_url: str
    postmortem_title: str
    incident_date: date
    text: str  # the lessons-learned section on one line, cut to a readable length


class Lessons(Metric):
    lessons: tuple[Lesson, ...]  # by incident start


class Breakdown(Frozen):
    """The headline metrics for one service or one severity."""

    group: str  # the service (as its label value, e.g. "payments-db") or "SEV1".."SEV4"
    postmortems: int
    completion: Rate
    on_time: Rate
    repeats: Rate
    time_to_postmortem: TimeToPostmortem
    overdue_items: int


class MonthCompletion(Frozen):
    month: str  # YYYY-MM of the incident start
    postmortems: int  # whose completion window has closed
    items: int
    done_in_window: int
    percent: float | None


class AgeBucket(Frozen):
    label: str  # e.g. "15–28 days"
    min_days: int
    max_days: int | None  # None: no upper bound
    items: int


class ServiceRepeats(Frozen):
    service: str
    repeats: int


class ChartData(Frozen):
    """The numbers behind the charts (the JSON's ``charts``); drawn by
    :func:`pmsync.core.report.output.charts`."""

    completion_by_month: tuple[MonthCompletion, ...]  # oldest month first
    open_by_age: tuple[AgeBucket, ...]
    repeats_by_service: tuple[ServiceRepeats, ...]  # most repeats first


class PostMortemRow(Frozen):
    """One post-mortem of the period, as the report's first table lists it."""

    postmortem: str  # owner/name#number
    url: str
    title: str
    severity: str  # "SEV1".."SEV4"
    incident_date: date
    services: tuple[str, ...]
    items: int
    done: int
    dropped: int
    overdue: int
    repeat: bool


class WaitingPostMortem(Frozen):
    """A readable post-mortem of the period whose author is not trusted and that no one
    with write access has approved yet: pmsync has not taken it on."""

    postmortem: str
    url: str
    title: str
    opened: date


class UnreadablePostMortem(Frozen):
    """A post-mortem issue whose body has errors: left out of every metric."""

    postmortem: str
    url: str
    title: str


class Report(Frozen):
    period: Period
    generated_at: datetime
    repositories: tuple[str, ...]
    postmortems: tuple[PostMortemRow, ...]  # readable ones whose incident is in the period
    completion_window_days: int
    completion: Rate  # the post-mortems whose incident started in the period
    completion_window_ended: Rate  # those whose completion window's last day is in it
    on_time: Rate
    repeats: Rate
    preventable_repeat_rate: PreventableRate
    shipped_evidence: ShippedEvidenceRate
    time_to_postmortem: TimeToPostmortem
    action_items: ActionItemCounts
    overdue: Overdue
    dropped: Dropped
    lessons: Lessons
    by_service: tuple[Breakdown, ...]
    by_severity: tuple[Breakdown, ...]
    charts: ChartData
    unreadable: tuple[UnreadablePostMortem, ...]
    waiting_for_approval: tuple[WaitingPostMortem, ...] = ()

    @computed_field  # type: ignore[prop-decorator]  # in the JSON, beside the list
    @property
    def postmortem_count(self) -> int:
        return len(self.postmortems)
