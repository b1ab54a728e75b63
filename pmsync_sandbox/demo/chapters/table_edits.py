"""Chapter 5: after the last review the table changes; the edited row and the removed one
reach Jira."""

from __future__ import annotations

from datetime import UTC, datetime

from pmsync_sandbox.demo import StoryBroke
from pmsync_sandbox.demo.chapters.jira_moves import DROPPED
from pmsync_sandbox.demo.people import REPO
from pmsync_sandbox.demo.transcript import JIRA_FILE, thread_file
from pmsync_sandbox.demo.world import World

TITLE = "After the review the table changes: an item changes hands, a dropped one leaves"
WHEN = datetime(2026, 12, 22, 10, 0, tzinfo=UTC)  # the day after the 4-week review
# Rows of examples/postmortem.md: the one alice hands to bob, and the one dropped in Jira.
HANDED_OVER = "Add database connections to the capacity checklist run 5 days before each campaign"
REMOVED = DROPPED[1]


def play(world: World) -> None:
    number = world.numbers["payments"]
    alice = world.person("alice")
    issue = alice.edit_body(number, edited_table(alice.read_body(number)))
    world.narrator.say(
        f"at the review the team agrees, and alice edits the table of #{number}: bob takes "
        "over the capacity checklist, and the row the team dropped in Jira is deleted"
    )
    world.handle_event("edited", issue, sender="alice")
    world.narrator.see(JIRA_FILE, "the new assignee, and the note on the removed row's ticket")
    world.narrator.see(thread_file(REPO, number), "the status comment without the removed row")


def edited_table(body: str) -> str:
    """``body`` with the handed-over row's owner changed to bob and the removed row gone."""
    lines = body.split("\n")
    handed = _row(lines, HANDED_OVER)
    lines[handed] = lines[handed].replace(" | @alice | ", " | @bob | ", 1)
    del lines[_row(lines, REMOVED)]
    return "\n".join(lines)


def _row(lines: list[str], action: str) -> int:
    for index, line in enumerate(lines):
        if line.startswith(f"| {action} |"):
            return index
    raise StoryBroke(f"the action-item table has no row {action!r}")
