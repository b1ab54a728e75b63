"""Chapter 4: time passes; overdue items and their reminders, the 2-week and 4-week
reviews, each exactly once."""

from __future__ import annotations

from datetime import UTC, datetime

from pmsync_sandbox.demo.narrator import moment
from pmsync_sandbox.demo.people import REPO
from pmsync_sandbox.demo.transcript import thread_file
from pmsync_sandbox.demo.world import World

TITLE = "Weeks pass: overdue reminders, the 2-week and the 4-week follow-up reviews"
WHEN = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # the Monday after the first due date
TWO_WEEKS = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # the 14-day review fell on Fri 4 Dec
FOUR_WEEKS = datetime(2026, 12, 21, 9, 0, tzinfo=UTC)  # the 28-day review fell on Fri 18 Dec


def play(world: World) -> None:
    world.narrator.say(
        "the first due date has passed and its ticket is still open; the team's pmsync.yml "
        "asks for reminders (followup.nudge_overdue)"
    )
    world.sync()
    for when, what in (
        (TWO_WEEKS, "two weeks after the incident: time for the first follow-up review"),
        (FOUR_WEEKS, "four weeks after the incident: time to verify the fixes and close"),
    ):
        world.set_clock(when)
        world.narrator.say(f"{moment(when)}: {what}")
        world.sync()
    world.narrator.say(
        "the sync runs again within the hour: each review and each reminder is posted only once"
    )
    world.sync()
    world.narrator.see(
        thread_file(REPO, world.numbers["payments"]), "the issue with both review checklists"
    )
