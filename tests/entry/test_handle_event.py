"""Which issue a real GitHub event points pmsync at, and which events it ignores."""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from support.realdata import load_json

from pmsync.config.schema import Config
from pmsync.entry.cli import main
from pmsync.entry.commands.handle_event import Hint, hint_from_event, slash_command

CONFIG = Config()


def payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = load_json(f"github-webhooks/{name}.payload.json")
    return data


@pytest.mark.parametrize("action", ["opened", "edited", "reopened", "labeled"])
def test_issue_events_point_at_their_issue(action: str) -> None:
    assert hint_from_event("issues", payload(f"issues/{action}"), CONFIG) == Hint(
        "Codertocat/Hello-World", 1, event=action
    )


def test_organisation_payloads_name_their_repository() -> None:
    event = payload("issues/opened.with-organization")
    hint = hint_from_event("issues", event, CONFIG)
    assert hint is not None
    assert hint.repo == event["repository"]["full_name"]


def test_repo_option_overrides_the_payload() -> None:
    hint = hint_from_event("issues", payload("issues/opened"), CONFIG, "acme/payments")
    assert hint == Hint("acme/payments", 1, event="opened")


def test_unlabeled_is_ignored_with_one_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        assert hint_from_event("issues", payload("issues/unlabeled"), CONFIG) is None
    assert [r.getMessage() for r in caplog.records] == ["issues.unlabeled is not handled; ignored"]


def test_other_events_are_ignored() -> None:
    dispatch = load_json("github-webhooks/workflow_dispatch/payload.json")
    assert hint_from_event("workflow_dispatch", dispatch, CONFIG) is None
    assert hint_from_event("issues", payload("issues/closed.codinasion-bot"), CONFIG) is None


def comment_event(body: str, association: str = "OWNER", name: str = "created") -> dict[str, Any]:
    event = copy.deepcopy(payload(f"issue_comment/{name}"))
    event["comment"]["body"] = body
    event["comment"]["author_association"] = association
    return event


def test_plain_comments_are_ignored() -> None:
    assert hint_from_event("issue_comment", payload("issue_comment/created"), CONFIG) is None


def test_sync_command_from_a_trusted_commenter() -> None:
    hint = hint_from_event("issue_comment", comment_event("/pmsync sync\r\n"), CONFIG)
    assert hint == Hint("Codertocat/Hello-World", 1, plan_only=False, commenter="Codertocat")


def test_plan_command_is_a_dry_run() -> None:
    hint = hint_from_event("issue_comment", comment_event("  /pmsync   plan  "), CONFIG)
    assert hint is not None
    assert hint.plan_only


def test_command_from_any_association_is_put_to_the_permission_endpoint() -> None:
    """A private organisation member shows as NONE or CONTRIBUTOR: the association says
    nothing, GitHub's permission endpoint decides (in ``handle``)."""
    event = comment_event("/pmsync sync", association="NONE")
    hint = hint_from_event("issue_comment", event, CONFIG)
    assert hint == Hint("Codertocat/Hello-World", 1, plan_only=False, commenter="Codertocat")


@pytest.mark.parametrize("body", ["/pmsync", "/pmsync delete", "/PMSYNC sync now"])
def test_an_unknown_command_is_a_hint_to_answer(body: str) -> None:
    hint = hint_from_event("issue_comment", comment_event(body), CONFIG)
    assert hint is not None and hint.command == " ".join(body.split())


def test_a_bots_comment_is_never_a_command() -> None:
    event = comment_event("/pmsync sync")
    event["comment"]["user"]["type"] = "Bot"
    assert hint_from_event("issue_comment", event, CONFIG) is None


def test_edited_comment_is_not_a_command() -> None:
    event = comment_event("/pmsync sync", name="edited")
    assert hint_from_event("issue_comment", event, CONFIG) is None


@pytest.mark.parametrize(
    ("body", "command"),
    [
        ("/pmsync sync", "/pmsync sync"),
        ("\n\n/pmsync plan\nplease", "/pmsync plan"),
        ("please /pmsync sync", None),
        ("/pmsync sync now", None),
        ("/pmsync delete", None),
        ("", None),
    ],
)
def test_slash_command_is_the_first_line_exactly(body: str, command: str | None) -> None:
    assert slash_command(body) == command


def test_cli_without_an_event_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["handle-event"]) == 2
    assert "GITHUB_EVENT_NAME" in capsys.readouterr().err


def test_cli_with_an_unreadable_payload_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "event.json"
    broken.write_text("{not json", encoding="utf-8")
    code = main(["handle-event", "--event-name", "issues", "--event-path", str(broken)])
    assert code == 2
    assert "is not JSON" in capsys.readouterr().err


def test_cli_ignores_an_unhandled_event_without_any_request(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload("issues/unlabeled")), encoding="utf-8")
    # No token is set: an ignored event must not even need one.
    assert main(["handle-event", "--event-name", "issues", "--event-path", str(event)]) == 0
