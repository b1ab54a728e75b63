"""Fitting new tickets to the site's create screens: read once per project and type and
run, fields the screen lacks left out (warned once), ``jira.fields`` added in Jira's shape."""

from __future__ import annotations

from datetime import date

from pmsync.core.domain.changes import NewTicket
from pmsync.core.domain.site import CreateScreen, ScreenField
from pmsync.orchestration.screens import ScreenBook


def screen(project: str, issue_type: str, *ids: str) -> CreateScreen:
    fields = {i: ScreenField(id=i, name=i.title()) for i in ids}
    fields["customfield_10010"] = ScreenField(
        id="customfield_10010", name="Team", required=True, schema_type="option"
    )
    return CreateScreen(project=project, issue_type=issue_type, fields=fields)


class Screens:
    def __init__(self) -> None:
        self.reads: list[tuple[str, str]] = []

    def create_screen(self, project: str, issue_type: str) -> CreateScreen | None:
        self.reads.append((project, issue_type))
        return screen(project, issue_type, "summary", "labels", "priority", "assignee")


def ticket(item: str, project: str = "OPS") -> NewTicket:
    return NewTicket(
        item_id=item,
        row=1,
        project=project,
        issue_type="Task",
        summary="Add an alert",
        description="*Due:* 2026-12-01",
        priority="High",
        due=date(2026, 12, 1),
        labels=("postmortem",),
        assignee=None,
    )


def test_each_screen_is_read_once_and_its_missing_fields_are_warned_once() -> None:
    jira = Screens()
    book = ScreenBook(jira, {"Team": "Platform"})
    first = book.fit([ticket("a"), ticket("b")])
    book.fit([ticket("c"), ticket("d", project="PAY")])
    assert jira.reads == [("OPS", "Task"), ("PAY", "Task")]
    assert first[0].omit == ("duedate",)
    assert first[0].extra_fields == {"customfield_10010": {"value": "Platform"}}
    assert len(book.warnings) == 2  # one per screen, not per ticket
    assert "has no due date" in book.warnings[0]
    assert "description" in book.warnings[0]


def test_an_unknown_screen_leaves_the_ticket_as_planned() -> None:
    class NoType:
        def create_screen(self, project: str, issue_type: str) -> CreateScreen | None:
            return None

    book = ScreenBook(NoType(), {"Team": "Platform"})
    assert book.fit([ticket("a")]) == (ticket("a"),)
    assert book.warnings == []
