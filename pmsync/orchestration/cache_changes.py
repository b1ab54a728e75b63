"""The cache's three questions: which issues, which of pmsync's comments and which tickets
changed since the last sync (``pmsync.orchestration.cache``), and the post-mortems the
answers make open or closed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pmsync.core.domain.state import CommentState, EarlierPostMortem, IssueState, TicketState
from pmsync.orchestration import reconcile


@dataclass
class Changes:
    """The answers to the three questions: what changed since the last sync."""

    issues: dict[str, IssueState] = field(default_factory=dict)  # by ref
    comments: dict[str, list[CommentState]] = field(default_factory=dict)  # pmsync's, by ref
    tickets: list[TicketState] = field(default_factory=list)
    # The changed issues that are post-mortems (any state), parsed: possible earlier
    # post-mortems of a repeat.
    postmortems: list[EarlierPostMortem] = field(default_factory=list)


def ask_what_changed(
    since: datetime, repositories: Sequence[str], run: reconcile.RunContext
) -> Changes:
    """Post-mortems, pmsync's own comments and tickets changed at or after ``since``: one
    listing of post-mortems (issues with the post-mortem label) and one comment listing per
    repository (those repeats may look in included), and one JQL query over the configured
    projects. Pull requests and other issues are not asked for; one that lost the label
    is not in the answer (``recheck_open`` looks before a reconcile)."""
    changes = Changes()
    me = run.github.identity()
    label = run.config.labels.postmortem
    for repo in _watched(repositories, run):
        for issue in run.github.issues_updated_since(repo, since, label):
            changes.issues[issue.ref] = issue
        for number, comment in run.github.comments_updated_since(repo, since):
            if comment.author == me:
                changes.comments.setdefault(f"{repo}#{number}", []).append(comment)
    minutes = math.ceil((run.now - since).total_seconds() / 60)
    changes.tickets = list(run.jira.tickets_updated(projects(run), minutes))
    return changes


def _watched(repositories: Sequence[str], run: reconcile.RunContext) -> list[str]:
    """The synced repositories and those an earlier post-mortem of a repeat may be in."""
    return list(dict.fromkeys([*repositories, *run.config.github.repositories]))


def projects(run: reconcile.RunContext) -> list[str]:
    jira = run.config.jira
    return sorted({jira.project, *jira.projects_by_service.values()})


def changed_postmortems(changes: Changes, run: reconcile.RunContext) -> list[EarlierPostMortem]:
    """The changed issues that are readable post-mortems, each parsed once. Even one whose
    text the cache already knows counts: its labels may have been set after the repeat
    search of the run that last looked (that run searched before it labelled)."""
    label = run.config.labels.postmortem
    found = []
    for issue in changes.issues.values():
        parsed = reconcile.parse(issue, run).postmortem if issue.has_label(label) else None
        if parsed is not None:
            found.append(EarlierPostMortem(issue=issue, postmortem=parsed))
    return found


def current_postmortems(
    known: dict[str, IssueState], changes: Changes, label: str
) -> dict[str, IssueState]:
    """The open post-mortems now: those known, as changed (closed or unlabelled ones
    leave), and any that opened or reopened since."""
    current = dict(known)
    for ref, issue in changes.issues.items():
        if issue.state == "open" and issue.has_label(label):
            current[ref] = issue
        else:
            current.pop(ref, None)
    return current


def recheck_open(
    due: list[IssueState], changes: Changes, known: dict[str, IssueState], run: reconcile.RunContext
) -> list[IssueState]:
    """The due post-mortems that are open post-mortems still. One that did not change since
    the last sync may have lost its label (the listing of changes only shows labelled
    issues): before it is reconciled, its repository's open post-mortems are listed once
    (100 a page) and ``known`` is brought in step with that listing."""
    label = run.config.labels.postmortem
    unseen = {issue.repo for issue in due if issue.ref not in changes.issues}
    for repo in sorted(unseen):
        listed = {issue.ref: issue for issue in run.github.open_postmortems(repo, label)}
        for ref in [ref for ref, issue in known.items() if issue.repo == repo]:
            if ref not in listed:
                del known[ref]
        known.update(listed)
    return [known[issue.ref] for issue in due if issue.ref in known]
