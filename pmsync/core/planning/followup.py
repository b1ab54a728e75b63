"""Follow-up reviews, overdue items, nudges and closing a finished post-mortem (pure).

The follow-up review is the forcing function of a post-mortem: at each milestone
(``followup.milestones_days`` after the incident start, moved off weekends) pmsync posts
one review checklist. Each review carries its own hidden marker and is only ever created,
never edited, so it appears exactly once however often pmsync runs; a review that fell
due while the post-mortem was not open (opened late, or closed at the time) is not posted
afterwards: only the latest due review is, and it names the ones skipped.

Everything here works on the status comment's rows (``pmsync.core.planning.status_view``),
so "overdue" and "done" mean exactly what the status comment shows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from pmsync.config.schema import Config, FollowupConfig
from pmsync.core.domain import markers
from pmsync.core.domain.changes import Change, SetIssueState
from pmsync.core.domain.model import Frozen
from pmsync.core.domain.state import ObservedPostMortem
from pmsync.core.planning.comments import create_comment, upsert_comment
from pmsync.core.planning.progress import Progress, count
from pmsync.core.render import LateNote, StatusRow, StatusView, render

CLOSING = markers.marker("closing")

_SATURDAY = 5
_URGENT_PRIORITIES = frozenset({"P0", "P1"})
_UNFINISHED = frozenset({Progress.OPEN.value, Progress.OVERDUE.value})


class Milestone(Frozen):
    """One follow-up review: ``days`` after the incident, due on ``due``."""

    days: int
    due: date
    final: bool  # the last configured milestone: verify the fixes and close

    @property
    def marker(self) -> str:
        return markers.followup_marker(self.days)

    @property
    def name(self) -> str:
        """``2-week`` for whole weeks, else ``10-day``."""
        if self.days % 7 == 0:
            return f"{self.days // 7}-week"
        return f"{self.days}-day"


@dataclass(frozen=True)
class Followups:
    """What this module decided: changes to append, and issue labels wanted (True) or not."""

    changes: tuple[Change, ...] = ()
    labels: dict[str, bool] = field(default_factory=dict)


# --- milestones ---------------------------------------------------------------------------------


def review_date(start: date, days: int, skip_weekends: bool) -> date:
    """``days`` after ``start``; with ``skip_weekends`` a Saturday or Sunday becomes Monday."""
    due = start + timedelta(days=days)
    if skip_weekends and due.weekday() >= _SATURDAY:
        due += timedelta(days=7 - due.weekday())
    return due


def milestones(
    incident_start: datetime | None, created_at: datetime, config: FollowupConfig
) -> tuple[Milestone, ...]:
    """The configured reviews, counted from the incident start (the issue's creation when
    the post-mortem names no start), on UTC calendar days."""
    anchor = (incident_start or created_at).astimezone(UTC).date()
    last = len(config.milestones_days) - 1
    return tuple(
        Milestone(
            days=days,
            due=review_date(anchor, days, config.skip_weekends),
            final=index == last,
        )
        for index, days in enumerate(config.milestones_days)
    )


@dataclass(frozen=True)
class DueReview:
    milestone: Milestone
    skipped: tuple[Milestone, ...]  # earlier reviews that were never posted


def review_due(
    all_milestones: Sequence[Milestone], today: date, posted: Collection[int]
) -> DueReview | None:
    """The review to post today, if any: the latest one due, unless it or a later one was
    posted already.

    ``posted`` holds the days of every review whose comment exists. Reviews earlier than
    the latest due one are never posted late; the latest one names them as skipped. A later
    review can exist when the incident start was corrected to a later date after it was
    posted: the earlier review is then late too, and is not posted.
    """
    due = [milestone for milestone in all_milestones if milestone.due <= today]
    if not due:
        return None
    latest = due[-1]
    if any(days >= latest.days for days in posted):
        return None
    skipped = tuple(milestone for milestone in due[:-1] if milestone.days not in posted)
    return DueReview(milestone=latest, skipped=skipped)


def filed_on(observed: ObservedPostMortem) -> date:
    """The UTC day the post-mortem was filed (its issue opened)."""
    return observed.issue.created_at.astimezone(UTC).date()


def late_note(observed: ObservedPostMortem, view: StatusView) -> LateNote | None:
    """The action items already past their due date when the post-mortem was filed, for the
    status comment: they get no reminder for that due date."""
    filed = filed_on(observed)
    late = tuple(
        row.key or f"row {row.row}" for row in view.rows if row.due is not None and row.due < filed
    )
    return LateNote(filed=filed, items=late) if late else None


# --- what the reviews show ------------------------------------------------------------------------


class Completion(Frozen):
    done: int
    total: int
    percent: int  # rounded down, so 89.9 % never shows as meeting a 90 % target
    target: int

    @property
    def met(self) -> bool:
        return self.percent >= self.target


def completion(rows: Sequence[StatusRow], target: int) -> Completion:
    counts = count(Progress(row.progress) for row in rows)
    percent = counts.done * 100 // counts.total if counts.total else 0
    return Completion(done=counts.done, total=counts.total, percent=percent, target=target)


def unfinished(rows: Iterable[StatusRow]) -> tuple[StatusRow, ...]:
    return tuple(row for row in rows if row.progress in _UNFINISHED)


def owners_to_mention(rows: Iterable[StatusRow]) -> tuple[str, ...]:
    """The GitHub handles owning unfinished items, each once, in order of first row."""
    handles: dict[str, None] = {}
    for row in unfinished(rows):
        if row.owner_is_handle:
            handles.setdefault(row.owner, None)
    return tuple(handles)


def render_review(due: DueReview, view: StatusView, config: Config) -> str:
    rows = view.rows
    open_rows = unfinished(rows)
    context = {
        "marker": due.milestone.marker,
        "milestone": due.milestone,
        "skipped": due.skipped,
        "summary": view.summary,
        "rows": rows,
        "people": sorted(config.people),
        "owners": owners_to_mention(rows),
        "urgent": tuple(row for row in open_rows if row.priority in _URGENT_PRIORITIES),
        "open_rows": open_rows,
        "dropped": tuple(row for row in rows if row.progress == Progress.DROPPED.value),
        "done": tuple(row for row in rows if row.progress == Progress.DONE.value),
        "completion": completion(rows, config.followup.completion_target_percent),
        "close_when_complete": config.followup.close_when_complete,
    }
    template = "followup_final.md.j2" if due.milestone.final else "followup_progress.md.j2"
    return render(template, context)


# --- the changes --------------------------------------------------------------------------------


def once_only_posted(observed: ObservedPostMortem, recorded: Iterable[str]) -> frozenset[str]:
    """The markers of every once-only comment posted so far: those recorded in the
    snapshot, and those whose comment exists now, as read. A comment this plan creates is
    recorded by a later round's status comment, once it exists: recording it beforehand
    would count as posted a comment a killed run never posted."""
    found = {markers.leading_marker(comment.body) for comment in observed.bot_comments}
    existing = {m for m in found if m is not None and markers.is_once_only(m)}
    return frozenset(recorded) | existing


def _exists(observed: ObservedPostMortem, marker: str, recorded: Collection[str] = ()) -> bool:
    """Whether the comment was ever posted: it exists, or the snapshot recorded it (a
    person deleted it, and it must not come back)."""
    return marker in recorded or markers.find_comment(observed.bot_comments, marker) is not None


def due_review(
    observed: ObservedPostMortem, incident_start: datetime | None, config: Config, today: date
) -> DueReview | None:
    """The follow-up review this run posts for the post-mortem, if any (none while it is
    closed)."""
    if observed.issue.state != "open":
        return None
    reviews = milestones(incident_start, observed.issue.created_at, config.followup)
    recorded = markers.last_snapshot(observed.bot_comments).posted
    return _due_of(observed, reviews, today, recorded)


def _due_of(
    observed: ObservedPostMortem,
    reviews: Sequence[Milestone],
    today: date,
    recorded: Collection[str],
) -> DueReview | None:
    posted = {m.days for m in reviews if _exists(observed, m.marker, recorded)}
    return review_due(reviews, today, posted)


def review_changes(
    observed: ObservedPostMortem,
    view: StatusView,
    reviews: Sequence[Milestone],
    config: Config,
    today: date,
    recorded: Collection[str] = (),
) -> tuple[Change, ...]:
    due = _due_of(observed, reviews, today, recorded)
    if due is None:
        return ()
    body = render_review(due, view, config)
    return (create_comment(observed.issue, due.milestone.marker, body),)


def nudge_changes(
    observed: ObservedPostMortem, view: StatusView, config: Config, recorded: Collection[str] = ()
) -> tuple[Change, ...]:
    """One nudge per overdue item and due date: a new due date that passes gets a new one.
    Keyed by the item, so a duplicate ticket never brings a second one. A due date that had
    passed when the post-mortem was filed gets none: the status comment says so, once
    (``late_note``), rather than a burst of reminders on the first sync."""
    filed = filed_on(observed)
    changes: list[Change] = []
    for row in view.rows:
        if row.progress != Progress.OVERDUE.value or row.key is None or row.due is None:
            continue
        if row.due < filed:
            continue
        marker = markers.nudge_marker(row.item_id or row.key, row.due)
        existing = markers.find_comment(observed.bot_comments, marker)
        if existing is not None and f"[{row.key}](" in existing.body:
            continue
        earlier = markers.nudge_marker(row.key, row.due)  # keyed by ticket, as once written
        if existing is None and (marker in recorded or _exists(observed, earlier, recorded)):
            continue
        context = {"marker": marker, "row": row, "people": sorted(config.people)}
        body = render("nudge.md.j2", context)
        # A nudge naming another ticket (a duplicate closed since) is corrected in place:
        # an edit pings nobody again.
        changes += upsert_comment(observed.issue, marker, body, existing)
    return tuple(changes)


def closing_changes(
    observed: ObservedPostMortem,
    view: StatusView,
    reviews: Sequence[Milestone],
    config: Config,
    recorded: Collection[str] = (),
) -> tuple[Change, ...]:
    """Close a finished post-mortem once its last review has been posted (in an earlier
    round, so the review always comes first): the closing comment, then (a round later) the
    close.

    Once the closing comment exists, the (open) issue is closed unless it was closed after
    that comment was posted: then a person reopened it, and it stays open. So a run that
    died between the comment and the close still closes it next time. A closing comment
    the snapshot recorded but that is gone was deleted by a person: nothing more."""
    if not config.followup.close_when_complete:
        return ()
    if not count(Progress(row.progress) for row in view.rows).complete:
        return ()
    final = reviews[-1] if reviews else None
    if final is not None and not _exists(observed, final.marker, recorded):
        return ()
    issue = observed.issue
    close = SetIssueState(repo=issue.repo, number=issue.number, state="closed")
    posted = markers.find_comment(observed.bot_comments, CLOSING)
    if posted is not None:
        return () if issue.closed_since(posted.created_at) else (close,)
    if CLOSING in recorded:
        return ()
    # The close waits for the next round, which reads the comment back and records it in
    # the status comment before closing: pmsync reads no closed post-mortem to record it.
    context = {"marker": CLOSING, "milestone": final, "total": len(view.rows)}
    body = render("closing.md.j2", context)
    return (create_comment(observed.issue, CLOSING, body),)


def followups(
    observed: ObservedPostMortem,
    view: StatusView,
    *,
    incident_start: datetime | None,
    config: Config,
    today: date,
) -> Followups:
    """Reviews, nudges, closing and the overdue label for one post-mortem whose tickets
    exist. A closed post-mortem gets no comments; once reopened it picks up again."""
    overdue = any(row.progress == Progress.OVERDUE.value for row in view.rows)
    labels = {config.labels.overdue: overdue}
    if observed.issue.state != "open":
        return Followups(labels=labels)
    reviews = milestones(incident_start, observed.issue.created_at, config.followup)
    recorded = markers.last_snapshot(observed.bot_comments).posted
    changes = review_changes(observed, view, reviews, config, today, recorded)
    if config.followup.nudge_overdue:
        changes += nudge_changes(observed, view, config, recorded)
    changes += closing_changes(observed, view, reviews, config, recorded)
    return Followups(changes=changes, labels=labels)
