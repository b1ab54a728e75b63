"""Chapter 3: owners work their tickets in Jira; the hourly sync brings the status back."""

from __future__ import annotations

from datetime import UTC, datetime

from pmsync_sandbox.demo.people import REPO
from pmsync_sandbox.demo.transcript import thread_file
from pmsync_sandbox.demo.world import World

TITLE = "Owners move their tickets in Jira; the sync updates the status comment"
WHEN = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
# Action items of examples/postmortem.md, and what their owners do with them.
DONE = ("alice", "Give report queries their own pool, capped at 20 connections", "Done")
DROPPED = ("bob", "Make the pool size a runtime setting that needs no restart", "Won't Do")


def play(world: World) -> None:
    for login, summary, transition in (DONE, DROPPED):
        owner = world.person(login)
        key = owner.my_ticket(summary)
        owner.move_ticket(key, transition)
        world.narrator.say(f"{login} moves {key} “{summary}” to {transition} in Jira")
    world.sync()
    world.narrator.see(
        thread_file(REPO, world.numbers["payments"]), "the status comment: 1 done, 1 dropped"
    )
