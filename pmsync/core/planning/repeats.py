"""Repeat incidents: is this post-mortem about a failure an earlier one already covered, and
what did the earlier post-mortems leave undone? (pure)

An earlier post-mortem (open or closed, in any configured repository) makes this one a
repeat when it matches under ``repeats.rule`` — it shares a service label (``service``, the
default), a service and the root-cause category (``service+root-cause``) or just the
category (``root-cause``) — and its incident started at most ``repeats.lookback_days``
calendar days (UTC) before this one's: day 180 is in, day 181 out.

A repeat gets the ``repeat-incident`` label and one repeat comment, edited in place, that
lists each earlier post-mortem with the state of its action items; each earlier post-mortem
gets one back-link comment; and, with ``jira.link_repeats``, each of this post-mortem's
tickets gets a "Relates" link to every earlier ticket still not done. An edit that makes it
no longer a repeat removes the label and turns the comment into a short note; back-links
and Jira links stay, as history.

The repeat comment remembers (in a data marker) which earlier post-mortems already carry
the back-link, so later runs need not read their comments again. It records a back-link
only once it exists: the round that creates one writes the comment without it, and the
next round (or, when GitHub refused the back-link, the next run) adds it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

from pmsync.config.schema import Config, LabelsConfig
from pmsync.core.domain import markers
from pmsync.core.domain.changes import Change, LinkTickets
from pmsync.core.domain.model import Frozen, ParseResult, PostMortem
from pmsync.core.domain.state import (
    CommentState,
    EarlierPostMortem,
    IssueState,
    ObservedPostMortem,
    TicketState,
)
from pmsync.core.planning.comments import create_comment, upsert_comment
from pmsync.core.planning.matching import match_items
from pmsync.core.planning.progress import Progress, count, progress_of, summary_line
from pmsync.core.postmortem.labels import form_labels, root_cause_label, service_labels
from pmsync.core.render import StatusRow, render

LINK_TYPE = "Relates"
BACKLINKS = "repeat-backlinks"  # data marker: refs of earlier post-mortems with the back-link
MAX_EARLIER_SHOWN = 10  # the comment lists the most recent ones; the count covers all
MAX_ITEMS_SHOWN = 10  # unfinished items listed per earlier post-mortem
NO_TICKET = "no ticket"
_FINISHED = {Progress.DONE}


# --- matching ------------------------------------------------------------------------------------


def _order(issue: IssueState, pm: PostMortem) -> tuple[datetime, datetime, str, int]:
    """Which of two post-mortems came first: incident start, then the issue's creation."""
    return (pm.incident_start, issue.created_at, issue.repo.casefold(), issue.number)


def days_between(earlier: datetime, later: datetime) -> int:
    """Calendar days (UTC) from one incident start to the other."""
    return (later.astimezone(UTC).date() - earlier.astimezone(UTC).date()).days


def _shared(left: Iterable[str], right: Iterable[str]) -> tuple[str, ...]:
    folded = {name.casefold() for name in right}
    return tuple(name for name in left if name.casefold() in folded)


def rule_matches(this: PostMortem, earlier: PostMortem, config: Config) -> bool:
    labels = config.labels
    services = bool(_shared(service_labels(this, labels), service_labels(earlier, labels)))
    category = root_cause_label(this, labels)
    same_category = category is not None and category == root_cause_label(earlier, labels)
    rule = config.repeats.rule
    if rule == "service":
        return services
    if rule == "root-cause":
        return same_category
    return services and same_category


class Match(Frozen):
    """An earlier post-mortem that makes this one a repeat."""

    earlier: EarlierPostMortem
    days_before: int
    shared_labels: tuple[str, ...]  # the form labels the two have in common


def find_matches(
    issue: IssueState,
    pm: PostMortem,
    candidates: Iterable[EarlierPostMortem],
    config: Config,
) -> tuple[Match, ...]:
    """The candidates that make this post-mortem a repeat, oldest first."""
    found = []
    mine = _order(issue, pm)
    for candidate in candidates:
        other = candidate.postmortem
        if candidate.issue.ref.casefold() == issue.ref.casefold():
            continue
        if _order(candidate.issue, other) >= mine:
            continue  # not earlier: this one may be *its* repeat, not the other way round
        days = days_between(other.incident_start, pm.incident_start)
        if days > config.repeats.lookback_days or not rule_matches(pm, other, config):
            continue
        shared = _shared(form_labels(pm, config.labels), form_labels(other, config.labels))
        found.append(Match(earlier=candidate, days_before=days, shared_labels=shared))
    return tuple(sorted(found, key=lambda m: _order(m.earlier.issue, m.earlier.postmortem)))


