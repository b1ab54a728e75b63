"""Ticket descriptions that stay true to the post-mortem (issue #21).

pmsync writes its part of a ticket's description between two lines, a start line and an
end line (``ticket_description_part.j2``); whatever people write above or below them in
Jira stays. The start line carries a version: a digest of the row's action, type,
priority, owner and due date as the part shows them. When one of them changes, the plan
rewrites the part, and only the part (with the incident text as it reads then). An edit
elsewhere in the post-mortem, a typo fixed in its summary say, writes to no ticket.
Comparing versions rather than texts keeps the plan empty over a description Jira stored
in its own way (Cloud keeps rich text as a document and gives wiki text back through
REST v2 after a conversion), and leaves edits people made inside the part alone until the
row changes.

Tickets created before the part had start and end lines hold the bare text. Such a
description is rewritten only while it still equals what pmsync wrote, as the row read at
the last sync (the status comment's snapshot): it then becomes the marked part. Any other
text, or a ticket without a snapshot entry, is left alone, and nothing is added to it.

The create screen may lack the due date or priority field (pmsync.core.site.fit): the
values then live only in the description, which this keeps up to date like the rest.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import cache

from pmsync.core.domain.changes import RewriteDescription
from pmsync.core.domain.markers import FieldValues, Snapshot
from pmsync.core.domain.model import ActionItem, PostMortem
from pmsync.core.domain.state import IssueState, TicketState
from pmsync.core.planning.matching import Board
from pmsync.core.planning.merge import jira_summary
from pmsync.core.render import DescriptionView, render, render_ticket_description

_VERSION = re.compile(r"\(version ([0-9a-f]{12})\)")
# Around an anchor line only spaces are ignored: its emphasis marks stay part of it, and
# text from the post-mortem has them escaped (render.jira_escape), so no summary or action
# can forge a start or end line.
_DECORATION = " \t"


def description_view(item: ActionItem, issue: IssueState, pm: PostMortem) -> DescriptionView:
    return DescriptionView(
        action=item.action,
        type=item.type.value,
        priority=item.priority.value,
        owner=f"@{item.owner}",
        due=item.due,
        title=pm.title or issue.title,
        severity=pm.severity,
        services=pm.services,
        root_cause_category=pm.root_cause_category,
        summary=pm.summary,
        root_cause=pm.root_cause,
        issue_ref=issue.ref,
        issue_url=issue.html_url,
    )


def row_version(item: ActionItem) -> str:
    """The digest the start line carries: of the row's values the part shows."""
    values = (" ".join(item.action.split()), item.type.value, item.priority.value)
    text = "\n".join((*values, item.owner, item.due.isoformat()))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def marked_part(content: str, version: str) -> str:
    """``content`` between the start line (with ``version``) and the end line."""
    context = {"content": content.rstrip("\n"), "version": version}
    return render("ticket_description_part.j2", context)


def description_for(item: ActionItem, issue: IssueState, pm: PostMortem) -> str:
    """The description a new ticket is created with: pmsync's marked part alone."""
    content = render_ticket_description(description_view(item, issue, pm))
    return marked_part(content, row_version(item))


def normalised(text: str) -> str:
    """Text as compared: lines without trailing spaces, no blank lines around it."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


@cache
def _anchor_lines() -> tuple[str, str]:
    """The start line (without its version) and the end line, as the template writes them."""
    lines = render("ticket_description_part.j2", {"content": "", "version": "0" * 12}).split("\n")
    start, end = lines[0], lines[-2] if lines[-1] == "" else lines[-1]
    return _VERSION.sub("", start).strip(_DECORATION), end.strip(_DECORATION)


def _bounds(lines: Sequence[str]) -> tuple[int, int, str] | None:
    """Where pmsync's part starts and ends among ``lines``, and its version."""
    start_words, end_words = _anchor_lines()
    for first, line in enumerate(lines):
        found = _VERSION.search(line)
        if found is None or _VERSION.sub("", line).strip(_DECORATION) != start_words:
            continue
        for last in range(first + 1, len(lines)):
            if lines[last].strip(_DECORATION) == end_words:
                return first, last, found.group(1)
        return None
    return None


def present_version(description: str | None) -> str | None:
    """The version of the marked part in ``description``; None when it has none."""
    if not description:
        return None
    bounds = _bounds(description.replace("\r\n", "\n").split("\n"))
    return bounds[2] if bounds else None


def spliced(description: str | None, part: str, legacy: Sequence[str] = ()) -> str | None:
    """``description`` with its marked part replaced by ``part``; a description without
    one is replaced whole only when it equals one of the ``legacy`` texts (what pmsync
    wrote before parts were marked). None: the description is not pmsync's to change."""
    if not description:
        return None
    lines = description.replace("\r\n", "\n").split("\n")
    bounds = _bounds(lines)
    if bounds is not None:
        first, last, _ = bounds
        return "\n".join([*lines[:first], part.rstrip("\n"), *lines[last + 1 :]])
    if normalised(description) in {normalised(text) for text in legacy}:
        return part
    return None


def _as_synced(item: ActionItem, values: FieldValues) -> ActionItem | None:
    """The row as the snapshot recorded it at the last sync (None when it cannot say)."""
    if values.priority is None or values.owner is None or values.due is None:
        return None
    action = item.action if values.action == jira_summary(item.action) else values.action
    try:
        return item.model_copy(
            update={
                "action": action,
                "priority": type(item.priority)(values.priority),
                "owner": values.owner,
                "due": values.due,
            }
        )
    except ValueError:
        return None


def _legacy_texts(
    item: ActionItem, ticket: TicketState, issue: IssueState, pm: PostMortem, snapshot: Snapshot
) -> tuple[str, ...]:
    base = snapshot.item(ticket.key)
    synced = _as_synced(item, base.github) if base is not None else None
    if synced is None:
        return ()
    return (render_ticket_description(description_view(synced, issue, pm)),)


def description_changes(
    issue: IssueState, pm: PostMortem, board: Board, snapshot: Snapshot
) -> tuple[RewriteDescription, ...]:
    """One rewrite per tracked ticket whose description pmsync's part no longer matches."""
    changes = []
    for entry in board.tracked:
        ticket = entry.ticket
        if ticket is None:
            continue
        version = present_version(ticket.description)
        if version == row_version(entry.item):
            continue
        content = render_ticket_description(description_view(entry.item, issue, pm))
        legacy: tuple[str, ...] = ()
        if version is None:
            if normalised(ticket.description or "") == normalised(content):
                continue  # an unmarked description that is still true stays as it is
            legacy = _legacy_texts(entry.item, ticket, issue, pm, snapshot)
            if spliced(ticket.description, content, legacy) is None:
                continue  # not what pmsync wrote: people's text is left alone
        part = marked_part(content, row_version(entry.item))
        changes.append(RewriteDescription(ticket=ticket.key, part=part, legacy=legacy))
    return tuple(changes)
