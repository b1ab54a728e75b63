"""The post-mortem a repository dispatch names: GitHub's real ``repository_dispatch``
delivery with pmsync's client payload, and every way a payload can name something else."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.realdata import load_json

from pmsync.config.schema import Config, GitHubConfig
from pmsync.entry.commands.dispatch_event import EVENT_TYPE, dispatched_issue
from pmsync.entry.commands.handle_event import Hint, hint_from_event
from pmsync.errors import UsageError

OWN = "octo-org/octo-repo"  # the real delivery's repository
CONFIGURED = Config(github=GitHubConfig(repositories=["acme/Payments"]))


def event(**client_payload: Any) -> dict[str, Any]:
    """GitHub's real delivery, of pmsync's type, with ``client_payload``."""
    payload: dict[str, Any] = copy.deepcopy(
        load_json("github-webhooks/repository_dispatch/payload.json")
    )
    payload["action"] = EVENT_TYPE
    payload["client_payload"] = client_payload
    return payload


def test_the_workflows_own_repository_and_a_number_name_the_post_mortem() -> None:
    hint = hint_from_event("repository_dispatch", event(repository=OWN, issue="12"), Config())
    assert hint == Hint(OWN, 12, event="dispatch")


def test_a_configured_repository_is_spelled_as_configured() -> None:
    payload = event(repository="ACME/payments", issue=7)
    assert dispatched_issue(payload, OWN, CONFIGURED.github.repositories) == ("acme/Payments", 7)


def test_only_the_reference_is_read() -> None:
    payload = event(repository=OWN, issue="3", ticket="OPS-1", note="{{ anything }}")
    assert dispatched_issue(payload, OWN, []) == (OWN, 3)


@pytest.mark.parametrize(
    ("client_payload", "problem"),
    [
        ({"repository": "someone/else", "issue": "1"}, "neither this workflow's repository"),
        ({"repository": f"{OWN}/../x", "issue": "1"}, "is not a repository"),
        ({"repository": "", "issue": "1"}, "is not a repository"),
        ({"repository": ["octo-org/octo-repo"], "issue": "1"}, "is not a repository"),
        ({"issue": "1"}, "client_payload.repository None"),
        ({"repository": OWN, "issue": "0"}, "is not an issue number"),
        ({"repository": OWN, "issue": -4}, "is not an issue number"),
        ({"repository": OWN, "issue": True}, "is not an issue number"),
        ({"repository": OWN, "issue": 1.5}, "is not an issue number"),
        ({"repository": OWN, "issue": "12 "}, "is not an issue number"),
        ({"repository": OWN, "issue": "", "x": 1}, "is not an issue number"),
        ({"repository": OWN, "issue": "١٢"}, "is not an issue number"),  # Arabic-Indic digits
        ({"repository": OWN, "issue": 10**12}, "is not an issue number"),
    ],
)
def test_anything_else_is_a_clear_error(client_payload: dict[str, Any], problem: str) -> None:
    with pytest.raises(UsageError, match=problem) as raised:
        hint_from_event("repository_dispatch", event(**client_payload), CONFIGURED)
    assert "docs/jira-site.md" in str(raised.value) or "configuration" in str(raised.value)


def test_another_event_type_is_not_pmsyncs() -> None:
    real = load_json("github-webhooks/repository_dispatch/payload.json")
    with pytest.raises(UsageError, match="'on-demand-test' is not pmsync's"):
        hint_from_event("repository_dispatch", real, Config())


def test_a_payload_without_client_payload_is_refused() -> None:
    payload = event()
    payload["client_payload"] = "octo-org/octo-repo#1"
    with pytest.raises(UsageError, match="no client_payload object"):
        dispatched_issue(payload, OWN, [])


def test_a_long_value_is_cut_short_in_the_message() -> None:
    with pytest.raises(UsageError) as raised:
        dispatched_issue(event(repository=OWN, issue="9" * 500), OWN, [])
    assert len(str(raised.value)) < 300


@given(st.one_of(st.text(max_size=30), st.integers(), st.none(), st.floats(), st.booleans()))
def test_an_issue_value_is_a_positive_number_or_refused(value: Any) -> None:
    try:
        repo, number = dispatched_issue(event(repository=OWN, issue=value), OWN, [])
    except UsageError:
        return
    assert repo == OWN and number >= 1
    assert str(number) == str(value)
