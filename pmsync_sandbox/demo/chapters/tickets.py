"""Chapter 2: the fixed post-mortem gets its tickets, the Ticket column and a status comment."""

from __future__ import annotations

from datetime import UTC, datetime

from pmsync_sandbox.demo.examples import example
from pmsync_sandbox.demo.people import REPO
from pmsync_sandbox.demo.transcript import JIRA_FILE, thread_file
from pmsync_sandbox.demo.world import BOT, World

TITLE = "The engineer fixes it: Jira tickets, the Ticket column, a status comment"
WHEN = datetime(2026, 11, 23, 11, 30, tzinfo=UTC)


def play(world: World) -> None:
    number = world.numbers["payments"]
    issue = world.person("alice").edit_body(number, example("postmortem.md"))
    world.narrator.say(
        f"alice rewrites the body of #{number} (examples/postmortem.md): every action item "
        "now has one owner, a priority P0-P3 and a due date"
    )
    world.handle_event("edited", issue, sender="alice")
    world.narrator.say(
        "pmsync's own edit of the table makes GitHub send one more issues.edited event"
    )
    world.handle_event("edited", issue, sender=BOT)
    world.narrator.see(thread_file(REPO, number), "the issue: Ticket column and status comment")
    world.narrator.see(JIRA_FILE, "the tickets, each linking back to the issue")
