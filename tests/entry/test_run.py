"""Closing a run: the printed lines, the annotations and the job summary say what was (or
would be) done, post-mortem by post-mortem, and what failed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support import factories
from support.actions_runner import runner_commands
from support.github_markdown import as_read_on_github, stray_links

from pmsync.adapters.retry import RequestLog
from pmsync.config.redact import Redactor
from pmsync.config.schema import Config
from pmsync.core.domain.changes import CreateTickets, NewTicket, SetIssueLabels, UpsertComment
from pmsync.core.domain.state import IssueState
from pmsync.core.postmortem.form import default_form
from pmsync.entry.cli import main
from pmsync.entry.run import Run
from pmsync.entry.worker import describe_sync
from pmsync.errors import RemoteError
from pmsync.orchestration import journal
from pmsync.orchestration.apply import Outcome, RunSummary
from pmsync.orchestration.journal import Reconciled
from pmsync.orchestration.reconcile import RunContext

ISSUE = factories.issue()
TOKEN = "ghp_KnownSecretForTheSummaryTest0123"


def comment(body: str) -> UpsertComment:
    return UpsertComment(
        repo="acme/payments", number=1, marker="<!-- m -->", body=body, comment_id=None
    )


def create(*summaries: str) -> CreateTickets:
    return CreateTickets(
        repo=ISSUE.repo,
        number=ISSUE.number,
        tickets=tuple(
            NewTicket(
                item_id=f"item-{row}",
                row=row,
                project="OPS",
                issue_type="Task",
                summary=summary,
                description="",
                priority="P1",
                due=factories.CREATED.date(),
                labels=(),
                assignee=None,
            )
            for row, summary in enumerate(summaries, start=1)
        ),
    )


LABELS = SetIssueLabels(repo=ISSUE.repo, number=ISSUE.number, add=("sev:2", "service:payments"))


class Unused:
    """GitHub or Jira for a run that only closes: asked nothing."""


def closed_run(
    *outcomes: Outcome,
    dry_run: bool = False,
    failures: tuple[str, ...] = (),
    warnings: tuple[str, ...] = (),
    redactor: Redactor | None = None,
) -> Run:
    context = RunContext(
        Unused(), Unused(), Config(), default_form(), datetime(2026, 12, 1, tzinfo=UTC), dry_run
    )
    context.repeats.warnings.extend(warnings)
    run = Run(context, RequestLog(), redactor or Redactor())
    run.record.summary = RunSummary(outcomes=list(outcomes))
    run.record.failures.extend(failures)
    return run


def reconciled(
    run: Run,
    *outcomes: Outcome,
    issue: IssueState = ISSUE,
    failures: tuple[str, ...] = (),
    stopped: BaseException | None = None,
) -> None:
    """The run is done with ``issue``, as reconcile_all tells its record's listener."""
    run.record.summary.outcomes.extend(outcomes)
    run.record.failures.extend(failures)
    run.record.listener(Reconciled(issue, outcomes, failures, stopped))


@pytest.fixture
def step_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "summary.md"
    path.touch()
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(path))
    return path


