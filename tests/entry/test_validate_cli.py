"""`pmsync validate`: exit codes, the text and JSON reports, stdin, config and form lookup."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.postmortem_bodies import EXAMPLES, GOOD, ROOT, actions, good_body, render
from support.realdata import REALDATA, real_postmortems

from pmsync.core.postmortem.form import form_from_yaml
from pmsync.entry.cli import main

GOOD_EXAMPLE = EXAMPLES / "postmortem.md"
BAD_EXAMPLE = EXAMPLES / "postmortem-invalid.md"
REAL_POSTMORTEMS = real_postmortems()


@pytest.fixture(autouse=True)
def _no_config_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PMSYNC_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no config/pmsync.yml or repository form around


# The day after the examples' incident: validate reads "today" from --now (else the clock),
# and the examples' due dates lie ahead of it.
VALIDATED_AT = "2026-11-21T09:00:00Z"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["validate", "--now", VALIDATED_AT, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_good_example_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(GOOD_EXAMPLE))
    assert code == 0
    assert out == "valid: no errors, no warnings\n"


def test_bad_example_lists_one_line_per_finding(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(BAD_EXAMPLE))
    assert code == 1
    lines = out.splitlines()
    assert lines[:3] == [
        "error    action_items, row 1: the row has no owner; "
        "write one person as @github-handle (a team as @org/team)",
        "error    action_items, row 2: priority 'High' is not one of P0, P1, P2, P3; write P1 "
        "(pmsync sends it to Jira as High unless jira.priorities says otherwise)",
        "error    action_items, row 3: due 'next sprint' cannot be read; write a date such as "
        "2026-12-01, or a span from the incident start such as 3 days, 1 week, 2w",
    ]
    assert lines[3].startswith("warning  action_items, row 3: action 'Improve monitoring' is vague")
    assert lines[4].startswith("warning  action_items, row 3: owner @acme/search-team is a team")
    assert lines[5].startswith("warning  root_cause: the root cause reads as blaming a person")
    assert lines[-1] == "3 errors, 3 warnings: fix the errors"


def test_json_for_a_good_body(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(GOOD_EXAMPLE), "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["ok"] is True and document["errors"] == [] and document["warnings"] == []
    pm = document["postmortem"]
    assert pm["incident_start"] == "2026-11-20T14:02:00Z"
    assert pm["severity"] == 2 and pm["services"] == ["payments-api", "payments-db"]
    items = [
        {k: i[k] for k in ("action", "type", "priority", "owner", "due")}
        for i in pm["action_items"]
    ]
    assert items[1] == {
        "action": "Give report queries their own pool, capped at 20 connections",
        "type": "Prevent",
        "priority": "P1",
        "owner": "alice",
        "due": "2026-12-04",  # "2 weeks" after 2026-11-20
    }
    assert [i["due"] for i in items] == ["2026-11-27", "2026-12-04", "2026-12-11", "2026-12-04"]


def test_json_for_a_bad_body(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", str(BAD_EXAMPLE))
    assert code == 1
    document = json.loads(out)
    assert document["ok"] is False and document["postmortem"] is None
    assert [(e["field"], e["row"]) for e in document["errors"]] == [
        ("action_items", r) for r in (1, 2, 3)
    ]
    assert set(document["errors"][0]) == {"field", "row", "message", "code"}
    assert {w["field"] for w in document["warnings"]} == {"action_items", "root_cause"}


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    body = GOOD_EXAMPLE.read_bytes().replace(b"\n", b"\r\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(body)))
    assert run(capsys, "-")[0] == 0


def test_empty_stdin_lists_the_missing_fields(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    code, out, _ = run(capsys, "-")
    assert code == 1 and "error    incident_start: the body has no '### Incident start'" in out


def test_bytes_that_are_not_utf8_do_not_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes(good_body(summary="Caf\u00e9 down").encode("latin-1"))
    assert run(capsys, str(path))[0] == 0


@pytest.mark.parametrize("name", ["absent.md", "."])
def test_unreadable_path_is_a_usage_error(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, str(tmp_path / name))
    assert code == 2 and out == ""
    assert err.startswith("error: cannot read ") and "or - to read it from standard input" in err


def test_missing_path_argument_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate"])
    assert exc.value.code == 2


def test_config_switches_warnings_off(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(
        tmp_path, "pmsync.yml", "lint:\n  vague_action: false\n  blame_language: false\n"
    )
    code, out, _ = run(capsys, "--config", str(config), str(BAD_EXAMPLE))
    assert code == 1
    assert "vague" not in out and "blaming" not in out and "is a team" in out


def test_config_max_action_items(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(
        tmp_path, "pmsync.yml", "lint:\n  max_action_items: 3\n  many_action_items: false\n"
    )
    code, out, _ = run(capsys, str(GOOD_EXAMPLE), "--config", str(config))
    assert code == 1 and "4 action items; at most 3 are accepted" in out


TEAM_FORM = """name: Incident review
description: Our own post-mortem form
body:
  - {type: input, id: incident_start, attributes: {label: Started}}
  - {type: dropdown, id: severity, attributes: {label: How bad, options: [SEV1, SEV2, SEV3]}}
  - {type: input, id: services, attributes: {label: Systems}}
  - {type: input, id: root_cause_category, attributes: {label: Category}}
  - {type: textarea, id: summary, attributes: {label: TL;DR}}
  - {type: textarea, id: root_cause, attributes: {label: Why}}
  - {type: textarea, id: action_items, attributes: {label: Follow-ups}}
