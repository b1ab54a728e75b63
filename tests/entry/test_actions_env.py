"""Workflow commands, job summary and step outputs, checked against the runner's own rules."""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.actions_runner import runner_commands, runner_outputs
from support.github_markdown import fenced_content

from pmsync.entry import workflow_step as actions_env
from pmsync.entry.cli import main
from pmsync.entry.workflow_step import (
    CommandSafeFormatter,
    CommandSafeStream,
    annotation,
    append_step_summary,
    code_block,
    command_safe_output,
    error_title,
    in_github_actions,
    neutralise_commands,
    output_block,
    report_problem,
    set_outputs,
    write_run_outputs,
)
from pmsync.errors import ConfigError, PmsyncError, RemoteError, UsageError

INJECTIONS = [
    "fine\n::add-mask::leak",
    "fine\r::set-output name=tickets_created::999",
    "fine\r\n  ::stop-commands::token",
    "%0A::error::forged",
    "%250A::error::forged",
    "::warning::at the start",
    "a ##[set-output name=x;]y in the middle",
    "100% done, 50%0D",
]

any_text = st.text(
    alphabet=st.sampled_from(list(":#[]%\r\n ,=ab\t\u00a0\u2028")) | st.characters(),
    max_size=60,
)


# -- detection ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [("true", True), ("false", False), ("1", False), (None, False)]
)
def test_in_github_actions_only_when_the_runner_says_true(
    value: str | None, expected: bool
) -> None:
    environ = {} if value is None else {"GITHUB_ACTIONS": value}
    assert in_github_actions(environ) is expected


# -- annotations ---------------------------------------------------------------


def test_plain_annotation() -> None:
    assert annotation("error", "boom") == "::error::boom"


def test_annotation_with_properties() -> None:
    line = annotation("warning", "check it", title="Config: jira", file="a,b.yml", line=3)
    assert line == "::warning title=Config%3A jira,file=a%2Cb.yml,line=3::check it"


@pytest.mark.parametrize("message", INJECTIONS)
def test_untrusted_message_stays_inside_its_annotation(message: str) -> None:
    line = annotation("error", message, title=message)
    assert "\n" not in line and "\r" not in line
    assert runner_commands(line) == [("error", {"title": message}, message)]


@given(message=any_text, title=any_text)
def test_any_text_round_trips_through_the_runner(message: str, title: str) -> None:
    line = annotation("warning", message, title=title)
    commands = runner_commands(line)
    assert len(commands) == 1
    name, properties, data = commands[0]
    assert name == "warning" and data == message
    assert properties.get("title", "") == title.strip()


def test_report_problem_in_actions_is_an_annotation() -> None:
    stream = io.StringIO()
    report_problem(
        "error", "bad\n::add-mask::x", title="t", environ={"GITHUB_ACTIONS": "true"}, stream=stream
    )
    assert runner_commands(stream.getvalue()) == [("error", {"title": "t"}, "bad\n::add-mask::x")]


def test_report_problem_elsewhere_is_a_plain_line() -> None:
    stream = io.StringIO()
    report_problem("warning", "look here", environ={}, stream=stream)
    assert stream.getvalue() == "warning: look here\n"


@pytest.mark.parametrize(
    ("error", "title"),
    [
        (
            RemoteError("Jira", "POST", "/rest/api/3/issue", 500, "oops"),
            "pmsync: Jira request failed",
        ),
        (ConfigError("x"), "pmsync: configuration"),
        (UsageError("x"), "pmsync: usage"),
        (PmsyncError("x"), "pmsync"),
    ],
)
def test_error_title_names_the_kind(error: PmsyncError, title: str) -> None:
    assert error_title(error) == title


# -- plain output ------------------------------------------------------------


@pytest.mark.parametrize("text", INJECTIONS)
def test_neutralised_output_carries_no_command(text: str) -> None:
    assert runner_commands(neutralise_commands(text)) == []


@given(text=any_text)
def test_neutralised_any_text_carries_no_command(text: str) -> None:
    assert runner_commands(neutralise_commands(text)) == []


@given(text=st.text().filter(lambda t: "::" not in t and "##[" not in t))
def test_text_without_openers_is_unchanged(text: str) -> None:
    assert neutralise_commands(text) == text


def test_neutralise_keeps_the_text_readable() -> None:
    assert neutralise_commands("ok\n  ::error::x ##[y]") == "ok\n  : :error::x # #[y]"


def test_log_formatter_neutralises_records() -> None:
    record = logging.LogRecord(
        "pmsync", logging.INFO, __file__, 1, "title %s", ("x\n::add-mask::y",), None
    )
    formatted = CommandSafeFormatter("%(levelname)s %(message)s").format(record)
    assert formatted == "INFO title x\n: :add-mask::y"
    assert runner_commands(formatted) == []


@given(chunks=st.lists(any_text, max_size=8))
def test_a_guarded_stream_writes_what_neutralise_would(chunks: list[str]) -> None:
    inner = io.StringIO()
    stream = CommandSafeStream(inner)
    for chunk in chunks:
        stream.write(chunk)
    stream.close()
    assert inner.getvalue() == neutralise_commands("".join(chunks))
    assert runner_commands(inner.getvalue()) == []


