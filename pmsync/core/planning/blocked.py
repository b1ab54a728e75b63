"""What Jira refused, shown on the post-mortem (issue #21): a comment naming each item not
created (or ticket not edited) with Jira's reason and what to change, and the
``labels.blocked`` label, until a run gets through.

The label and the comment's "accepted again" text are only planned once nothing is left
for Jira in the plan: a run whose writes are still under way has not got through yet.
"""

from __future__ import annotations

from collections.abc import Sequence

from pmsync.core.domain import markers
from pmsync.core.domain.changes import Change
from pmsync.core.domain.site import Refusal
from pmsync.core.domain.state import ObservedPostMortem
from pmsync.core.planning.comments import upsert_comment
from pmsync.core.render import render

JIRA_KINDS = frozenset(
    {
        "create_tickets",
        "add_remote_link",
        "edit_ticket",
        "rewrite_description",
        "comment_on_ticket",
        "close_duplicate",
        "link_tickets",
    }
)
# Words in Jira's reason -> the configuration key that decides that field.
_KEYS = (
    ("project", "`jira.project` or `jira.projects_by_service` (an existing project key)"),
    ("issuetype", "`jira.issue_type` or `jira.issue_types` (a type the project has)"),
    ("issue type", "`jira.issue_type` or `jira.issue_types` (a type the project has)"),
    ("priority", "`jira.priorities` (names from the project's priority scheme)"),
    ("assignee", "`people:` (the owner's `jira_account`)"),
    ("customfield_", "`jira.fields` (a value for each field the create screen requires)"),
    ("is required", "`jira.fields` (a value for each field the create screen requires)"),
)
DOCTOR = "run `pmsync doctor`: it checks the Jira site and names the configuration line to add"


def fixes(refusals: Sequence[Refusal]) -> list[str]:
    found: list[str] = []
    for refusal in refusals:
        reason = refusal.reason.casefold()
        for word, key in _KEYS:
            if word in reason and key not in found:
                found.append(key)
    return [*found, DOCTOR]


def blocked_comment(refusals: Sequence[Refusal], label: str) -> str:
    return render(
        "blocked.md.j2", {"refusals": list(refusals), "fixes": fixes(refusals), "label": label}
    )


def is_blocked(observed: ObservedPostMortem, label: str) -> bool:
    return label in observed.issue.labels


def blocked_changes(
    observed: ObservedPostMortem, refusals: Sequence[Refusal], label: str, *, settled: bool
) -> tuple[tuple[Change, ...], dict[str, bool]]:
    """The comment change (if any) and the label wish."""
    existing = markers.find_comment(observed.bot_comments, markers.BLOCKED)
    if refusals:
        body = blocked_comment(refusals, label)
        return upsert_comment(observed.issue, markers.BLOCKED, body, existing), {label: True}
    if not settled:
        return (), {}
    if existing is None:
        return (), {label: False}
    body = blocked_comment((), label)
    return upsert_comment(observed.issue, markers.BLOCKED, body, existing), {label: False}
