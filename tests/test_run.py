"""Closing a run: the printed lines and the job summary say what was (or would be) done."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest
from actions_runner import runner_commands
from github_markdown import fenced_content

from pmsync.adapters.retry import RequestLog
from pmsync.domain.changes import UpsertComment
from pmsync.engine.apply import Outcome, RunSummary
from pmsync.engine.reconcile import Engine
from pmsync.runtime.run import Run
from pmsync.runtime.worker import describe_sync


def comment(body: str) -> UpsertComment:
    return UpsertComment(
        repo="acme/payments", number=1, marker="<!-- m -->", body=body, comment_id=None
    )


def closed_run(
    *outcomes: Outcome,
    dry_run: bool = False,
    failures: tuple[str, ...] = (),
    warnings: tuple[str, ...] = (),
) -> Run:
    summary = RunSummary(outcomes=list(outcomes))
    engine = SimpleNamespace(
        summary=summary,
        dry_run=dry_run,
        failures=list(failures),
        repeats=SimpleNamespace(warnings=list(warnings)),
    )
    return Run(cast(Engine, engine), RequestLog())


@pytest.fixture
def step_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(path))
    return path


def test_a_dry_run_says_what_it_would_apply_once(capsys: pytest.CaptureFixture[str]) -> None:
    planned = [Outcome(comment("a"), "applied"), Outcome(comment("b"), "applied")]
    assert closed_run(*planned, dry_run=True).finish() == 0
    assert capsys.readouterr().out.splitlines()[0] == "would apply: 2 upsert_comment"
    assert closed_run(dry_run=True).finish() == 0
    assert capsys.readouterr().out.splitlines()[0] == "would apply: nothing to do"


def test_a_run_says_what_it_did(capsys: pytest.CaptureFixture[str]) -> None:
    done = [Outcome(comment("a"), "applied"), Outcome(comment("b"), "in_place")]
    assert closed_run(*done).finish() == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["done: applied: 1 upsert_comment", "done: in place: 1 upsert_comment"]


def test_backticks_in_what_failed_stay_inside_the_job_summarys_block(
    step_summary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failure = "acme/payments#1: Jira refused ```` the action\n```\n# not a heading"
    assert closed_run(failures=(failure,)).finish() == 1
    printed = capsys.readouterr().out.rstrip("\n")
    summary = step_summary.read_text(encoding="utf-8")
    assert summary.startswith("### pmsync\n\n")
    assert fenced_content(summary.removeprefix("### pmsync\n\n")) == printed


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
