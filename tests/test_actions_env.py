"""Workflow commands, job summary and step outputs, checked against the runner's own rules.

``runner_commands`` and ``runner_outputs`` re-implement how the Actions runner reads a
step's output lines (ActionCommand.TryParseV2 / TryParse) and its ``GITHUB_OUTPUT`` file,
so the tests show what the runner would do with pmsync's text, not just what it looks like.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsync import actions_env
from pmsync.actions_env import (
    CommandSafeFormatter,
    annotation,
    append_step_summary,
    error_title,
    in_github_actions,
    neutralise_commands,
    output_block,
    report_problem,
    set_outputs,
    write_run_outputs,
)
from pmsync.cli import main
from pmsync.errors import ConfigError, PmsyncError, RemoteError, UsageError

_DATA_UNESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))
_PROPERTY_UNESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))


def _unescape(text: str, mappings: tuple[tuple[str, str], ...]) -> str:
    for escaped, plain in mappings:  # in the runner's order, one pass each
        text = text.replace(escaped, plain)
    return text


def runner_lines(output: str) -> list[str]:
    """Lines as the runner reads them: broken at LF, CR or CR LF."""
    return re.split(r"\r\n|\r|\n", output)


def runner_command(line: str) -> tuple[str, dict[str, str], str] | None:
    """(command, properties, data) if the runner reads ``line`` as any workflow command."""
    message = line.lstrip()
    if message.startswith("::"):
        end = message.find("::", 2)
        if end >= 0:
            info = message[2:end]
            name, _, props = info.partition(" ")
            properties = {}
            for pair in props.strip().split(","):
                key, sep, value = pair.partition("=")
                if key and sep and value:
                    properties[key] = _unescape(value, _PROPERTY_UNESCAPES)
            return name, properties, _unescape(message[end + 2 :], _DATA_UNESCAPES)
    start = line.find("##[")
    if start >= 0 and "]" in line[start:]:
        return line[start + 3 : line.index("]", start)], {}, ""
    return None


def runner_commands(output: str) -> list[tuple[str, dict[str, str], str]]:
    return [cmd for line in runner_lines(output) if (cmd := runner_command(line)) is not None]


def runner_outputs(text: str) -> dict[str, str]:
    """Parse a GITHUB_OUTPUT file as the runner does (``k=v`` and ``k<<DELIM`` forms)."""
    lines = text.split("\n")
    outputs: dict[str, str] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            outputs[line[:equals]] = line[equals + 1 :]
            continue
        name, delimiter = line[:heredoc], line[heredoc + 2 :]
        value_lines = []
        while lines[index] != delimiter:
            value_lines.append(lines[index])
            index += 1
        index += 1
        outputs[name] = "\n".join(value_lines)
    return outputs


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
