"""The text of pmsync's answers to ``/pmsync`` commands."""

from __future__ import annotations

from pmsync.core import command_answers
from pmsync.core.comment_budget import GITHUB_COMMENT_LIMIT
from pmsync.core.render import ZWJ

MARKER = "<!-- pmsync:reply:7 -->"


def test_an_answer_names_the_commenter_without_notifying_them() -> None:
    for text in (
        command_answers.refused(MARKER, "bob", "/pmsync sync", "read"),
        command_answers.unknown(MARKER, "bob", "/pmsync resync", [("/pmsync sync", "sync")]),
        command_answers.planned(MARKER, "bob", "/pmsync plan", "create 1 Jira ticket(s)"),
        command_answers.done(MARKER, "bob", "/pmsync sync", ["done: 1 comment written"]),
    ):
        assert text.startswith(MARKER + "\n")
        assert f"@{ZWJ}bob" in text and "@bob" not in text


def test_a_plan_sits_in_a_fence_no_line_of_it_can_close() -> None:
    plan = "row 1: Page @carol ```` then </details>"
    text = command_answers.planned(MARKER, "bob", "/pmsync plan", plan)
    assert "`````\n" + plan + "\n`````" in text
    assert text.index("<details>") < text.index(plan) < text.rindex("</details>")


def test_an_empty_plan_says_nothing_would_change() -> None:
    text = command_answers.planned(MARKER, "bob", "/pmsync plan", "")
    assert "a sync would change nothing now" in text and "<details>" not in text


def test_a_huge_plan_is_cut_at_a_line_and_says_how_many_lines_are_left_out() -> None:
    plan = "\n".join(
        f"  link OPS-{n} back to https://github.com/acme/payments/issues/1" for n in range(5000)
    )
    text = command_answers.planned(MARKER, "bob", "/pmsync plan", plan)
    assert len(text) < GITHUB_COMMENT_LIMIT
    shown = text.count("  link OPS-")
    assert 0 < shown < 5000
    assert f"… and {5000 - shown} more line(s), in the workflow's log." in text


def test_what_a_sync_did_is_listed_with_service_text_made_inert() -> None:
    lines = ["done: 2 comments written", "failed: Jira said <b>no</b> to @dana"]
    text = command_answers.done(MARKER, "bob", "/pmsync sync", lines)
    assert "- done: 2 comments written" in text
    assert "<b>" not in text and "@dana" not in text
    nothing = command_answers.done(MARKER, "bob", "/pmsync sync", [])
    assert "ran and changed nothing" in nothing