"""


def test_repository_form_is_found_from_the_working_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = write(tmp_path, "body.md", render(GOOD, form_from_yaml(TEAM_FORM)))
    assert run(capsys, str(body))[0] == 1  # the shipped form does not know these labels
    write(tmp_path, ".github/ISSUE_TEMPLATE/postmortem.yml", TEAM_FORM)
    code, out, _ = run(capsys, str(body))
    assert code == 0 and out.splitlines()[-1] == "valid, with 1 warning"  # no timeline field


def test_configured_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "forms/ours.yml", TEAM_FORM)
    config = write(tmp_path, "pmsync.yml", "form: forms/ours.yml\n")
    body = write(tmp_path, "body.md", render(GOOD, form_from_yaml(TEAM_FORM)))
    assert run(capsys, "--config", str(config), str(body))[0] == 0


def test_broken_form_is_a_config_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, ".github/ISSUE_TEMPLATE/postmortem.yml", "body: [unclosed")
    code, _, err = run(capsys, str(GOOD_EXAMPLE))
    assert code == 3 and "is not valid YAML" in err


@pytest.mark.parametrize(
    ("config_text", "message"),
    [
        (None, "missing.yml (from the command line) does not exist"),
        ("lint: [unclosed\n", "not valid YAML"),
        ("lint:\n  bogus: 1\n", "lint.bogus: unknown key"),
        ("form: forms/absent.yml\n", "cannot read the issue form"),
    ],
)
def test_a_missing_or_broken_config_exits_3(
    config_text: str | None, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "missing.yml"
    if config_text is not None:
        write(tmp_path, config.name, config_text)
    code, out, err = run(capsys, str(GOOD_EXAMPLE), "--config", str(config))
    assert (code, out) == (3, "")
    assert err.startswith("error: ") and message in err


def test_a_missing_config_from_the_environment_exits_3(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PMSYNC_CONFIG", str(tmp_path / "gone.yml"))
    code, _, err = run(capsys, str(GOOD_EXAMPLE))
    assert code == 3 and "(from $PMSYNC_CONFIG) does not exist" in err


def test_help_lists_every_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--help"])
    assert exc.value.code == 0
    help_text = capsys.readouterr().out
    listed = help_text.split("exit codes:\n", 1)[1].split()
    assert [word for word in listed if word.isdigit()] == ["0", "1", "2", "3"]
    assert "3  configuration error: the file named by --config or $PMSYNC_CONFIG" in help_text
    assert "issue form" in help_text.split("3  configuration error", 1)[1]


def test_warnings_alone_exit_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = write(
        tmp_path,
        "b.md",
        good_body(action_items=actions("| Improve monitoring | Detect | P1 | @bob | 1w | |")),
    )
    code, out, _ = run(capsys, str(body))
    assert code == 0 and out.splitlines()[-1] == "valid, with 1 warning"


def test_user_text_cannot_break_the_report_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = "::error::pwned\x1b[31m"
    body = write(tmp_path, "b.md", good_body(severity=f"SEV9\n{hostile}"))
    code, out, _ = run(capsys, str(body))
    assert code == 1
    assert all(line.startswith(("error ", "warning ", "1 error")) for line in out.splitlines())
    assert "\x1b" not in out


def test_installed_entry_point(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pmsync", "validate", str(BAD_EXAMPLE), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["ok"] is False


def test_every_public_post_mortem_is_found() -> None:
    assert len(REAL_POSTMORTEMS) == 53  # dfds 40, learningequality 5, posthog 8


@pytest.mark.parametrize(
    "path", REAL_POSTMORTEMS, ids=[p.relative_to(REALDATA).as_posix() for p in REAL_POSTMORTEMS]
)
def test_public_post_mortems_as_written(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Raw post-mortems are not form-shaped: each gets errors, in both formats alike, and
    every finding names its field and says what is wrong."""
    code, out, err = run(capsys, str(path), "--format", "json")
    document = json.loads(out)
    assert (code, err, document["ok"], document["postmortem"]) == (1, "", False, None)
    assert document["errors"]
    for level in ("errors", "warnings"):
        for finding in document[level]:
            assert isinstance(finding["field"], str) and finding["field"], finding
            assert isinstance(finding["message"], str) and finding["message"].strip(), finding
            assert finding["row"] is None or finding["row"] >= 1, finding

    code, out, err = run(capsys, str(path))
    assert (code, err) == (1, "")
    expected = [
        _text_line(level, finding)
        for level, findings in (("error", document["errors"]), ("warning", document["warnings"]))
        for finding in findings
    ]
    *lines, verdict = out.splitlines()
    assert lines == expected
    assert verdict.endswith(": fix the errors")


