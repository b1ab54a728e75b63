"""Which ref a post-mortem's tickets know it by, across a transfer (ADR 9).

GitHub gives a transferred issue a new repository and number, so the ref that ticket
identity hashes (``pmsync.core.domain.identity``) changes. pmsync's status comment moves
with the issue, and its snapshot records the ref the tickets were first made under (the
*origin*): labels and item ids keep being made from it. Without a recorded origin (no
status comment yet, or one written before origins were kept) the current ref is the origin.
"""

from __future__ import annotations

from pmsync.core.domain import identity, markers
from pmsync.core.domain.state import IssueState, ObservedPostMortem


def current_ref(issue: IssueState) -> str:
    return identity.issue_ref(issue.repo, issue.number)


def origin_ref(observed: ObservedPostMortem) -> str:
    """The ref the post-mortem's tickets were first made under."""
    recorded = markers.last_snapshot(observed.bot_comments).origin
    return recorded or current_ref(observed.issue)


def moved(observed: ObservedPostMortem) -> bool:
    """Whether the issue was transferred since its tickets were first made."""
    return origin_ref(observed) != current_ref(observed.issue)


def postmortem_labels(observed: ObservedPostMortem) -> tuple[str, ...]:
    """The post-mortem labels its tickets carry: the origin's, and once transferred the
    current ref's too, so what knows only the issue (the report, repeat search, the batched
    read of many post-mortems) finds them by the current ref."""
    labels = (identity.label_for_ref(origin_ref(observed)), current_label(observed.issue))
    return tuple(dict.fromkeys(labels))


def current_label(issue: IssueState) -> str:
    return identity.postmortem_label(issue.repo, issue.number)