# --- the earlier post-mortems' action items ------------------------------------------------------


def item_rows(earlier: EarlierPostMortem, today: date, config: Config) -> tuple[StatusRow, ...]:
    """Each action item of an earlier post-mortem with its ticket's state, in row order."""
    issue = earlier.issue
    board = match_items(issue.repo, issue.number, earlier.postmortem.action_items, earlier.tickets)
    rows = []
    for entry in board.entries:
        ticket = entry.ticket
        due = (ticket.due if ticket else None) or entry.item.due
        progress = progress_of(ticket, due, today, config.jira.dropped_resolutions)
        rows.append(
            StatusRow(
                row=entry.item.row,
                key=ticket.key if ticket else None,
                url=ticket.url if ticket else None,
                action=entry.item.action,
                owner=entry.item.owner,
                priority=entry.item.priority.value,
                due=due,
                status=_status_text(ticket, progress),
                progress=progress.value,
                days_overdue=(today - due).days if progress is Progress.OVERDUE else 0,
            )
        )
    return tuple(rows)


def _status_text(ticket: TicketState | None, progress: Progress) -> str:
    """Jira's status; for a dropped item its resolution, which says why (Won't Do)."""
    if ticket is None:
        return NO_TICKET
    if progress is Progress.DROPPED and ticket.resolution:
        return ticket.resolution
    return ticket.status


def open_tickets(earlier: EarlierPostMortem) -> tuple[TicketState, ...]:
    """The earlier post-mortem's tickets Jira does not count as done (its status category)."""
    issue = earlier.issue
    board = match_items(issue.repo, issue.number, earlier.postmortem.action_items, earlier.tickets)
    return tuple(
        entry.ticket
        for entry in board.tracked
        if entry.ticket is not None and entry.ticket.status_category != "done"
    )


# --- what the comment shows ---------------------------------------------------------------------


class EarlierView(Frozen):
    ref: str
    url: str
    title: str
    date: date  # the incident start (UTC)
    days_before: int
    shared_labels: tuple[str, ...]
    summary: str  # "1 of 3 done · 1 overdue · 1 dropped"
    total: int
    done: int
    unfinished: tuple[StatusRow, ...]  # open, overdue or dropped; at most MAX_ITEMS_SHOWN
    more_unfinished: int  # how many were left out of the list