def test_a_guarded_stream_holds_a_line_until_it_ends() -> None:
    inner = io.StringIO()
    stream = CommandSafeStream(inner)
    stream.write("a #")
    stream.write("#[add-mask]x\r")
    assert inner.getvalue() == ""
    stream.write("\n::error::y\n")
    assert inner.getvalue() == "a # #[add-mask]x\r\n: :error::y\n"


def test_own_annotations_pass_a_guarded_stream_on_a_line_of_their_own() -> None:
    inner = io.StringIO()
    stream = CommandSafeStream(inner)
    stream.write("partial ::")
    report_problem("warning", "w\n::x", environ={"GITHUB_ACTIONS": "true"}, stream=stream)
    stream.close()
    assert inner.getvalue() == "partial ::\n::warning::w%0A::x\n"
    assert runner_commands(inner.getvalue()) == [("warning", {}, "w\n::x")]


def test_command_safe_output_guards_print_only_in_actions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with command_safe_output(environ={"GITHUB_ACTIONS": "true"}):
        print("x ##[add-mask]y")
        print("::error::z", file=sys.stderr)
    with command_safe_output(environ={}):
        print("##[as is]")
    captured = capsys.readouterr()
    assert captured.out == "x # #[add-mask]y\n##[as is]\n"
    assert captured.err == ": :error::z\n"


# -- job summary ------------------------------------------------------------


def test_summary_outside_actions_writes_nothing() -> None:
    assert append_step_summary("# hi", environ={}) is False


def test_summary_appends_with_a_final_newline(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("before\n", encoding="utf-8")
    environ = {"GITHUB_STEP_SUMMARY": str(summary)}
    assert append_step_summary("# Plan", environ=environ)
    assert append_step_summary("- one\n", environ=environ)
    assert summary.read_text(encoding="utf-8") == "before\n# Plan\n- one\n"


def test_a_code_block_holds_backticks() -> None:
    text = "plan: add ```rm -rf``` to\n```\nthe runbook ````"
    block = code_block(text)
    assert block.startswith("`````\n") and block.endswith("\n`````\n")
    assert fenced_content(block) == text
    assert code_block("plain") == "```\nplain\n```\n"


@given(st.text(alphabet=st.sampled_from(list("` \nab~")) | st.characters(), max_size=60))
def test_no_text_ends_its_code_block_early(text: str) -> None:
    text = text.replace("\r", "")
    assert fenced_content(code_block(text)) == text


def test_summary_is_cut_at_the_runner_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(actions_env, "SUMMARY_LIMIT_BYTES", 200)
    summary = tmp_path / "summary.md"
    environ = {"GITHUB_STEP_SUMMARY": str(summary)}
    assert append_step_summary("é" * 500, environ=environ)
    text = summary.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 200
    assert text.endswith(actions_env.SUMMARY_CUT_NOTE)
    assert append_step_summary("more", environ=environ) is False
    assert summary.read_text(encoding="utf-8") == text


# -- step outputs --------------------------------------------------------------


def test_outputs_outside_actions_write_nothing() -> None:
    assert set_outputs({"a": "b"}, environ={}) is False


def test_run_outputs_as_the_runner_reads_them(tmp_path: Path) -> None:
    output = tmp_path / "output"
    output.write_text("earlier=1\n", encoding="utf-8")
    assert write_run_outputs(
        tickets_created=3, comments_written=2, environ={"GITHUB_OUTPUT": str(output)}
    )
    assert runner_outputs(output.read_text(encoding="utf-8")) == {
        "earlier": "1",
        "tickets_created": "3",
        "comments_written": "2",
    }


@given(value=any_text)
def test_any_value_is_one_output(value: str) -> None:
    text = output_block("summary", value.replace("\r", ""), "pmsync_delim")
    assert runner_outputs(text) == {"summary": value.replace("\r", "")}


def test_a_value_cannot_forge_another_output(tmp_path: Path) -> None:
    output = tmp_path / "output"
    forged = "x\ntickets_created=999\nEOF\ncomments_written<<EOF\n7"
    set_outputs({"note": forged}, environ={"GITHUB_OUTPUT": str(output)})
    assert runner_outputs(output.read_text(encoding="utf-8")) == {"note": forged}


@pytest.mark.parametrize("name", ["", "a b", "a<<b", "a=b", "1st", "x\ny"])
def test_bad_output_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="not a valid step output name"):
        output_block(name, "v", "d")


def test_value_holding_the_delimiter_is_refused() -> None:
    with pytest.raises(ValueError, match="delimiter"):
        output_block("a", "x pmsync_d y", "pmsync_d")


# -- the CLI's error path -----------------------------------------------------------


def test_cli_error_in_actions_is_one_annotation(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    path = "/missing\n::add-mask::x.yml"
    assert main(["config", "check", path]) == ConfigError.exit_code
    commands = runner_commands(capsys.readouterr().err)
    assert len(commands) == 1
    name, properties, data = commands[0]
    assert (name, properties["title"]) == ("error", "pmsync: configuration")
    assert path in data and data.endswith("does not exist")


def test_cli_error_elsewhere_is_a_plain_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check", "/missing.yml"]) == ConfigError.exit_code
    err = capsys.readouterr().err
    assert err.startswith("error: configuration file /missing.yml")
    assert "::" not in err
