"""Chapter 5: the same service fails again while an item of the first post-mortem is open."""

from __future__ import annotations

from datetime import UTC, datetime

from pmsync.demo.people import REPO
from pmsync.demo.transcript import thread_file
from pmsync.demo.world import World
from pmsync.render import render

TITLE = "payments-db fails again: the new post-mortem is flagged as a repeat"
WHEN = datetime(2026, 12, 28, 10, 0, tzinfo=UTC)  # two days after the second incident
ISSUE_TITLE = "Post-mortem: refund batch exhausted the payments-db pool"


def play(world: World) -> None:
    first = world.numbers["payments"]
    issue = world.person("bob").open_postmortem(
        ISSUE_TITLE, render("demo/second_incident.md.j2", {})
    )
    number = world.numbers["repeat"] = issue["number"]
    world.narrator.say(
        f"bob opens {REPO}#{number}: payments-db ran out of connections again, while the "
        f"alert planned in #{first} is still not built"
    )
    world.handle_event("opened", issue, sender="bob")
    world.narrator.see(thread_file(REPO, number), "the repeat comment and its unfinished item")
    world.narrator.see(thread_file(REPO, first), "the back-link on the first post-mortem")
