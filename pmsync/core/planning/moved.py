"""A transferred post-mortem's tickets (ADR 9): each is told once where the post-mortem is
now and labelled with the current ref's post-mortem label, in one Jira edit, so the report
and the repeat search, which know only the issue, find it."""

from __future__ import annotations

from pmsync.core.domain import origin
from pmsync.core.domain.changes import CommentOnTicket
from pmsync.core.domain.state import ObservedPostMortem
from pmsync.core.render import render_ticket_moved


def moved_changes(observed: ObservedPostMortem) -> tuple[CommentOnTicket, ...]:
    if not origin.moved(observed):
        return ()
    issue = observed.issue
    label = origin.current_label(issue)
    body = render_ticket_moved(origin.origin_ref(observed), issue.ref, issue.html_url)
    return tuple(
        CommentOnTicket(ticket=ticket.key, body=body, add_labels=(label,))
        for ticket in observed.tickets
        if label not in ticket.labels
    )
