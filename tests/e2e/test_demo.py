"""`pmsync demo`: the story's outcomes, read from the sandbox it ran on, and its output.

The story runs once on the test sandbox (module fixture); each test checks one outcome
a chapter promises, from what GitHub and Jira hold at the end (``GET /_sandbox/state``)
and from the files written to the output folder. The command itself runs on its own
sandbox (a free port), as `scripts/demo` runs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pmsync.config.redact import Redactor
from pmsync.core.domain import identity, markers
from pmsync.entry.cli import main
from pmsync_sandbox.demo import StoryBroke
from pmsync_sandbox.demo.chapters import (
    Chapter,
    completion,
    followups,
    jira_moves,
    outsider,
    repeat_incident,
    report,
    table_edits,
    tickets,
)
from pmsync_sandbox.demo.narrator import ChapterRecord
from pmsync_sandbox.demo.story import CHAPTERS, DemoResult, run_demo, tell
from pmsync_sandbox.demo.transcript import INDEX_FILE, JIRA_FILE, OWNED_MARK, thread_file
from pmsync_sandbox.demo.world import BOT, NOTHING_WRITTEN
from pmsync_sandbox.runner import Sandbox, SandboxControl

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

    def label_events(self, number: int | None = None) -> list[tuple[str, str, str]]:
        events = self.state["github"]["repos"][REPO]["events"]
        wanted = number or self.number
        return [
            (e["event"], e["label"]["name"], e["actor"])
            for e in events
            if e["issue_number"] == wanted and e["event"] in ("labeled", "unlabeled")
        ]

    def said(self, chapter: Chapter) -> list[str]:
        """Every line the narration showed in that chapter: beats and what they list."""
        beats = self.chapter(chapter).beats
        return [line for beat in beats for line in (beat.text, *beat.lines)]

    def by_summary(self) -> dict[str, dict[str, Any]]:
        return {t["summary"]: t for t in self.tickets().values()}

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
    assert "priority 'High' is not one of P0, P1, P2, P3; write P1" in kept
    assert "due 'next sprint' cannot be read" in kept


def test_the_feedback_comment_was_edited_in_place_once_fixed(told: Told) -> None:
    feedback = told.comment(markers.FEEDBACK)
    assert "Fixed" in feedback
    assert ("unlabeled", "pm:needs-fix", BOT) in told.label_events()
    assert "pm:needs-fix" not in told.issue()["labels"]


# --- chapter 2: tickets after the fix ---------------------------------------------------------


def test_the_fix_created_one_ticket_per_item_with_owner_and_link(told: Told) -> None:
    created = told.tickets()
    assert sorted((t["summary"], t["assignee"], t["due"]) for t in created.values()) == [
        (
            "Add database connections to the capacity checklist run 5 days before each campaign",
            "bob",  # alice's at first (the narration of chapter 2), bob's since chapter 5
            "2026-12-04",
        ),
        ("Alert when payments-db pool usage stays above 80% for 5 minutes", "bob", "2026-11-27"),
        ("Give report queries their own pool, capped at 20 connections", "alice", "2026-12-04"),
        ("Make the pool size a runtime setting that needs no restart", "bob", "2026-12-11"),
    ]
    issue_url = f"{told.url}/{REPO}/issues/{told.number}"
    for ticket in created.values():
        assert [link["global_id"] for link in ticket["remote_links"]] == [issue_url]
    assert (
        "Jira: OPS-4 created, “Add database connections to the capacity checklist run 5 days "
        "before each campaign” (alice, due 2026-12-04, links back to the issue)"
    ) in told.said(tickets)


def test_the_ticket_column_names_every_key_of_the_table(told: Told) -> None:
    body = told.issue()["body"]
    for key in told.tickets():
        assert (f"[{key}](" in body) == (key != "OPS-3")  # OPS-3's row left in chapter 5


def test_pmsyncs_own_edit_of_the_table_changed_nothing_more(told: Told) -> None:
    chapter = told.chapter(tickets)
    beats = [(beat.kind, beat.text) for beat in chapter.beats]
    second_event = [i for i, (kind, _) in enumerate(beats) if kind == "ran"][1]
    assert beats[second_event + 1] == ("say", NOTHING_WRITTEN)


# --- chapter 3: owners move tickets, the sync updates the status ----------------------------


def test_the_owners_transitions_reached_jira(told: Told) -> None:
    by_summary = told.by_summary()
    done = by_summary[jira_moves.DONE[1]]
    dropped = by_summary[jira_moves.DROPPED[1]]
    assert (done["resolution"], dropped["resolution"]) == ("10000", "10001")  # Done, Won't Do


def test_the_status_comment_followed_done_dropped_and_overdue(told: Told) -> None:
    assert any("Action items: 1 of 4 done · 1 dropped" in line for line in told.said(jira_moves))
    assert any(
        "Action items: 1 of 4 done · 2 overdue · 1 dropped" in line for line in told.said(followups)
    )
    status = told.comment(markers.STATUS)
    assert "### Action items: 3 of 3 done" in status
    assert "⚠️" not in status and "🚫" not in status


# --- chapter 4: follow-ups, overdue, nothing twice --------------------------------------------


def test_each_review_was_posted_exactly_once_and_overdue_is_flagged(told: Told) -> None:
    assert "2-week follow-up review" in told.comment(markers.followup_marker(14))
    assert "4-week follow-up review" in told.comment(markers.followup_marker(28))
    # feedback, status, two reminders, two reviews, the back-link, the closing comment
    assert len(told.bot_comments()) == 8
    assert ("labeled", "pm:overdue", BOT) in told.label_events()
    assert any("labels +pm:overdue" in line for line in told.said(followups))


def test_each_overdue_item_got_one_reminder_mentioning_its_owner(told: Told) -> None:
    def nudge(key: str, due: date) -> str:
        """The one nudge naming ``key`` (nudges are keyed by item, not by ticket)."""
        ends = f":{due.isoformat()} -->"
        (found,) = [
            body
            for body in told.bot_comments()
            if body.startswith("<!-- pmsync:nudge:")
            and body.splitlines()[0].endswith(ends)
            and f"[{key}](" in body
        ]
        return found

    alert = nudge("OPS-1", date(2026, 11, 27))
    checklist = nudge("OPS-4", date(2026, 12, 4))
    assert alert.splitlines()[1].startswith("⏰ @bob: the action item [OPS-1](")
    assert "was due on 2026-11-27 and is 3 days overdue" in alert
    assert checklist.splitlines()[1].startswith("⏰ @alice: the action item [OPS-4](")
    reminders = [body for body in told.bot_comments() if "⏰" in body]
    assert len(reminders) == 2


def test_the_last_sync_of_the_weeks_posted_nothing_new(told: Told) -> None:
    last = told.chapter(followups).beats
    ran = [i for i, beat in enumerate(last) if beat.kind == "ran"][-1]
    assert last[ran].lines[0] == "nothing to do"
    assert last[ran + 1].text == NOTHING_WRITTEN


# --- the output folder -----------------------------------------------------------------------


def test_the_output_holds_the_threads_the_tickets_and_the_story(told: Told) -> None:
    assert told.result.files[0] == INDEX_FILE
    assert sorted(told.result.files) == sorted(
        [
            INDEX_FILE,
            thread_file(REPO, told.number),
            thread_file(REPO, told.result.numbers["repeat"]),
            thread_file(REPO, told.result.numbers["outsider"]),
            thread_file(REPO, told.digest_number()),
            JIRA_FILE,
            "feedback-before-the-fix.md",
            repeat_incident.KEPT_FILE,
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
        "> ### Action items: 3 of 3 done",
        "> ⏰ @bob",
        "2-week follow-up review",
        "> ⏰ @alice",
        "4-week follow-up review",
        "Recurred in",
        "> ### ✅ Post-mortem complete",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert text.startswith(f"# {told.issue()['title']}\n\n`{REPO}#{told.number}` · **closed**")
    assert "`pm:complete`" in text and "`pm:overdue`" not in text


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
    assert "| Done | Done | Medium | Bob Baker | pmsync | 2026-12-04 |" in text  # OPS-4


def test_the_narration_tells_each_chapter_and_the_request_counts(told: Told) -> None:
    printed = "\n".join(told.printed)
    for chapter in told.result.chapters:
        assert f"{chapter.number}. {chapter.title}" in printed
    assert "requests per service" in printed
    pmsync_row = told.result.requests[0]
    assert pmsync_row.who == f"pmsync ({told.result.runs} runs)"
    assert f"GitHub {pmsync_row.github[0]} reads, {pmsync_row.github[1]} writes" in printed
    # Jira writes: three bulk creates, eight remote links, two "relates to" links (one per
    # earlier ticket still open), one edit (a new assignee) with the description that names
    # the owner, and one comment (a removed row); nothing more
    assert pmsync_row.jira[1] == 16


# --- chapter 5: the table changes ---------------------------------------------------------------


def test_the_edited_row_reached_its_ticket(told: Told) -> None:
    handed_over = told.by_summary()[table_edits.HANDED_OVER]
    assert handed_over["assignee"] == "bob"
    assert "Jira: OPS-4 changed (assignee alice → bob)" in told.said(table_edits)
    row = next(line for line in told.issue()["body"].splitlines() if "[OPS-4](" in line)
    assert " | @bob | " in row


def test_the_removed_rows_ticket_was_told_once_and_kept(told: Told) -> None:
    removed = told.by_summary()[table_edits.REMOVED]
    assert removed["key"] == "OPS-3"
    assert identity.REMOVED_LABEL in removed["labels"]
    (comment,) = removed["comments"]
    assert comment["author"] == "pmsync"
    assert "This action item was removed from the post-mortem" in comment["body"]["wiki"]
    assert table_edits.REMOVED not in told.issue()["body"]
    status = told.comment(markers.STATUS)
    table, _, removed_list = status.partition("**Removed from the post-mortem**")
    assert "[OPS-3](" not in table
    # OPS-3 was closed as Won't Do: its resolution says so, as in every other comment.
    line = f"[OPS-3]({told.url}/jira/browse/OPS-3) {table_edits.REMOVED} (Won't Do)"
    assert line in removed_list
    said = told.said(table_edits)
    assert "Action items: 1 of 3 done · 2 overdue" in " ".join(said)
    assert any(
        line.startswith("Jira: pmsync commented on OPS-3: “This action item was removed")
        for line in said
    )
    assert "## OPS-3" in told.file(JIRA_FILE)


# --- chapter 6: a repeat incident -------------------------------------------------------------


def test_the_second_incident_was_flagged_with_the_unfinished_items(told: Told) -> None:
    second = told.result.numbers["repeat"]
    assert "repeat-incident" in told.issue(second)["labels"]
    posted = told.file(repeat_incident.KEPT_FILE)  # the comment as it read when posted
    assert f"[acme/payments#{told.number}](acme-payments-1.md)" in posted
    listed = [line for line in posted.splitlines() if "Preventable" not in line]
    overdue = next(line for line in listed if "[OPS-1](" in line)
    assert "overdue" in overdue
    assert "Alert when payments-db pool usage stays above 80% for 5 minutes" in overdue
    assert "[OPS-2](" not in posted  # done: not listed as unfinished
    # OPS-1 was planned before the second incident and still open then.
    assert "**Preventable:** [OPS-1](" in posted
    said = told.said(repeat_incident)
    assert any(line.startswith("⚠️ overdue 31d (To Do): OPS-1 Alert") for line in said)
    # Once the first post-mortem's items were done (chapter 8), the comment said so.
    comment = told.comment(markers.REPEAT, second)
    assert "3 of the 3 action items from the earlier post-mortem were finished" in comment


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
    first_new = min(second, key=lambda key: int(key.rpartition("-")[2]))  # its row 1
    assert links == {frozenset((first_new, old)) for old in first_open}
    assert any("labels +repeat-incident" in line for line in told.said(repeat_incident))


# --- chapter 7: an outsider's post-mortem and its approval --------------------------------------


def test_the_outsiders_postmortem_waited_for_a_maintainer(told: Told) -> None:
    number = told.result.numbers["outsider"]
    assert told.issue(number)["user"] == outsider.OUTSIDER
    beats = told.chapter(outsider).beats
    opened, approved = [i for i, beat in enumerate(beats) if beat.kind == "ran"]
    assert beats[opened].text == f"pmsync handle-event    # issues.opened on #{number}"
    waited = beats[opened + 1].lines  # what changed: one comment, nothing in Jira
    assert waited == (f"{REPO}#{number}: {BOT} commented “Thank you for this post-mortem”",)
    quoted = " ".join(beats[opened + 2].lines)
    assert "A maintainer can approve this one by adding the label `pm:approved`" in quoted
    assert "Nothing has been sent to Jira yet." in quoted
    assert beats[approved].text == f"pmsync handle-event    # issues.labeled on #{number}"
    changed = beats[approved + 1].lines
    assert f"{REPO}#{number}: {BOT} updated its comment, now “✅ Approved”" in changed
    assert sum(line.startswith("Jira: OPS-") and "created" in line for line in changed) == 2


def test_the_approval_came_from_a_maintainer_and_created_the_tickets(told: Told) -> None:
    number = told.result.numbers["outsider"]
    assert ("labeled", outsider.APPROVED, "alice") in told.label_events(number)
    approval = told.comment(markers.APPROVAL, number)
    assert "### ✅ Approved" in approval
    assert sorted(t["assignee"] for t in told.tickets_of(number).values()) == ["alice", "bob"]
    assert "Action items: 0 of 2 done" in told.comment(markers.STATUS, number)
    thread = told.file(thread_file(REPO, number))
    assert f"**{outsider.OUTSIDER}** opened this issue" in thread


# --- chapter 8: complete, and closed -----------------------------------------------------------


def test_the_complete_postmortem_was_labelled_and_closed_after_its_closing_comment(
    told: Told,
) -> None:
    issue = told.issue()
    assert issue["state"] == "closed"
    assert "pm:complete" in issue["labels"] and "pm:overdue" not in issue["labels"]
    assert ("unlabeled", "pm:overdue", BOT) in told.label_events()
    closing = told.comment(markers.marker("closing"))
    assert "All 3 action items are done and the 4-week review has been posted" in closing
    events = told.state["github"]["repos"][REPO]["events"]
    closed = [e for e in events if e["issue_number"] == told.number and e["event"] == "closed"]
    assert [e["actor"] for e in closed] == [BOT]
    said = told.said(completion)
    assert f"{REPO}#{told.number}: the issue is now closed" in said
    assert f"{REPO}#{told.number}: {BOT} commented “✅ Post-mortem complete”" in said


# --- the last chapter: the report -------------------------------------------------------------


def test_the_report_covers_the_story_and_is_published_as_the_digest(told: Told) -> None:
    text = told.file(report.REPORT_FILE)
    assert text.startswith(f"## Post-mortem report: {report.SINCE} to {report.UNTIL}")
    assert "| Action-item completion within 28 days | **33.3%** (1 of 3) ❌ |" in text
    assert "| Repeat incidents | **33.3%** (1 of 3) |" in text
    assert "| Overdue action items | **1** |" in text
    assert "[OPS-6](jira-tickets.md#ops-6)" in text  # overdue, with a link that works here
    digest = told.issue(told.digest_number())
    assert digest["user"] == BOT
    assert "Post-mortem report" in digest["body"]
    assert "Action-item completion within 28 days: 33.3% (1 of 3) ❌" in told.said(report)


def test_every_chapter_was_told_once_in_story_order(told: Told) -> None:
    assert [c.title for c in told.result.chapters] == [chapter.TITLE for chapter in CHAPTERS]


def test_the_story_ends_with_the_report(told: Told) -> None:
    assert told.result.chapters[-1].title == report.TITLE
    ran = [beat.text for beat in told.result.chapters[-1].beats if beat.kind == "ran"]
    assert ran[-1] == "pmsync report --publish"


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


def comments(control: SandboxControl) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = control.state()["github"]["repos"][REPO]["comments"]
    return found


def test_keep_leaves_the_sandbox_up_with_its_configuration_to_try_pmsync_on_as_the_story_did(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "demo-output"
    tried: list[str] = []

    def try_it() -> None:
        # What a newcomer pastes into another shell from the printed lines.
        printed = capsys.readouterr().out
        for name, value in re.findall(r"^   export (\w+)=(\S+)", printed, re.MULTILINE):
            monkeypatch.setenv(name, value)
        command = re.search(r"^   (pmsync --config \S+ --now \S+ report .*)$", printed, re.M)
        assert command is not None, printed
        assert main(command.group(1).split()[1:]) == 0
        tried.append(capsys.readouterr().out)
        # The printed variables are the story's pmsync: a sync finds its comments its own
        # (it may post what fell due since the story's last run, a nudge, but as pmsync-bot
        # and never a second status or repeat comment), and a second sync writes nothing.
        control = SandboxControl(printed.split("keeps running at ")[1].split()[0])
        before = set(comments(control))
        sync = re.search(r"^   (pmsync --config \S+ --now \S+) sync --dry-run$", printed, re.M)
        assert sync is not None, printed
        assert main([*sync.group(1).split()[1:], "sync"]) == 0
        after = comments(control)
        assert {after[id]["user"] for id in set(after) - before} <= {BOT}
        for number in {c["issue_number"] for c in after.values()}:
            bodies = [c["body"] for c in after.values() if c["issue_number"] == number]
            for marker in (markers.STATUS, markers.REPEAT):
                assert sum(body.startswith(marker) for body in bodies) <= 1, (number, marker)
        control.clear_requests()
        assert main([*sync.group(1).split()[1:], "sync"]) == 0
        assert [r for r in control.requests("github") if r["method"] != "GET"] == []
        assert "source " in printed and "/bin/activate" in printed

    run_demo(output, show=None, keep=try_it)
    (report,) = tried
    assert "## Post-mortem report: 2026-11-01 to 2026-12-31" in report
    assert "| Post-mortem | Severity |" in report  # the story's post-mortems are there
    assert (output / "pmsync.yml").is_file()
