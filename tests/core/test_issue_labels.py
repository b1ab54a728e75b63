"""The label changes ride in the Ticket column's PATCH when a plan has both (ADR 8)."""

from __future__ import annotations

from pmsync.core.domain.changes import (
    Change,
    EnsureRepoLabel,
    SetIssueLabels,
    SetTicketCells,
    TicketCell,
    UpsertComment,
)
from pmsync.core.planning.fold import relabelled
from pmsync.core.planning.issue_labels import carry_labels_in_cells

REPO = "acme/payments"
CELLS = SetTicketCells(
    repo=REPO, number=4, cells=(TicketCell(row=1, action="add an alert", text="[OPS-1](u)"),)
)
COMMENT = UpsertComment(repo=REPO, number=4, marker="status", body="b", comment_id=None)
ENSURE = EnsureRepoLabel(repo=REPO, name="sev:2", color="f9d0c4", description="d")
LABELS = SetIssueLabels(repo=REPO, number=4, add=("sev:2",), remove=("pm:needs-fix",))


def test_labels_go_into_the_cells_patch_after_the_repository_has_them() -> None:
    changes: list[Change] = [CELLS, COMMENT, ENSURE, LABELS]
    assert carry_labels_in_cells(changes) == [
        ENSURE,
        CELLS.model_copy(update={"labels": LABELS}),
        COMMENT,
    ]
    assert "and label acme/payments#4: +sev:2 -pm:needs-fix" in (
        carry_labels_in_cells(changes)[1].describe()
    )


def test_without_cells_to_fill_labels_are_a_change_of_their_own() -> None:
    changes: list[Change] = [COMMENT, ENSURE, LABELS]
    assert carry_labels_in_cells(changes) == changes
    assert carry_labels_in_cells([CELLS, COMMENT]) == [CELLS, COMMENT]


def test_labels_of_another_issue_stay_apart() -> None:
    other = LABELS.model_copy(update={"number": 5})
    changes: list[Change] = [CELLS, ENSURE, other]
    assert carry_labels_in_cells(changes) == changes


def test_the_label_set_keeps_what_others_added_and_drops_what_is_removed() -> None:
    assert relabelled(LABELS, ("team:db", "PM:Needs-Fix", "postmortem")) == (
        "team:db",
        "postmortem",
        "sev:2",
    )
    assert relabelled(LABELS, ("SEV:2",)) == ("SEV:2",)  # GitHub ignores case
