"""Trying a post-mortem on the sandbox takes one command per step: open it as the form
would (`pmsync sandbox open-issue`), then handle it as an edit would (`handle-event --issue`)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import requests
from support.sandbox_pmsync import BODY, EXAMPLE, NOW, REPO, client, use_sandbox, write_config

from pmsync.config.loading import load_config
from pmsync.core.domain import markers
from pmsync.entry.cli import main
from pmsync.entry.commands.handle_event import hint_from_event
from pmsync_sandbox.demo.story import run_demo
from pmsync_sandbox.runner import Sandbox

DATA = Path(__file__).resolve().parents[1] / "data"
WEBHOOK = DATA / "github-webhooks" / "issue_comment" / "created.payload.json"


def on_the_sandbox(
    sandbox: Sandbox, folder: Path, monkeypatch: pytest.MonkeyPatch, *, people: bool = False
) -> Path:
    """As a newcomer works: the sandbox's variables set, in ``folder``, with a pmsync.yml
    for the sandbox there; its path."""
    use_sandbox(sandbox, monkeypatch)
    config = write_config(folder, REPO, people=people)
    monkeypatch.chdir(folder)
    return config


def opened_number(out: str) -> int:
    first = out.splitlines()[0]
    assert first.startswith(f"opened {REPO}#"), out
    return int(first.split("#")[1].split(":")[0])


def test_open_an_issue_then_handle_it_by_its_number(
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = on_the_sandbox(sandbox, tmp_path, monkeypatch, people=True)
    common = ["--config", str(config), "--now", NOW.isoformat()]

    assert main([*common, "sandbox", "open-issue", "--file", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    number = opened_number(out)
    # The next command keeps the configuration and the sandbox's standing clock.
    stamp = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    hint = f"next: pmsync --config {config} --now {stamp} handle-event --issue {number} --repo"
    assert hint in out
    github = client(sandbox)
    issue = github.get_repo(REPO).get_issue(number)
    assert [label.name for label in issue.get_labels()] == ["postmortem"]  # the form's
    assert issue.user.login == "alice"

    assert main([*common, "handle-event", "--issue", str(number)]) == 0
    assert len(sandbox.state()["jira"]["issues"]) == 4  # one ticket per row
    bodies = [c.body for c in issue.get_comments()]
    assert any(body.startswith(markers.STATUS) for body in bodies)
    github.close()


def test_opened_as_an_outsider_it_waits_for_approval(
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = on_the_sandbox(sandbox, tmp_path, monkeypatch)
    common = ["--config", str(config), "--now", NOW.isoformat()]

    assert main([*common, "sandbox", "open-issue", "--file", str(EXAMPLE), "--as", "zoe"]) == 0
    number = opened_number(capsys.readouterr().out)
    assert main([*common, "handle-event", "--issue", str(number)]) == 0
    assert sandbox.state()["jira"]["issues"] == {}
    github = client(sandbox)
    issue = github.get_repo(REPO).get_issue(number)
    assert issue.user.login == "zoe"
    assert any(c.body.startswith(markers.APPROVAL) for c in issue.get_comments())
    github.close()


def test_without_a_sandbox_to_open_it_on_the_error_says_which_to_give(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, REPO)
    code = main(["--config", str(config), "sandbox", "open-issue", "--file", str(EXAMPLE)])
    assert code == 2
    assert "which sandbox? give --sandbox http://127.0.0.1:PORT" in capsys.readouterr().err


def run_next(out: str) -> int:
    """Run the printed ``next:`` command as a person pastes it."""
    (line,) = [line for line in out.splitlines() if line.startswith("next: pmsync ")]
    return main(shlex.split(line.removeprefix("next: "))[1:])


def test_fix_the_issue_move_a_ticket_and_ask_for_the_plan_each_with_one_command(
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = on_the_sandbox(sandbox, tmp_path, monkeypatch, people=True)
    common = ["--config", str(config)]
    assert main([*common, "sandbox", "open-issue", "--file", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    number = opened_number(out)
    assert run_next(out) == 0
    capsys.readouterr()
    tickets = sandbox.state()["jira"]["issues"]
    assert len(tickets) == 4

    fixed = tmp_path / "fixed.md"
    fixed.write_text(BODY + "\nEdited after the review.\n", encoding="utf-8")
    edit = ["sandbox", "edit-issue", "--issue", str(number), "--file", str(fixed)]
    assert main([*common, *edit, "--as", "alice"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"edited {REPO}#{number}: http://")
    github = client(sandbox)
    issue = github.get_repo(REPO).get_issue(number)
    assert issue.body.endswith("Edited after the review.\n")
    assert run_next(out) == 0
    capsys.readouterr()

    key = sorted(tickets)[0]
    key = tickets[key].get("key", key)
    assert main([*common, "sandbox", "move-ticket", key, "--to", "Done"]) == 0
    out = capsys.readouterr().out
    assert f"{key}: To Do -> Done" in out
    assert main([*common, "sandbox", "move-ticket", key, "--to", "done"]) == 0
    assert f"{key} is already Done; nothing to do" in capsys.readouterr().out  # twice: same
    assert run_next(out) == 0
    capsys.readouterr()
    status = next(c.body for c in issue.get_comments() if c.body.startswith(markers.STATUS))
    assert "1/4" in status or "1 of 4" in status, status

    comment = ["sandbox", "comment", "--issue", str(number), "--as", "alice", "/pmsync plan"]
    assert main([*common, *comment]) == 0
    out = capsys.readouterr().out
    event = json.loads((tmp_path / "issue_comment.json").read_text(encoding="utf-8"))
    assert event["action"] == "created"
    assert event["issue"]["number"] == number
    assert event["comment"]["body"] == "/pmsync plan"
    assert event["comment"]["user"] == {
        **event["comment"]["user"],
        "login": "alice",
        "type": "User",
    }
    assert event["repository"]["full_name"] == REPO
    # GitHub's own issue_comment.created payload (a recorded copy) has the same parts.
    real = json.loads(WEBHOOK.read_text(encoding="utf-8"))
    assert set(event) == set(real)
    assert {"id", "body", "user", "html_url", "created_at"} <= set(event["comment"])
    hint = "handle-event --event-name issue_comment --event-path issue_comment.json"
    assert hint in out
    assert hint_from_event("issue_comment", event, load_config(config)) is not None
    assert run_next(out) == 0
    github.close()


def test_a_move_the_ticket_cannot_make_names_the_moves_it_can(
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = on_the_sandbox(sandbox, tmp_path, monkeypatch, people=True)
    common = ["--config", str(config), "--now", NOW.isoformat()]
    assert main([*common, "sandbox", "open-issue", "--file", str(EXAMPLE)]) == 0
    assert run_next(capsys.readouterr().out) == 0
    tickets = sandbox.state()["jira"]["issues"]
    key = sorted(tickets)[0]
    key = tickets[key].get("key", key)
    assert main([*common, "sandbox", "move-ticket", key, "--to", "Shipped"]) == 2
    err = capsys.readouterr().err
    assert f'{key} (To Do) cannot move to "Shipped"; it can move by:' in err
    assert '"Done"' in err and '"Won\'t Do"' in err


def test_the_issue_link_opens_a_page_with_its_labels_body_and_comments_in_order(
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = on_the_sandbox(sandbox, tmp_path, monkeypatch, people=True)
    common = ["--config", str(config), "--now", NOW.isoformat()]
    assert main([*common, "sandbox", "open-issue", "--file", str(EXAMPLE), "--title", "DB"]) == 0
    out = capsys.readouterr().out
    url = out.splitlines()[0].split(": ", 1)[1]
    assert run_next(out) == 0
    sandbox.comment(REPO, opened_number(out), "Thanks, looks right.", author="bob")

    with requests.Session() as browser:
        browser.trust_env = False
        page = browser.get(url, timeout=10)
        missing = browser.get(url.rsplit("/", 1)[0] + "/999", timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/plain; charset=utf-8"
    text = page.text
    assert text.startswith(f"# DB · {REPO}#{opened_number(out)} (open)\n")
    assert re.search(r"^labels: .*\bpostmortem\b", text, re.M)
    github = client(sandbox)
    body = github.get_repo(REPO).get_issue(opened_number(out)).body
    github.close()
    assert body.strip() in text  # the body as it stands (Ticket column filled), not rendered
    status = text.index("---- alice commented at")  # pmsync ran as alice here
    thanks = text.index("---- bob commented at")
    assert status < thanks < text.index("Thanks, looks right.")
    assert missing.status_code == 404


README = Path(__file__).resolve().parents[2] / "README.md"


def readme_steps() -> list[str]:
    """The numbered commands of the README's "Try it on the sandbox first"."""
    text = README.read_text(encoding="utf-8")
    block = text[text.index("# 1. open a post-mortem") :]
    block = block[: block.index("```")]
    return [line for line in block.splitlines() if line.startswith("pmsync ")]


