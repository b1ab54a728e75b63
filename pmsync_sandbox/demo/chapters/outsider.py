"""Chapter 7: a post-mortem from outside the team waits for a maintainer's approval."""

from __future__ import annotations

from datetime import UTC, datetime

from pmsync.core.domain import markers
from pmsync_sandbox.demo import render_demo
from pmsync_sandbox.demo.narrator import moment
from pmsync_sandbox.demo.people import REPO
from pmsync_sandbox.demo.scene import paragraphs
from pmsync_sandbox.demo.transcript import thread_file
from pmsync_sandbox.demo.world import World

TITLE = "Someone outside the team files a post-mortem; a maintainer approves it"
WHEN = datetime(2026, 12, 29, 11, 0, tzinfo=UTC)  # the day after the webhook incident
APPROVED_AT = datetime(2026, 12, 29, 14, 0, tzinfo=UTC)
OUTSIDER = "carol"
ISSUE_TITLE = "Post-mortem: merchant webhooks delayed by a full delivery queue"
APPROVED = "pm:approved"


def play(world: World) -> None:
    world.sandbox.add_github_user(OUTSIDER, repos={REPO: "NONE"})
    carol, alice = world.person(OUTSIDER), world.person("alice")
    opened = carol.open_postmortem(ISSUE_TITLE, render_demo("outsider_incident.md.j2", {}))
    number = world.numbers["outsider"] = opened["number"]
    # The issue form labels every issue it opens; the REST API drops the labels of someone
    # without push access, so alice's client adds the form's label in its stead.
    issue = alice.add_label(number, "postmortem")
    world.narrator.say(
        f"carol, from the support team and no member of the acme organisation, opens "
        f"{REPO}#{number} from the post-mortem form"
    )
    scene = world.handle_event("opened", issue, sender=OUTSIDER).scene
    waiting = scene.marked(REPO, number, markers.APPROVAL)
    world.narrator.say(f"pmsync's comment, “{waiting.headline}”:", paragraphs(waiting.body))
    world.set_clock(APPROVED_AT)
    issue = alice.add_label(number, APPROVED)
    world.narrator.say(
        f"{moment(APPROVED_AT)}: alice, an owner of {REPO}, reads it and adds the label {APPROVED}"
    )
    world.handle_event("labeled", issue, sender="alice", label=APPROVED)
    world.narrator.see(thread_file(REPO, number), "the approval comment and the tickets")
