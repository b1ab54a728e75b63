"""Pull requests in the GitHub emulator: issues with a branch, as GitHub models them. They
share the issue numbers, the issues list (with a ``pull_request`` key), issue comments and
the repository's comment list; search tells them apart with ``is:pr``/``is:issue``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from github import Github
from support.github_fidelity import Api, response_schema
from support.openapi_schema import check

from pmsync_sandbox.runner import Sandbox, SandboxControlError

R = "/repos/{owner}/{repo}"


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[Api]:
    client = Api(sandbox, sandbox.github_token)
    yield client
    client.session.close()


def _listed(api: Api, path: str, **params: str) -> list[dict[str, Any]]:
    answer = api("GET", path, params=params)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()
    return found


def test_a_pull_request_is_listed_with_the_issues_as_github_describes_it(
    sandbox: Sandbox, api: Api
) -> None:
    issue = api("POST", "/repos/acme/payments/issues", {"title": "DB outage"}).json()
    merged = sandbox.open_pull_request("acme/payments", "Fix the pool", "Closes #1", merged=True)
    draft = sandbox.open_pull_request("acme/payments", "Tune retries", head="retry-tuning")
    assert (issue["number"], merged, draft) == (1, 2, 3)  # one sequence of numbers

    answer = api("GET", "/repos/acme/payments/issues", params={"state": "all"})
    schema, document = response_schema(f"{R}/issues", "GET", 200)
    assert check(answer.json(), schema, document) == []
    by_number = {item["number"]: item for item in answer.json()}
    assert "pull_request" not in by_number[1]
    pull = by_number[2]["pull_request"]
    assert by_number[2]["html_url"].endswith("/acme/payments/pull/2")
    assert pull["url"].endswith("/repos/acme/payments/pulls/2")
    assert pull["merged_at"] == by_number[2]["closed_at"] is not None
    assert by_number[2]["state"] == "closed" and by_number[2]["state_reason"] is None
    assert by_number[3]["state"] == "open" and by_number[3]["pull_request"]["merged_at"] is None


def test_comments_on_a_pull_request_are_issue_comments(sandbox: Sandbox, api: Api) -> None:
    number = sandbox.open_pull_request("acme/payments", "Fix the pool")
    sandbox.comment("acme/payments", number, "Looks good", author="bob")
    posted = api("POST", f"/repos/acme/payments/issues/{number}/comments", {"body": "Merging"})
    assert posted.status_code == 201, posted.text

    comments = _listed(api, "/repos/acme/payments/issues/comments")
    schema, document = response_schema(f"{R}/issues/comments", "GET", 200)
    assert check(comments, schema, document) == []
    assert [(c["user"]["login"], c["body"]) for c in comments] == [
        ("bob", "Looks good"),
        ("alice", "Merging"),
    ]
    assert all(c["issue_url"].endswith(f"/issues/{number}") for c in comments)
    assert all(f"/pull/{number}#issuecomment-" in c["html_url"] for c in comments)
    listed = _listed(api, "/repos/acme/payments/issues", state="all")
    assert listed[0]["comments"] == 2


def test_search_tells_pull_requests_from_issues(sandbox: Sandbox, github_client: Github) -> None:
    github_client.get_repo("acme/payments").create_issue("DB outage")
    sandbox.open_pull_request("acme/payments", "Fix the pool")

    def found(kind: str) -> list[int]:
        return [i.number for i in github_client.search_issues(f"repo:acme/payments is:{kind}")]

    assert (found("issue"), found("pr")) == ([1], [2])


def test_search_finds_merged_pull_requests_naming_any_of_several_keys(
    sandbox: Sandbox, github_client: Github
) -> None:
    sandbox.open_pull_request("acme/payments", "OPS-12: fix the pool", merged=True)
    sandbox.open_pull_request("acme/payments", "Retries", "Part of OPS-13", merged=True)
    sandbox.open_pull_request("acme/payments", "OPS-12 follow-up")  # open, not merged
    sandbox.open_pull_request("acme/payments", "Unrelated", merged=True)

    def found(query: str) -> list[int]:
        return sorted(i.number for i in github_client.search_issues(f"repo:acme/payments {query}"))

    assert found('is:pr is:merged "OPS-12" OR "OPS-13"') == [1, 2]
    assert found('is:pr is:unmerged "OPS-12" OR "OPS-13"') == [3]
    assert found('is:pr "OPS-12"') == [1, 3]
    assert found("is:pr is:merged") == [1, 2, 4]


def test_the_control_call_checks_what_it_is_given(sandbox: Sandbox) -> None:
    with pytest.raises(SandboxControlError, match="no repository"):
        sandbox.open_pull_request("acme/nowhere", "Fix")
    with pytest.raises(SandboxControlError, match="no GitHub user"):
        sandbox.open_pull_request("acme/payments", "Fix", author="mallory")
    with pytest.raises(SandboxControlError, match="no issue or pull request #9"):
        sandbox.comment("acme/payments", 9, "hello")
    answer = requests.post(
        f"{sandbox.control_url}/github/pulls", json={"repo": "acme/payments"}, timeout=10
    )
    assert answer.status_code == 400 and "title" in answer.json()["message"]


def test_a_pull_request_survives_a_snapshot(sandbox: Sandbox, api: Api) -> None:
    number = sandbox.open_pull_request("acme/payments", "Fix", merged=True)
    sandbox.restore(sandbox.state())
    listed = _listed(api, "/repos/acme/payments/issues", state="all")
    assert [(i["number"], "pull_request" in i) for i in listed] == [(number, True)]