class RepeatView(Frozen):
    state: Literal["repeat", "cleared"]
    ordinal: str  # "2nd": this post-mortem's place among the related incidents
    services: tuple[str, ...]  # the shared services, as label values
    category: str | None  # the shared root-cause category, as a label value
    rule: str
    window: str  # "6 months"
    earlier: tuple[EarlierView, ...]  # most recent last; at most MAX_EARLIER_SHOWN
    more_earlier: int
    earlier_items: int  # action items of every earlier post-mortem
    earlier_done: int
    repeat_label: str
    backlinks_marker: str

    @property
    def none_finished(self) -> bool:
        return self.earlier_items > 0 and self.earlier_done == 0


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, …, 21st."""
    if 11 <= number % 100 <= 13:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def window_text(days: int) -> str:
    """The lookback as a reader says it: ``6 months``, ``1 year``, ``2 weeks``, ``45 days``."""
    amount, unit = days, "day"
    for size, name in ((365, "year"), (30, "month"), (7, "week")):
        if days % size == 0:
            amount, unit = days // size, name
            break
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


def _value(label: str, prefix: str) -> str:
    return label[len(prefix) :]


def earlier_view(match: Match, today: date, config: Config) -> EarlierView:
    issue = match.earlier.issue
    rows = item_rows(match.earlier, today, config)
    counts = count(Progress(row.progress) for row in rows)
    unfinished = tuple(row for row in rows if Progress(row.progress) not in _FINISHED)
    return EarlierView(
        ref=issue.ref,
        url=issue.html_url,
        title=match.earlier.postmortem.title or issue.title,
        date=match.earlier.postmortem.incident_start.astimezone(UTC).date(),
        days_before=match.days_before,
        shared_labels=match.shared_labels,
        summary=summary_line(counts),
        total=counts.total,
        done=counts.done,
        unfinished=unfinished[:MAX_ITEMS_SHOWN],
        more_unfinished=max(0, len(unfinished) - MAX_ITEMS_SHOWN),
    )


def repeat_view(
    pm: PostMortem,
    matches: Sequence[Match],
    backlinked: Iterable[str],
    today: date,
    config: Config,
) -> RepeatView:
    labels = config.labels
    views = [earlier_view(match, today, config) for match in matches]
    shared = {name.casefold() for match in matches for name in match.shared_labels}
    services = tuple(
        _value(name, labels.service_prefix)
        for name in service_labels(pm, labels)
        if name.casefold() in shared or not matches
    )
    category = root_cause_label(pm, labels)
    show_category = config.repeats.rule != "service" and category is not None
    state: Literal["repeat", "cleared"] = "repeat" if matches else "cleared"
    return RepeatView(
        state=state,
        ordinal=ordinal(len(matches) + 1),
        services=services if config.repeats.rule != "root-cause" else (),
        category=_value(category, labels.root_cause_prefix) if show_category and category else None,
        rule=config.repeats.rule,
        window=window_text(config.repeats.lookback_days),
        earlier=tuple(views[-MAX_EARLIER_SHOWN:]),
        more_earlier=max(0, len(views) - MAX_EARLIER_SHOWN),
        earlier_items=sum(view.total for view in views),
        earlier_done=sum(view.done for view in views),
        repeat_label=labels.repeat,
        backlinks_marker=encode_backlinks(backlinked),
    )


def render_repeat(view: RepeatView) -> str:
    context = view.model_dump() | {"none_finished": view.none_finished}
    return render("repeat.md.j2", context)


def render_backlink(issue: IssueState, pm: PostMortem) -> str:
    context = {
        "marker": markers.backlink_marker(issue.ref),
        "ref": issue.ref,
        "url": issue.html_url,
        "title": pm.title or issue.title,
        "date": pm.incident_start.astimezone(UTC).date(),
    }
    return render("backlink.md.j2", context)


# --- the back-link record ------------------------------------------------------------------------


def encode_backlinks(refs: Iterable[str]) -> str:
    payload = json.dumps(sorted(set(refs)), separators=(",", ":"))
    return markers.data_marker(BACKLINKS, base64.b64encode(payload.encode()).decode("ascii"))


def decode_backlinks(body: str) -> frozenset[str]:
    """The refs a repeat comment records as back-linked; empty when unreadable."""
    value = markers.find_data(body, BACKLINKS)
    if value is None:
        return frozenset()
    try:
        refs = json.loads(base64.b64decode(value, validate=True).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError, RecursionError):
        return frozenset()
    if not isinstance(refs, list):
        return frozenset()
    return frozenset(ref for ref in refs if isinstance(ref, str))


def recorded_backlinks(bot_comments: Iterable[CommentState]) -> frozenset[str]:
    """Earlier post-mortems the repeat comment records as carrying the back-link."""
    comment = markers.find_comment(bot_comments, markers.REPEAT)
    return decode_backlinks(comment.body) if comment else frozenset()


# --- the plan -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepeatChanges:
    """What this module decided: changes to append, and issue labels wanted (True) or not."""

    changes: tuple[Change, ...] = ()
    labels: dict[str, bool] = field(default_factory=dict)


def repeat_changes(
    observed: ObservedPostMortem,
    pm: PostMortem,
    *,
    config: Config,
    today: date,
) -> RepeatChanges:
    """The repeat label, comment, back-links and Jira links for one valid post-mortem.

    Nothing when the repeat search did not run (``observed.repeats`` is None): what the
    last check decided stands.
    """
    if observed.repeats is None:
        return RepeatChanges()
    issue = observed.issue
    matches = find_matches(issue, pm, observed.repeats.candidates, config)
    existing = markers.find_comment(observed.bot_comments, markers.REPEAT)
    if not matches:
        if existing is None:
            return RepeatChanges()
        return RepeatChanges(
            changes=_cleared_comment(observed, pm, existing, today, config),
            labels={config.labels.repeat: False},
        )
    recorded = recorded_backlinks(observed.bot_comments)
    backlinks = tuple(
        create_comment(
            match.earlier.issue,
            markers.backlink_marker(issue.ref),
            render_backlink(issue, pm),
        )
        for match in matches
        if not match.earlier.backlinked and match.earlier.issue.ref not in recorded
    )
    # Only back-links seen to exist: one planned here is recorded in a later round, after
    # its comment was created (pmsync.core.planning.fold), so a refused one is tried again.
    backlinked = recorded | {m.earlier.issue.ref for m in matches if m.earlier.backlinked}
    body = render_repeat(repeat_view(pm, matches, backlinked, today, config))
    comment = upsert_comment(issue, markers.REPEAT, body, existing)
    links = jira_links(observed, pm, matches) if config.jira.link_repeats else ()
    return RepeatChanges(
        changes=(*backlinks, *comment, *links), labels={config.labels.repeat: True}
    )


def _cleared_comment(
    observed: ObservedPostMortem,
    pm: PostMortem,
    existing: CommentState,
    today: date,
    config: Config,
) -> tuple[Change, ...]:
    view = repeat_view(pm, (), recorded_backlinks(observed.bot_comments), today, config)
    return upsert_comment(observed.issue, markers.REPEAT, render_repeat(view), existing)


def _linked(ticket: TicketState, other: TicketState) -> bool:
    """Any link between the two, whichever side reports it and whatever its type."""
    return any(link.key == other.key for link in ticket.links) or any(
        link.key == ticket.key for link in other.links
    )


def jira_links(
    observed: ObservedPostMortem, pm: PostMortem, matches: Iterable[Match]
) -> tuple[LinkTickets, ...]:
    """A "Relates" link from each of this post-mortem's tickets to each earlier ticket that
    is not done, unless the two are linked already."""
    issue = observed.issue
    board = match_items(issue.repo, issue.number, pm.action_items, observed.tickets)
    mine = [entry.ticket for entry in board.tracked if entry.ticket is not None]
    theirs = {t.key: t for match in matches for t in open_tickets(match.earlier)}
    return tuple(
        LinkTickets(inward=ticket.key, outward=other.key, link_type=LINK_TYPE)
        for ticket in mine
        for other in theirs.values()
        if not _linked(ticket, other)
    )


# --- for the shell -------------------------------------------------------------------------------


def search_labels(pm: PostMortem, labels: LabelsConfig, rule: str) -> tuple[tuple[str, ...], ...]:
    """The label groups a candidate must carry (one of each group) under ``rule``."""
    services = service_labels(pm, labels)
    category = root_cause_label(pm, labels)
    categories = (category,) if category else ()
    if rule == "service":
        return (services,)
    if rule == "root-cause":
        return (categories,)
    return (services, categories)


def should_check(
    action: str,
    issue: IssueState,
    parsed: ParseResult,
    config: Config,
    bot_comments: Iterable[CommentState] | None = None,
) -> bool:
    """Whether an event calls for the repeat search: a post-mortem opened or reopened, a
    ``/pmsync`` command, or an edit or label change after which its service and category
    labels no longer agree with its body (services or category edited; a post-mortem just
    approved, so never labelled yet). ``pmsync sync`` always checks.

    Only the labels pmsync manages are compared: those the body calls for and those the
    status comment's snapshot records as pmsync's (in ``bot_comments``), so a
    ``service:…`` label added by hand never sets off a search. Without ``bot_comments``
    every prefixed label on the issue counts, as one left over from an edit might."""
    if parsed.postmortem is None:
        return False
    if action not in ("edited", "labeled"):
        return action in ("opened", "reopened", "command")
    labels = config.labels
    pm = parsed.postmortem
    derived = {
        n.casefold() for n in [*service_labels(pm, labels), root_cause_label(pm, labels)] if n
    }
    prefixes = (labels.service_prefix.casefold(), labels.root_cause_prefix.casefold())
    on_issue = {name.casefold() for name in issue.labels if name.casefold().startswith(prefixes)}
    if bot_comments is not None:
        on_issue &= derived | {name.casefold() for name in managed_labels(bot_comments)}
    return on_issue != derived


def managed_labels(bot_comments: Iterable[CommentState]) -> tuple[str, ...]:
    """The issue labels the status comment's snapshot records as pmsync's own."""
    status = markers.find_comment(bot_comments, markers.STATUS)
    snapshot = markers.decode_snapshot(status.body) if status else None
    return snapshot.labels if snapshot else ()
