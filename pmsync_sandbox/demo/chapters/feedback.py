"""Chapter 1: a post-mortem with mistakes in its action table gets one feedback comment."""

from __future__ import annotations

from datetime import UTC, datetime

from pmsync_sandbox.demo.examples import example
from pmsync_sandbox.demo.people import REPO
from pmsync_sandbox.demo.scene import bullets
from pmsync_sandbox.demo.transcript import kept_comment
from pmsync_sandbox.demo.world import BOT, World

TITLE = "An engineer opens a post-mortem with mistakes in its action table"
WHEN = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # three days after the incident
ISSUE_TITLE = "Post-mortem: card payments failed at checkout"
KEPT_FILE = "feedback-before-the-fix.md"


def play(world: World) -> None:
    issue = world.person("alice").open_postmortem(ISSUE_TITLE, example("postmortem-invalid.md"))
    number = world.numbers["payments"] = issue["number"]
    world.narrator.say(
        f"alice opens {REPO}#{number} from the post-mortem form, in a hurry "
        "(examples/postmortem-invalid.md)"
    )
    scene = world.handle_event("opened", issue, sender="alice").scene
    feedback = [c for c in scene.comments_on(REPO, number) if c.user == BOT][-1]
    world.narrator.say("pmsync's comment lists what to fix:", bullets(feedback.body))
    text = kept_comment("The feedback comment as alice first saw it", feedback)
    kept = world.keep(KEPT_FILE, "The feedback comment before the fix", text)
    world.narrator.see(kept, "the feedback comment before the fix")
