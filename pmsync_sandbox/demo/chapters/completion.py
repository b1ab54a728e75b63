"""Chapter 8: the last open items are done; the post-mortem is complete and pmsync closes it."""

from __future__ import annotations

from datetime import UTC, datetime

from pmsync_sandbox.demo.chapters.table_edits import HANDED_OVER
from pmsync_sandbox.demo.people import REPO
from pmsync_sandbox.demo.transcript import thread_file
from pmsync_sandbox.demo.world import World

TITLE = "The last items are done: the first post-mortem is complete, and pmsync closes it"
WHEN = datetime(2026, 12, 30, 16, 0, tzinfo=UTC)
ALERT = "Alert when payments-db pool usage stays above 80% for 5 minutes"


def play(world: World) -> None:
    number = world.numbers["payments"]
    bob = world.person("bob")
    for summary in (ALERT, HANDED_OVER):
        key = bob.my_ticket(summary)
        bob.move_ticket(key, "Done")
        world.narrator.say(f"bob moves {key} “{summary}” to Done in Jira")
    world.narrator.say(
        "every item left in the table is now done, and the team's pmsync.yml has "
        "followup.close_when_complete"
    )
    world.sync()
    world.narrator.see(thread_file(REPO, number), "the closing comment on the closed issue")
    world.narrator.see(
        thread_file(REPO, world.numbers["repeat"]), "the repeat comment, now counting them done"
    )