def _text_line(level: str, finding: dict[str, object]) -> str:
    """The text report's line for a finding of the JSON report."""
    row = "" if finding["row"] is None else f", row {finding['row']}"
    return f"{level:<7}  {finding['field']}{row}: {finding['message']}"


def test_a_due_date_already_passed_is_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--now", "2026-12-06T09:00:00Z", str(GOOD_EXAMPLE))
    assert code == 0  # a warning, not an error
    assert (
        "warning  action_items, row 1: due 2026-11-27 has already passed (9 days ago): the item "
        "would be overdue on its first sync; give a date ahead of today"
    ) in out.splitlines()
    assert "row 2: due 2026-12-04 has already passed (2 days ago)" in out  # 2 weeks
    assert "row 4: due 2026-12-04 has already passed (2 days ago)" in out
    assert "row 3" not in out  # 3 weeks from the incident: 2026-12-11, ahead
    assert out.splitlines()[-1] == "valid, with 3 warnings"


def test_a_due_date_already_passed_is_named_while_other_parts_have_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = GOOD_EXAMPLE.read_text(encoding="utf-8").replace("SEV2", "very bad", 1)
    body = write(tmp_path, "broken.md", broken)
    code, out, _ = run(capsys, "--now", "2026-12-06T09:00:00Z", str(body))
    assert code == 1
    assert "severity" in out and "row 1: due 2026-11-27 has already passed (9 days ago)" in out


def test_the_due_date_warning_can_be_switched_off(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = write(tmp_path, "pmsync.yml", "lint:\n  due_passed: false\n")
    code, out, _ = run(
        capsys, "--config", str(config), "--now", "2026-12-06T09:00:00Z", str(GOOD_EXAMPLE)
    )
    assert (code, out) == (0, "valid: no errors, no warnings\n")


def test_a_row_born_late_under_the_due_date_policy_is_a_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The example's incident is SEV2 and started 2026-11-20; its P2 rows are due 3 weeks
    and 14 days after, its P1 rows 7 and 14 days after."""
    config = write(tmp_path, "pmsync.yml", "followup:\n  due_policy: {P1: 10, SEV2: 20}\n")
    code, out, _ = run(capsys, "--config", str(config), str(GOOD_EXAMPLE))
    assert code == 0
    late = [line for line in out.splitlines() if "due-date policy" in line]
    assert [line.split(":", 1)[0] for line in late] == [
        "warning  action_items, row 2",  # P1, 14 days: P1 items get 10
        "warning  action_items, row 3",  # P2, 21 days: SEV2 incidents get 20
    ]
    assert "gives P1 items at most 10 days: set a date on or before 2026-11-30" in late[0]
    assert "gives SEV2 incidents at most 20 days" in late[1]
