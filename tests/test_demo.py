"""`pmsync demo`: the story's outcomes, read from the sandbox it ran on, and its output.

The story runs once on the test sandbox (module fixture); each test checks one outcome
a chapter promises, from what GitHub and Jira hold at the end (``GET /_sandbox/state``)
and from the files written to the output folder. The command itself runs on its own
sandbox (a free port), as `scripts/demo` runs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pmsync.cli import main
from pmsync.demo import StoryBroke
from pmsync.demo.chapters import Chapter, followups, jira_moves, repeat_incident, report, tickets
from pmsync.demo.narrator import ChapterRecord
from pmsync.demo.story import DemoResult, tell
from pmsync.demo.transcript import INDEX_FILE, JIRA_FILE, OWNED_MARK, thread_file
from pmsync.demo.world import BOT, NOTHING_WRITTEN
from pmsync.engine import identity, markers
from pmsync.runtime.redact import Redactor
from pmsync.sandbox.runner import Sandbox

pytestmark = pytest.mark.e2e

REPO = "acme/payments"


@dataclass
class Told:
    result: DemoResult
    state: dict[str, Any]  # the sandbox at the end of the story
    output: Path
    printed: list[str]
    url: str  # the sandbox's origin

    @property
    def number(self) -> int:
        return self.result.numbers["payments"]

    def issue(self, number: int | None = None) -> dict[str, Any]:
        issues = self.state["github"]["repos"][REPO]["issues"]
        issue: dict[str, Any] = issues[str(number or self.number)]
        return issue

    def chapter(self, chapter: Chapter) -> ChapterRecord:
        return next(c for c in self.result.chapters if c.title == chapter.TITLE)

    def digest_number(self) -> int:
        issues = self.state["github"]["repos"][REPO]["issues"].values()
        found = [i["number"] for i in issues if "pm:digest" in i["labels"]]
        assert len(found) == 1
        return int(found[0])

    def bot_comments(self, number: int | None = None) -> list[str]:
        comments = self.state["github"]["repos"][REPO]["comments"].values()
        wanted = number or self.number
        return [c["body"] for c in comments if c["issue_number"] == wanted and c["user"] == BOT]

    def comment(self, marker: str, number: int | None = None) -> str:
        found = [body for body in self.bot_comments(number) if markers.has_marker(body, marker)]
        assert len(found) == 1, f"{len(found)} comments carry {marker}"
        return found[0]

    def tickets(self) -> dict[str, dict[str, Any]]:
        return self.tickets_of(self.number)

    def tickets_of(self, number: int) -> dict[str, dict[str, Any]]:
        label = identity.postmortem_label(REPO, number)
        issues: dict[str, dict[str, Any]] = self.state["jira"]["issues"]
        return {key: raw for key, raw in issues.items() if label in raw["labels"]}

    def label_events(self) -> list[tuple[str, str, str]]:
        events = self.state["github"]["repos"][REPO]["events"]
        return [
            (e["event"], e["label"]["name"], e["actor"])
            for e in events
            if e["issue_number"] == self.number and e["event"] in ("labeled", "unlabeled")
        ]

    def file(self, name: str) -> str:
        return (self.output / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def told(sandbox_server: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Told:
    sandbox_server.reset()
    output = tmp_path_factory.mktemp("demo") / "demo-output"
    printed: list[str] = []
    result = tell(
        sandbox_server,
        output,
        tmp_path_factory.mktemp("work"),
        show=printed.append,
        redactor=Redactor(),
    )
    return Told(result, sandbox_server.state(), output, printed, sandbox_server.url)


# --- chapter 1: the invalid post-mortem -----------------------------------------------------


def test_the_invalid_postmortem_got_feedback_and_the_needs_fix_label(told: Told) -> None:
    assert ("labeled", "pm:needs-fix", BOT) in told.label_events()
    kept = told.file("feedback-before-the-fix.md")
    assert "needs a few fixes" in kept
    assert "priority 'High' is not one of P0, P1, P2, P3" in kept
    assert "due 'next sprint' cannot be read" in kept


def test_the_feedback_comment_was_edited_in_place_once_fixed(told: Told) -> None:
    feedback = told.comment(markers.FEEDBACK)
    assert "Fixed" in feedback
    assert ("unlabeled", "pm:needs-fix", BOT) in told.label_events()
    assert "pm:needs-fix" not in told.issue()["labels"]


# --- chapter 2: tickets after the fix ---------------------------------------------------------


def test_the_fix_created_one_ticket_per_item_with_owner_and_link(told: Told) -> None:
    tickets = told.tickets()
    assert sorted((t["summary"], t["assignee"], t["due"]) for t in tickets.values()) == [
        (
            "Add database connections to the capacity checklist run 5 days before each campaign",
            "alice",
            "2026-12-04",
        ),
        ("Alert when payments-db pool usage stays above 80% for 5 minutes", "bob", "2026-11-27"),
        ("Give report queries their own pool, capped at 20 connections", "alice", "2026-12-04"),
        ("Make the pool size a runtime setting that needs no restart", "bob", "2026-12-11"),
    ]
    issue_url = f"{told.url}/{REPO}/issues/{told.number}"
    for ticket in tickets.values():
        assert [link["global_id"] for link in ticket["remote_links"]] == [issue_url]


def test_the_ticket_column_names_every_key(told: Told) -> None:
    body = told.issue()["body"]
    for key in told.tickets():
        assert f"[{key}](" in body


def test_pmsyncs_own_edit_of_the_table_changed_nothing_more(told: Told) -> None:
    chapter = told.chapter(tickets)
    beats = [(beat.kind, beat.text) for beat in chapter.beats]
    second_event = [i for i, (kind, _) in enumerate(beats) if kind == "ran"][1]
    assert beats[second_event + 1] == ("say", NOTHING_WRITTEN)


# --- chapter 3: owners move tickets, the sync updates the status ----------------------------


def test_the_owners_transitions_reached_jira(told: Told) -> None:
    by_summary = {t["summary"]: t for t in told.tickets().values()}
    done = by_summary[jira_moves.DONE[1]]
    dropped = by_summary[jira_moves.DROPPED[1]]
    assert (done["resolution"], dropped["resolution"]) == ("10000", "10001")  # Done, Won't Do


def test_the_status_comment_shows_done_dropped_and_overdue(told: Told) -> None:
    status = told.comment(markers.STATUS)
    assert "### Action items: 1 of 4 done · 2 overdue · 1 dropped" in status
    assert "✅ Done" in status
    assert "🚫 dropped" in status
    chapter = told.chapter(jira_moves)
    said = [line for beat in chapter.beats for line in beat.lines]
    assert any("Action items: 1 of 4 done · 1 dropped" in line for line in said)


# --- chapter 4: follow-ups, overdue, nothing twice --------------------------------------------


def test_each_review_was_posted_exactly_once_and_overdue_is_flagged(told: Told) -> None:
    assert "2-week follow-up review" in told.comment(markers.followup_marker(14))
    assert "4-week follow-up review" in told.comment(markers.followup_marker(28))
    assert len(told.bot_comments()) == 5  # feedback, status, two reviews, the back-link
    assert "pm:overdue" in told.issue()["labels"]
    assert ("labeled", "pm:overdue", BOT) in told.label_events()


def test_the_second_sync_posted_nothing_new(told: Told) -> None:
    last = told.chapter(followups).beats
    ran = [i for i, beat in enumerate(last) if beat.kind == "ran"][-1]
    assert last[ran].lines[0] == "done: nothing to do"
    assert last[ran + 1].text == NOTHING_WRITTEN


# --- the output folder -----------------------------------------------------------------------


def test_the_output_holds_the_threads_the_tickets_and_the_story(told: Told) -> None:
    assert told.result.files[0] == INDEX_FILE
    assert sorted(told.result.files) == sorted(
        [
            INDEX_FILE,
            thread_file(REPO, told.number),
            thread_file(REPO, told.result.numbers["repeat"]),
            thread_file(REPO, told.digest_number()),
            JIRA_FILE,
            "feedback-before-the-fix.md",
            report.REPORT_FILE,
        ]
    )
    index = told.file(INDEX_FILE)
    for name in told.result.files[1:]:
        assert f"]({name})" in index
    for chapter in told.result.chapters:
        assert f"## {chapter.number}. {chapter.title}" in index
    assert f"| pmsync ({told.result.runs} runs) |" in index


def test_the_thread_file_shows_the_body_and_every_comment_in_order(told: Told) -> None:
    text = told.file(thread_file(REPO, told.number))
    order = [
        "**alice** opened this issue",
        "> ### Action items",
        "✅ Fixed, thank you",
        "> ### Action items: 1 of 4 done · 2 overdue · 1 dropped",
        "2-week follow-up review",
        "4-week follow-up review",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert "`pm:overdue`" in text


def test_links_into_the_sandbox_point_at_the_output_files(told: Told) -> None:
    for name in told.result.files:
        assert not re.search(r"https?://127\.0\.0\.1:\d+/", told.file(name)), name
    thread = told.file(thread_file(REPO, told.number))
    assert "[OPS-1](jira-tickets.md#ops-1)" in thread
    assert f"]({thread_file(REPO, told.number)})" in told.file(JIRA_FILE)


def test_the_jira_file_shows_every_ticket_with_its_state(told: Told) -> None:
    text = told.file(JIRA_FILE)
    for key in told.tickets():
        assert f"\n## {key}\n" in text
    assert "| Done | Done | High | Alice Adams | pmsync | 2026-12-04 |" in text
    assert "| Done | Won't Do | Medium | Bob Baker | pmsync | 2026-12-11 |" in text


def test_the_narration_tells_each_chapter_and_the_request_counts(told: Told) -> None:
    printed = "\n".join(told.printed)
    for chapter in told.result.chapters:
        assert f"{chapter.number}. {chapter.title}" in printed
    assert "requests per service" in printed
    pmsync_row = told.result.requests[0]
    assert pmsync_row.who == f"pmsync ({told.result.runs} runs)"
    assert f"GitHub {pmsync_row.github[0]} reads, {pmsync_row.github[1]} writes" in printed
    # Jira writes: two bulk creates, six remote links, four "relates to" links; nothing more
    assert pmsync_row.jira[1] == 12


# --- chapter 5: a repeat incident -------------------------------------------------------------


def test_the_second_incident_is_flagged_and_shows_the_unfinished_item(told: Told) -> None:
    second = told.result.numbers["repeat"]
    assert "repeat-incident" in told.issue(second)["labels"]
    comment = told.comment(markers.REPEAT, second)
    assert f"[acme/payments#{told.number}](" in comment
    overdue = next(line for line in comment.splitlines() if "[OPS-1](" in line)
    assert "overdue" in overdue
    assert "Alert when payments-db pool usage stays above 80% for 5 minutes" in overdue
    assert "[OPS-2](" not in comment  # done: not listed as unfinished


def test_the_first_postmortem_got_one_back_link(told: Told) -> None:
    second = told.result.numbers["repeat"]
    backlinks = [body for body in told.bot_comments() if "Recurred in" in body]
    assert len(backlinks) == 1
    assert f"acme/payments#{second}" in backlinks[0]
    text = told.file(thread_file(REPO, told.number))
    assert f"Recurred in [acme/payments#{second}]({thread_file(REPO, second)})" in text


def test_the_second_postmortems_tickets_relate_to_the_first_ones_still_open(told: Told) -> None:
    second = told.tickets_of(told.result.numbers["repeat"])
    assert len(second) == 2
    by_id = {raw["id"]: key for key, raw in told.state["jira"]["issues"].items()}
    links = {
        frozenset((by_id[link["inward"]], by_id[link["outward"]]))
        for link in told.state["jira"]["links"]
    }
    first_open = {"OPS-1", "OPS-4"}  # OPS-2 is done, OPS-3 dropped
    assert links == {frozenset((new, old)) for new in second for old in first_open}
    said = [line for beat in told.chapter(repeat_incident).beats for line in beat.lines]
    assert any("labels +repeat-incident" in line for line in said)


# --- the last chapter: the report -------------------------------------------------------------


def test_the_report_covers_the_story_and_is_published_as_the_digest(told: Told) -> None:
    text = told.file(report.REPORT_FILE)
    assert text.startswith(f"## Post-mortem report: {report.SINCE} to {report.UNTIL}")
    assert "| Action-item completion within 28 days | **25%** (1 of 4) ❌ |" in text
    assert "| Repeat incidents | **50%** (1 of 2) |" in text
    assert "| Dropped action items | **1** |" in text
    assert "[OPS-1](jira-tickets.md#ops-1)" in text  # overdue, with a link that works here
    digest = told.issue(told.digest_number())
    assert digest["user"] == BOT
    assert "Post-mortem report" in digest["body"]
    said = [line for beat in told.chapter(report).beats for line in beat.lines]
    assert "Action-item completion within 28 days: 25% (1 of 4) ❌" in said


# --- the command -----------------------------------------------------------------------------


def test_the_command_runs_on_its_own_sandbox_and_replaces_earlier_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "demo-output"
    assert main(["demo", "--output", str(output), "--quiet"]) == 0
    (output / "stale.md").write_text("from an earlier demo", encoding="utf-8")
    assert main(["demo", "--output", str(output), "--quiet"]) == 0
    assert capsys.readouterr().out.splitlines() == [str(output / INDEX_FILE)] * 2
    names = {p.name for p in output.iterdir()}
    assert "stale.md" not in names
    assert {OWNED_MARK, INDEX_FILE, thread_file(REPO, 1), JIRA_FILE} <= names


def test_the_command_never_writes_into_a_folder_it_did_not_make(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.md").write_text("mine", encoding="utf-8")
    assert main(["demo", "--output", str(tmp_path), "--quiet"]) == 2
    assert "is not empty and holds no earlier demo output" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.md"]


def test_a_failing_pmsync_run_stops_the_story_with_what_pmsync_said(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.add_fault(service="jira", method="POST", path_regex="/issue/bulk$", status=400)
    printed: list[str] = []
    with pytest.raises(StoryBroke) as stopped:
        tell(sandbox, tmp_path / "out", tmp_path, show=printed.append, redactor=Redactor())
    message = str(stopped.value)
    assert "`pmsync handle-event    # issues.edited on #1` exited 1" in message
    assert "failed: acme/payments#1" in message
    assert any("$ pmsync handle-event" in line for line in printed)
