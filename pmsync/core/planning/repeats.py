"""Repeat incidents: is this post-mortem about a failure an earlier one already covered, and
what did the earlier post-mortems leave undone? (pure)

An earlier post-mortem (open or closed, in any configured repository) makes this one a
repeat when it matches under ``repeats.rule`` — it shares a service label (``service``, the
default), a service and the root-cause category (``service+root-cause``) or just the
category (``root-cause``) — and its incident started at most ``repeats.lookback_days``
calendar days (UTC) before this one's: day 180 is in, day 181 out.

A repeat gets the ``repeat-incident`` label and one repeat comment, edited in place, that
lists the ``repeats.max_linked`` most recent earlier post-mortems with the state of their
action items and sums up the older ones in one line; each listed earlier post-mortem gets
one back-link comment; and, with ``jira.link_repeats``, each still-open ticket of a listed
earlier post-mortem gets one "Relates" link from this post-mortem's first ticket (unless
one of this post-mortem's tickets is linked with it already). So a repeat costs at most
``max_linked`` back-links and ``max_linked`` x ``lint.max_action_items`` links, however
often the service failed before. An edit that makes it no longer a repeat removes the
label and turns the comment into a short note; back-links and Jira links stay, as history
(as do links made before the bound existed).

The repeat comment remembers (in a data marker) which earlier post-mortems already carry
the back-link, so later runs need not read their comments again. It records a back-link
only once it exists: the round that creates one writes the comment without it, and the
next round (or, when GitHub refused the back-link, the next run) adds it.

The rule itself is ``pmsync.core.planning.repeat_matching``; what the repeat and back-link
comments show, and the back-link record, are ``pmsync.core.planning.repeat_comment``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from pmsync.config.schema import Config
from pmsync.core.domain import markers
from pmsync.core.domain.changes import Change, LinkTickets
from pmsync.core.domain.model import ParseResult, PostMortem
from pmsync.core.domain.state import (
    CommentState,
    EarlierPostMortem,
    IssueState,
    ObservedPostMortem,
    TicketState,
)
from pmsync.core.planning.comments import create_comment, upsert_comment
from pmsync.core.planning.matching import match_items
from pmsync.core.planning.repeat_comment import (
    recorded_backlinks,
    render_backlink,
    render_repeat,
    repeat_view,
)
from pmsync.core.planning.repeat_matching import Match, find_matches, linked_matches
from pmsync.core.postmortem.labels import root_cause_label, service_labels

LINK_TYPE = "Relates"


def open_tickets(earlier: EarlierPostMortem) -> tuple[TicketState, ...]:
    """The earlier post-mortem's tickets Jira does not count as done (its status category)."""
    issue = earlier.issue
    board = match_items(issue.repo, issue.number, earlier.postmortem.action_items, earlier.tickets)
    return tuple(
        entry.ticket
        for entry in board.tracked
        if entry.ticket is not None and entry.ticket.status_category != "done"
    )


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
    linked = linked_matches(matches, config)
    backlinks = tuple(
        create_comment(
            match.earlier.issue,
            markers.backlink_marker(issue.ref),
            render_backlink(issue, pm),
        )
        for match in linked
        if not match.earlier.backlinked and match.earlier.issue.ref not in recorded
    )
    # Only back-links seen to exist: one planned here is recorded in a later round, after
    # its comment was created (pmsync.core.planning.fold), so a refused one is tried again.
    backlinked = recorded | {m.earlier.issue.ref for m in linked if m.earlier.backlinked}
    body = render_repeat(repeat_view(pm, matches, backlinked, today, config))
    comment = upsert_comment(issue, markers.REPEAT, body, existing)
    links = (
        jira_links(observed, pm, linked, config.jira.link_type) if config.jira.link_repeats else ()
    )
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
    observed: ObservedPostMortem,
    pm: PostMortem,
    matches: Iterable[Match],
    link_type: str = LINK_TYPE,
) -> tuple[LinkTickets, ...]:
    """A ``link_type`` link (``jira.link_type``, "Relates") from this post-mortem's first
    ticket (in row order) to each earlier ticket that is not done, unless one of this
    post-mortem's tickets is linked with it already: one link per earlier ticket, so the
    links grow with the earlier tickets, not with their product with these."""
    issue = observed.issue
    board = match_items(issue.repo, issue.number, pm.action_items, observed.tickets)
    mine = [entry.ticket for entry in board.tracked if entry.ticket is not None]
    if not mine:
        return ()
    theirs = {t.key: t for match in matches for t in open_tickets(match.earlier)}
    return tuple(
        LinkTickets(inward=mine[0].key, outward=other.key, link_type=link_type)
        for other in theirs.values()
        if not any(_linked(ticket, other) for ticket in mine)
    )


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