@pytest.fixture
def in_actions(step_summary: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    yield step_summary


# -- the printed lines ------------------------------------------------------------------


def test_a_dry_run_says_what_it_would_apply_once(capsys: pytest.CaptureFixture[str]) -> None:
    planned = [Outcome(comment("a"), "applied"), Outcome(comment("b"), "applied")]
    assert closed_run(*planned, dry_run=True).finish() == 0
    assert capsys.readouterr().out.splitlines()[0] == "would do: 2 comments written"
    assert closed_run(dry_run=True).finish() == 0
    assert capsys.readouterr().out.splitlines()[0] == "would do: nothing to do"


def test_a_run_says_what_it_did(capsys: pytest.CaptureFixture[str]) -> None:
    done = [Outcome(comment("a"), "applied"), Outcome(comment("b"), "in_place")]
    assert closed_run(*done).finish() == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["done: 1 comment written", "already in place: 1 comment written"]


REFUSED = "repeat incidents not checked in this run: github GET /search/issues answered 422"


def test_warnings_are_reported_where_people_look_and_fail_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert closed_run(warnings=(REFUSED,)).finish() == 0
    assert capsys.readouterr().err == f"warning: {REFUSED}\n"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert closed_run(warnings=(REFUSED,)).finish() == 0
    assert runner_commands(capsys.readouterr().err) == [("warning", {"title": "pmsync"}, REFUSED)]


def test_the_workers_line_carries_the_warnings() -> None:
    result = describe_sync(2, closed_run(warnings=(REFUSED,)))
    assert result.ok
    assert result.summary.startswith("2 post-mortem(s) synced, 0 comment(s) written")
    assert result.summary.endswith(f"; warning: {REFUSED}")


# -- the journal --------------------------------------------------------------------------


def test_the_journal_tells_what_a_post_mortem_added_also_when_the_run_ends_there() -> None:
    heard: list[Reconciled] = []
    outcomes = [Outcome(comment("earlier"), "applied")]
    failures = ["acme/payments#1: earlier"]
    with journal.told(heard.append, ISSUE, outcomes, failures):
        outcomes.append(Outcome(LABELS, "failed", "answered 422"))
        failures.append(f"{ISSUE.ref}: a change was refused (see above)")
    error = RemoteError("jira", "GET", "/x", 500, "Internal Server Error")
    with pytest.raises(RemoteError), journal.told(heard.append, ISSUE, outcomes, failures):
        outcomes.append(Outcome(comment("later"), "applied"))
        raise error
    assert [(r.outcomes, r.failures, r.stopped) for r in heard] == [
        ((outcomes[1],), (failures[1],), None),
        ((outcomes[2],), (), error),
    ]
    assert heard[0].refused == (outcomes[1],)


# -- the job summary ----------------------------------------------------------------------


def test_the_summary_of_a_dry_run_shows_the_plan_of_each_post_mortem(step_summary: Path) -> None:
    run = closed_run(dry_run=True)
    other = factories.issue(number=7, title="Nothing changed here")
    reconciled(run, Outcome(create("Add pool alert", "Cap queries"), "applied"))
    reconciled(run, issue=other)
    reconciled(run, Outcome(LABELS, "applied"), issue=factories.issue(number=8, title="Labels"))
    assert run.finish() == 0
    summary = step_summary.read_text(encoding="utf-8")
    assert summary.startswith("### pmsync: the plan (dry run: nothing was written)\n")
    assert summary.count("### pmsync") == 1
    section = f"#### [{ISSUE.ref}]({ISSUE.html_url}): {ISSUE.title}\n"
    assert section in summary
    assert "row 1 in OPS: Add pool alert<br>row 2 in OPS: Cap queries |" in summary
    assert "| planned | label acme/payments#\u200d42: +sev:2 +service:payments |" in summary
    assert "Nothing changed here" not in summary, "a post-mortem left as it was has no section"
    assert "- post-mortems: 3 looked at, 1 with nothing to do\n" in summary
    assert "- would do: tickets created for 1 post-mortem, labels set on 1 issue\n" in summary


def test_the_summary_of_a_run_shows_what_was_done_and_what_failed(step_summary: Path) -> None:
    run = closed_run()
    reconciled(
        run,
        Outcome(create("Add pool alert"), "applied"),
        Outcome(comment("status"), "in_place"),
        Outcome(LABELS, "failed", "github POST /labels answered 422: Validation Failed"),
        failures=(f"{ISSUE.ref}: a change was refused (see above)",),
    )
    other = factories.issue(number=9, title="Unparsable")
    reconciled(run, issue=other, failures=(f"{other.ref}: the plan did not settle",))
    assert run.finish() == 1
    summary = step_summary.read_text(encoding="utf-8")
    assert summary.startswith("### pmsync: what was done\n")
    assert "| done | create 1 Jira ticket(s) for acme/payments#\u200d42:" in summary
    assert "| already in place | create the &lt;!-- m --&gt; comment" in summary
    assert (
        "| failed | label acme/payments#\u200d42: +sev:2 +service:payments<br>refused: github "
        "POST /labels answered 422: Validation Failed |" in summary
    )
    assert "see above" not in summary, "the refused change says it; no second note"
    assert "- failed: the plan did not settle\n" in summary
    assert "1 with nothing to do" not in summary
    assert "- post-mortems: 2 looked at, 0 with nothing to do, 2 with a failure\n" in summary
    assert (
        "- done: tickets created for 1 post-mortem\n- already in place: 1 comment written\n"
        in summary
    )


def test_a_post_mortem_the_run_ended_on_keeps_what_was_done_before(step_summary: Path) -> None:
    run = closed_run()
    error = RemoteError("jira", "POST", "/remotelink", 503, "Service Unavailable")
    reconciled(run, Outcome(create("Add pool alert"), "applied"), stopped=error)
    summary = step_summary.read_text(encoding="utf-8")
    assert "| done | create 1 Jira ticket(s)" in summary
    assert "The run stopped here, on an error (below)." in summary


HOSTILE_TITLE = "Outage @octocat cc @acme/ops see #3 [x](https://evil.example) <!-- hide"
HOSTILE_ACTION = "Ping @bob ![i](https://evil.example/i.png) | fake cell ``` # heading"


def test_issue_text_in_the_summary_links_and_mentions_nothing(step_summary: Path) -> None:
    run = closed_run()
    issue = factories.issue(title=HOSTILE_TITLE)
    answer = "github POST answered 422: label @octocat/x is https://evil.example"
    reconciled(
        run,
        Outcome(create(HOSTILE_ACTION), "failed", answer),
        issue=issue,
        failures=(f"{issue.ref}: a change was refused (see above)",),
    )
    summary = step_summary.read_text(encoding="utf-8")
    assert stray_links(summary, {issue.html_url}) == []
    assert "@octocat" not in summary and "@acme/ops" not in summary and "@bob" not in summary
    assert "<!--" not in summary
    shown = as_read_on_github(summary).replace("\u200d", "")
    assert HOSTILE_TITLE in shown and HOSTILE_ACTION in shown, "the text is shown, inert"
    rows = [line for line in summary.splitlines() if line.startswith("| failed |")]
    assert len(rows) == 1 and rows[0].count(" | ") == 1, "the text stays in its cell"


def test_secrets_in_what_failed_are_masked_in_the_summary(step_summary: Path) -> None:
    run = closed_run(redactor=Redactor([TOKEN]))
    answer = f"answered 401: bad credentials token {TOKEN} for @someone"
    reconciled(run, Outcome(LABELS, "failed", answer), failures=("x",))
    run.finish()
    summary = step_summary.read_text(encoding="utf-8")
    assert TOKEN not in summary and "bad credentials token *** for" in summary


# -- annotations ---------------------------------------------------------------------------


def test_each_failure_is_one_error_annotation_in_actions(
    in_actions: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = closed_run(redactor=Redactor([TOKEN]))
    reconciled(
        run,
        Outcome(create("Add pool alert"), "failed", "jira POST /issue/bulk answered 400"),
        Outcome(LABELS, "failed", f"github answered 422 for {TOKEN}"),
        failures=(f"{ISSUE.ref}: a change was refused (see above)",),
    )
    other = factories.issue(number=9)
    reconciled(run, issue=other, failures=(f"{other.ref}: github GET answered 404",))
    reconciled(run, Outcome(comment("fine"), "applied"), issue=factories.issue(number=10))
    assert run.finish() == 1
    errors = [c for c in runner_commands(capsys.readouterr().err) if c[0] == "error"]
    assert errors == [
        (
            "error",
            {"title": f"pmsync: {ISSUE.ref}"},
            "create 1 Jira ticket(s) for acme/payments#42:\n"
            "  - row 1 in OPS: Add pool alert: jira POST /issue/bulk answered 400",
        ),
        (
            "error",
            {"title": f"pmsync: {ISSUE.ref}"},
            f"label {ISSUE.ref}: +sev:2 +service:payments: github answered 422 for ***",
        ),
        ("error", {"title": "pmsync: acme/payments#9"}, "github GET answered 404"),
    ]


def test_outside_actions_failures_are_the_closing_lines_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = closed_run()
    reconciled(
        run,
        Outcome(LABELS, "failed", "answered 422"),
        failures=(f"{ISSUE.ref}: a change was refused (see above)",),
    )
    assert run.finish() == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert f"failed: {LABELS.describe()}: answered 422" in out.splitlines()


# -- an error that ends the run ------------------------------------------------------------


def test_an_error_that_ends_the_run_is_in_the_summary(
    in_actions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.yml"
    assert main(["sync", "--config", str(missing)]) == 3
    summary = in_actions.read_text(encoding="utf-8")
    assert summary.startswith("### pmsync stopped with an error\n\npmsync: configuration: ")
    assert "nowhere.yml" in summary
    errors = [c for c in runner_commands(capsys.readouterr().err) if c[0] == "error"]
    assert [title for _, title, _ in errors] == [{"title": "pmsync: configuration"}]
