"""The labels pmsync puts on post-mortem issues, and the changes that put them there.

Planner steps say which labels they want present or absent; this module turns those wishes
into at most one ``SetIssueLabels`` per issue, preceded by an ``EnsureRepoLabel`` for each
label about to be added (so it gets pmsync's colour and description). Applying one costs a
request only for a label the repository lacks: the adapter lists the repository's labels
once per run. Labels nobody asked about are never touched. When the same plan fills the
Ticket column, the label change rides in that ``PATCH`` (``carry_labels_in_cells``, ADR 8).
"""

from __future__ import annotations

from collections.abc import Mapping

from pmsync.config.schema import LabelsConfig
from pmsync.core.domain.changes import Change, EnsureRepoLabel, SetIssueLabels, SetTicketCells
from pmsync.core.domain.model import Frozen
from pmsync.core.domain.state import IssueState


class LabelStyle(Frozen):
    color: str  # six hex digits, no "#"
    description: str


_DEFAULT_STYLE = LabelStyle(color="ededed", description="Managed by pmsync")


def label_style(name: str, labels: LabelsConfig) -> LabelStyle:
    fixed = {
        labels.postmortem: LabelStyle(color="5319e7", description="A post-mortem"),
        labels.needs_fix: LabelStyle(
            color="d93f0b", description="The post-mortem has errors to fix before tickets exist"
        ),
        labels.complete: LabelStyle(
            color="0e8a16", description="Every action item of the post-mortem is done"
        ),
        labels.overdue: LabelStyle(
            color="fbca04", description="An action item of the post-mortem is overdue"
        ),
        labels.repeat: LabelStyle(
            color="b60205", description="An earlier post-mortem covered the same failure"
        ),
        labels.approved: LabelStyle(
            color="1d76db", description="A maintainer approved creating Jira tickets"
        ),
    }
    by_prefix = {
        labels.service_prefix: LabelStyle(color="c5def5", description="A service an incident hit"),
        labels.root_cause_prefix: LabelStyle(
            color="d4c5f9", description="The root-cause category of an incident"
        ),
        labels.severity_prefix: LabelStyle(color="f9d0c4", description="An incident's severity"),
    }
    if name in fixed:
        return fixed[name]
    folded = name.casefold()
    found = (style for prefix, style in by_prefix.items() if folded.startswith(prefix.casefold()))
    return next(found, _DEFAULT_STYLE)


def label_changes(
    issue: IssueState, wanted: Mapping[str, bool], labels: LabelsConfig
) -> list[Change]:
    """The changes that make ``issue`` carry exactly the wanted labels (True: present)."""
    add = sorted(name for name, present in wanted.items() if present and not issue.has_label(name))
    on_issue = {label.casefold(): label for label in issue.labels}
    remove = sorted(
        on_issue[name.casefold()]
        for name, present in wanted.items()
        if not present and issue.has_label(name)
    )
    changes: list[Change] = []
    for name in add:
        style = label_style(name, labels)
        changes.append(
            EnsureRepoLabel(
                repo=issue.repo, name=name, color=style.color, description=style.description
            )
        )
    if add or remove:
        changes.append(
            SetIssueLabels(
                repo=issue.repo, number=issue.number, add=tuple(add), remove=tuple(remove)
            )
        )
    return changes


def carry_labels_in_cells(changes: list[Change]) -> list[Change]:
    """``changes`` with an issue's ``SetIssueLabels`` folded into the ``SetTicketCells`` of
    the same issue, when there is one: GitHub's issue ``PATCH`` takes the body and the
    labels together, so the post-mortem costs one write instead of two. The repository's
    labels are made (``EnsureRepoLabel``) before that ``PATCH`` names them."""
    cells = {(c.repo, c.number): c for c in changes if isinstance(c, SetTicketCells)}
    labels = {
        (c.repo, c.number): c
        for c in changes
        if isinstance(c, SetIssueLabels) and (c.repo, c.number) in cells
    }
    if not labels:
        return changes
    repos = {repo for repo, _ in labels}
    ensure = [c for c in changes if isinstance(c, EnsureRepoLabel) and c.repo in repos]
    carried: list[Change] = []
    for change in changes:
        if isinstance(change, SetTicketCells) and (change.repo, change.number) in labels:
            carried += ensure
            ensure = []
            carried.append(change.model_copy(update={"labels": labels[change.repo, change.number]}))
        elif change not in labels.values() and not (
            isinstance(change, EnsureRepoLabel) and change.repo in repos
        ):
            carried.append(change)
    return carried
