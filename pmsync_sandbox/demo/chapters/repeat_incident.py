"""Chapter 6: the same service fails again while an item of the first post-mortem is open."""

from __future__ import annotations

from datetime import UTC, datetime

from pmsync.core.domain import markers
from pmsync_sandbox.demo import render_demo
from pmsync_sandbox.demo.people import REPO
from pmsync_sandbox.demo.scene import bullets
from pmsync_sandbox.demo.transcript import kept_comment, thread_file
from pmsync_sandbox.demo.world import World

TITLE = "payments-db fails again: the new post-mortem is flagged as a repeat"
WHEN = datetime(2026, 12, 28, 10, 0, tzinfo=UTC)  # two days after the second incident
ISSUE_TITLE = "Post-mortem: refund batch exhausted the payments-db pool"
KEPT_FILE = "repeat-comment-when-posted.md"


def play(world: World) -> None:
    first = world.numbers["payments"]
    issue = world.person("bob").open_postmortem(
        ISSUE_TITLE, render_demo("second_incident.md.j2", {})
    )
    number = world.numbers["repeat"] = issue["number"]
    world.narrator.say(
        f"bob opens {REPO}#{number}: payments-db ran out of connections again, while the "
        f"alert planned in #{first} is still not built"
    )
    scene = world.handle_event("opened", issue, sender="bob").scene
    repeat = scene.marked(REPO, number, markers.REPEAT)
    world.narrator.say(
        f"the repeat comment lists what #{first} left unfinished:", bullets(repeat.body)
    )
    text = kept_comment("The repeat comment as bob first saw it", repeat)
    kept = world.keep(KEPT_FILE, "The repeat comment when it was posted", text)
    world.narrator.see(kept, "the repeat comment with the unfinished items")
    world.narrator.see(thread_file(REPO, first), "the back-link on the first post-mortem")
