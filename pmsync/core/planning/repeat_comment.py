"""The repeat comment and the back-link comment: what they show of the earlier
post-mortems and their action items, and the record of which earlier post-mortems already
carry the back-link (a data marker in the repeat comment)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date
from typing import Literal

from pmsync.config.schema import Config
from pmsync.core.domain import markers
from pmsync.core.domain.model import Frozen, PostMortem
from pmsync.core.domain.state import CommentState, EarlierPostMortem, IssueState, TicketState
from pmsync.core.planning.matching import match_items
from pmsync.core.planning.preventable import PreventingItem, preventing_items
from pmsync.core.planning.progress import (
    Counts,
    Progress,
    count,
    progress_of,
    shown_status,
    summary_line,
)
from pmsync.core.planning.repeat_matching import Match
from pmsync.core.postmortem.labels import root_cause_label, service_labels
from pmsync.core.render import StatusRow, render

BACKLINKS = "repeat-backlinks"  # data marker: refs of earlier post-mortems with the back-link
MAX_ITEMS_SHOWN = 10  # unfinished items listed per earlier post-mortem
NO_TICKET = "no ticket"
_FINISHED = {Progress.DONE}


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
    return NO_TICKET if ticket is None else shown_status(ticket, progress)


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
    open: int  # neither done nor dropped
    unfinished: tuple[StatusRow, ...]  # open, overdue or dropped; at most MAX_ITEMS_SHOWN
    more_unfinished: int  # how many were left out of the list


class OlderView(Frozen):
    """The earlier post-mortems beyond ``repeats.max_linked``, in one line."""

    count: int
    since: date  # the oldest one's incident start (UTC)
    item_count: int
    open_count: int  # of their items, neither done nor dropped


class RepeatView(Frozen):
    state: Literal["repeat", "cleared"]
    ordinal: str  # "2nd": this post-mortem's place among the related incidents
    services: tuple[str, ...]  # the shared services, as label values
    category: str | None  # the shared root-cause category, as a label value
    rule: str
    window: str  # "6 months"
    earlier: tuple[EarlierView, ...]  # the linked ones, most recent last
    older: OlderView | None  # the rest, summed up
    max_linked: int
    preventing: tuple[PreventingItem, ...]  # pmsync.core.planning.preventable
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


def _counts(rows: Iterable[StatusRow]) -> Counts:
    return count(Progress(row.progress) for row in rows)


def earlier_view(match: Match, today: date, config: Config) -> EarlierView:
    issue = match.earlier.issue
    rows = item_rows(match.earlier, today, config)
    counts = _counts(rows)
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
        open=counts.open,
        unfinished=unfinished[:MAX_ITEMS_SHOWN],
        more_unfinished=max(0, len(unfinished) - MAX_ITEMS_SHOWN),
    )


def older_view(older: Sequence[EarlierView]) -> OlderView | None:
    """The earlier post-mortems not listed in full, as counts."""
    if not older:
        return None
    return OlderView(
        count=len(older),
        since=min(view.date for view in older),
        item_count=sum(view.total for view in older),
        open_count=sum(view.open for view in older),
    )


def repeat_view(
    pm: PostMortem,
    matches: Sequence[Match],
    backlinked: Iterable[str],
    today: date,
    config: Config,
) -> RepeatView:
    """``matches`` oldest first: the last ``repeats.max_linked`` are listed in full."""
    labels = config.labels
    limit = config.repeats.max_linked
    linked, older = matches[-limit:], matches[: max(0, len(matches) - limit)]
    views = [earlier_view(match, today, config) for match in linked]
    older_views = [earlier_view(match, today, config) for match in older]
    every = [*views, *older_views]
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
        earlier=tuple(views),
        older=older_view(older_views),
        max_linked=limit,
        preventing=preventing_items(pm, (m.earlier for m in matches), config),
        earlier_items=sum(view.total for view in every),
        earlier_done=sum(view.done for view in every),
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