def test_the_readme_path_on_the_kept_demo_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    open_it, handle, edit, move, comment, report = readme_steps()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(EXAMPLE.parent)
    done: list[tuple[str, str]] = []

    def follow_the_readme() -> None:
        printed = capsys.readouterr().out
        for name, value in re.findall(r"^   export (\w+)=(\S+)", printed, re.MULTILINE):
            monkeypatch.setenv(name, value)

        def run(line: str, **values: str) -> str:
            for name, value in values.items():
                line = line.replace(name, value)
            assert main(shlex.split(line)[1:]) == 0, line
            return capsys.readouterr().out

        out = run(open_it)
        number = str(opened_number(out))
        url = out.splitlines()[0].split(": ", 1)[1]
        # The README's step 2 is the next: line open-issue printed.
        assert f"next: {handle.replace('NUMBER', number)}" in out
        run(handle, NUMBER=number)
        assert markers.FEEDBACK in page(url).split("---- pmsync-bot commented")[1]
        out = run(edit, NUMBER=number)
        run(out.splitlines()[-1].removeprefix("next: "))
        body = page(url).split("---- ")[0]
        keys = sorted(set(re.findall(r"\[(OPS-\d+)\]", body)), key=lambda k: int(k[4:]))
        assert len(keys) == 4, page(url)  # the fixed table's rows got their tickets
        out = run(move, KEY=keys[0])
        assert f"{keys[0]}: To Do -> Done" in out
        run(out.splitlines()[-1].removeprefix("next: "))
        out = run(comment, NUMBER=number)
        run(out.splitlines()[-1].removeprefix("next: "))
        thread = page(url)
        assert thread.rindex("---- pmsync-bot commented") > thread.index("/pmsync plan")
        done.append((number, run(report)))

    run_demo(tmp_path / "demo-output", show=None, keep=follow_the_readme)
    ((number, report_text),) = done
    assert f"#{number}" in report_text, report_text  # the newcomer's post-mortem is listed


def page(url: str) -> str:
    with requests.Session() as browser:
        browser.trust_env = False
        answer = browser.get(url, timeout=10)
    answer.raise_for_status()
    return answer.text
