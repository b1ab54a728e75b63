"""Commits on the default branch in the GitHub emulator: pushed with a control call, made
by merging a pull request (GitHub's default merge message), and found by the commit search
(``GET /search/commits``) as GitHub's OpenAPI description answers it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests
from github import Github, GithubException
from support.github_fidelity import Api, response_schema, spec
from support.openapi_schema import check

from pmsync_sandbox.runner import Sandbox, SandboxControlError

REPO = "acme/payments"


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[Api]:
    client = Api(sandbox, sandbox.github_token)
    yield client
    client.session.close()


def search(api: Api, query: str, **params: str) -> requests.Response:
    return api("GET", "/search/commits", params={"q": query, **params})


def test_a_pushed_commit_is_found_in_githubs_described_shape(sandbox: Sandbox, api: Api) -> None:
    sha = sandbox.push_commit(REPO, "Page on pool usage\n\nFixes OPS-12.", author="bob")
    answer = search(api, f'repo:{REPO} "OPS-12"')
    assert answer.status_code == 200, answer.text
    schema, document = response_schema("/search/commits", "GET", 200)
    assert check(answer.json(), schema, document) == []
    (item,) = answer.json()["items"]
    example = spec()["components"]["examples"]["commit-search-result-item-paginated"]["value"]
    real = example["items"][0]
    assert set(real) <= set(item) and set(real["commit"]) <= set(item["commit"])
    assert item["sha"] == sha and len(sha) == 40 and int(sha, 16) >= 0
    assert item["html_url"].endswith(f"/{REPO}/commit/{sha}")
    assert item["commit"]["message"] == "Page on pool usage\n\nFixes OPS-12."
    assert item["author"]["login"] == "bob" and item["commit"]["author"]["name"] == "Bob Brown"
    assert item["commit"]["committer"]["date"] == item["commit"]["author"]["date"]
    assert item["repository"]["full_name"] == REPO
    assert answer.headers["x-ratelimit-resource"] == "search"


def test_merging_a_pull_request_makes_githubs_default_merge_commit(
    sandbox: Sandbox, api: Api
) -> None:
    first = sandbox.push_commit(REPO, "Initial commit")
    number = sandbox.open_pull_request(
        REPO, "Page on pool usage", merged=True, head="OPS-12-pool-alert"
    )
    sandbox.open_pull_request(REPO, "Still open", head="OPS-13-later")  # not merged: no commit
    found = search(api, f"repo:{REPO} merge:true").json()["items"]
    (merge,) = found
    message = f"Merge pull request #{number} from acme/OPS-12-pool-alert\n\nPage on pool usage"
    assert merge["commit"]["message"] == message
    assert merge["parents"][0]["sha"] == first and len(merge["parents"]) == 2
    assert search(api, f'repo:{REPO} "OPS-12"').json()["total_count"] == 1
    assert search(api, f'repo:{REPO} "OPS-13"').json()["total_count"] == 0


def test_the_query_takes_or_several_repositories_and_sorts_by_committer_date(
    sandbox: Sandbox, github_client: Github
) -> None:
    sandbox.add_github_repo("acme/web")
    for repo, message in ((REPO, "OPS-1: alert"), ("acme/web", "Fix OPS-2 in the web tier")):
        sandbox.push_commit(repo, message)
        sandbox.advance(timedelta(minutes=1))
    sandbox.push_commit(REPO, "Unrelated")

    def found(query: str) -> list[str]:
        listing = github_client.search_commits(query, sort="committer-date", order="asc")
        return [commit.commit.message for commit in listing]

    both = found(f'repo:{REPO} repo:acme/web "OPS-1" OR "OPS-2"')
    assert both == ["OPS-1: alert", "Fix OPS-2 in the web tier"]
    assert found('repo:acme/web "OPS-1" OR "OPS-2"') == ["Fix OPS-2 in the web tier"]
    assert found(f"repo:{REPO} alert") == ["OPS-1: alert"]


def test_the_search_refuses_what_it_cannot_answer(api: Api, github_client: Github) -> None:
    with pytest.raises(GithubException) as raised:
        list(github_client.search_commits("repo:acme/nowhere OPS-1"))
    assert raised.value.status == 422 and raised.value.data["errors"][0]["code"] == "invalid"
    refused = search(api, f"repo:{REPO} hash:abc")
    assert refused.status_code == 422
    assert "commit search qualifier hash:abc" in refused.json()["message"]
    assert search(api, "").status_code == 422
    assert search(api, f"repo:{REPO} x", sort="best").status_code == 422


def test_commit_searches_count_against_the_search_limit(
    sandbox: Sandbox, api: Api, github_client: Github
) -> None:
    search(api, f"repo:{REPO} x")
    search(api, f"repo:{REPO} y")
    limit = github_client.get_rate_limit().resources.search
    assert (limit.limit, limit.remaining) == (30, 28)


def test_the_control_call_checks_what_it_is_given(sandbox: Sandbox) -> None:
    with pytest.raises(SandboxControlError, match="no repository"):
        sandbox.push_commit("acme/nowhere", "Fix")
    with pytest.raises(SandboxControlError, match="no GitHub user"):
        sandbox.push_commit(REPO, "Fix", author="mallory")
    answer = requests.post(f"{sandbox.control_url}/github/commits", json={"repo": REPO}, timeout=10)
    assert answer.status_code == 400 and "message" in answer.json()["message"]


def test_commits_survive_a_snapshot(sandbox: Sandbox, api: Api) -> None:
    sha = sandbox.push_commit(REPO, "OPS-7 done")
    sandbox.restore(sandbox.state())
    items: list[dict[str, Any]] = search(api, f"repo:{REPO} OPS-7").json()["items"]
    assert [item["sha"] for item in items] == [sha]
