"""The GitHub emulator through the real PyGithub client: every endpoint pmsync uses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests
from conftest import SANDBOX_START
from github import (
    Auth,
    BadCredentialsException,
    Github,
    GithubException,
    RateLimitExceededException,
    UnknownObjectException,
)
from github.Repository import Repository

from pmsync_sandbox.runner import Sandbox


def client_for(sandbox: Sandbox, token: str, per_page: int = 30) -> Github:
    return Github(
        base_url=sandbox.github_url,
        auth=Auth.Token(token),
        retry=None,
        seconds_between_requests=0,
        seconds_between_writes=0,
        per_page=per_page,
    )


@pytest.fixture
def repo(github_client: Github) -> Repository:
    return github_client.get_repo("acme/payments")


@pytest.fixture
def bob(sandbox: Sandbox) -> Iterator[Github]:
    client = client_for(sandbox, sandbox.add_github_user("bob")["token"])
    yield client
    client.close()


@pytest.fixture
def outsider(sandbox: Sandbox) -> Iterator[Github]:
    """Someone without a role in acme/payments, as anyone on a public repository."""
    client = client_for(sandbox, sandbox.add_github_user("mallory")["token"])
    yield client
    client.close()


# --- accounts and repositories --------------------------------------------------------


def test_seed_repository_and_roles(github_client: Github, bob: Github) -> None:
    repo = github_client.get_repo("acme/payments")
    assert repo.full_name == "acme/payments"
    assert repo.owner.login == "acme" and repo.owner.type == "Organization"
    assert repo.permissions.admin is True
    seen_by_bob = bob.get_repo("acme/payments").permissions
    assert (seen_by_bob.push, seen_by_bob.admin) == (True, False)
    assert repo.get_collaborator_permission("bob") == "write"
    assert repo.get_collaborator_permission("alice") == "admin"
    assert github_client.get_repo(repo.id).full_name == "acme/payments"  # /repositories/{id}


def test_users(github_client: Github) -> None:
    me = github_client.get_user()
    assert me.login == "alice" and me.email == "alice@example.com"
    assert github_client.get_user("bob").name == "Bob Brown"
    with pytest.raises(UnknownObjectException):
        github_client.get_user("nobody-here")


def test_unknown_repository_is_404(github_client: Github) -> None:
    with pytest.raises(UnknownObjectException) as raised:
        github_client.get_repo("acme/nothing")
    assert raised.value.data["message"] == "Not Found"
    assert raised.value.data["documentation_url"].startswith("https://docs.github.com/rest")


def test_wrong_or_missing_token_is_401(sandbox: Sandbox) -> None:
    with (
        client_for(sandbox, "ghp_wrong") as client,
        pytest.raises(BadCredentialsException) as raised,
    ):
        client.get_repo("acme/payments")
    assert raised.value.status == 401
    assert raised.value.data["message"] == "Bad credentials"
    answer = requests.get(f"{sandbox.github_url}/repos/acme/payments", timeout=5)
    assert answer.status_code == 401
    assert answer.json()["message"] == "Requires authentication"


# --- issues -----------------------------------------------------------------------------


def test_create_and_get_issue(sandbox: Sandbox, repo: Repository) -> None:
    created = repo.create_issue(
        title="DB outage", body="## Summary\n\nIt broke.", labels=["postmortem"]
    )
    assert created.number == 1 and created.state == "open"
    assert created.user.login == "alice"
    assert created.created_at == SANDBOX_START == created.updated_at
    assert [label.name for label in created.labels] == ["postmortem"]
    assert repo.get_label("postmortem").color == "ededed"  # created by naming it, as GitHub does
    fetched = repo.get_issue(1)
    assert fetched.body == "## Summary\n\nIt broke."
    assert fetched.raw_data["author_association"] == "OWNER"
    assert fetched.html_url == f"{sandbox.url}/acme/payments/issues/1"
    with pytest.raises(UnknownObjectException):
        repo.get_issue(99)


def test_issue_without_title_is_422(repo: Repository) -> None:
    with pytest.raises(GithubException) as raised:
        repo.create_issue(title="")
    assert raised.value.status == 422
    assert raised.value.data["errors"] == [
        {"resource": "Issue", "code": "missing_field", "field": "title"}
    ]


def test_body_longer_than_githubs_limit_is_422(repo: Repository) -> None:
    with pytest.raises(GithubException) as raised:
        repo.create_issue(title="t", body="x" * 65537)
    assert raised.value.status == 422
    assert raised.value.data["errors"][0]["message"] == (
        "body is too long (maximum is 65536 characters)"
    )


def test_edit_issue(sandbox: Sandbox, repo: Repository) -> None:
    issue = repo.create_issue(title="t", body="one", labels=["a", "b"])
    sandbox.advance(timedelta(hours=1))
    issue.edit(title="T", body="two", labels=["b", "c"])
    assert (issue.title, issue.body) == ("T", "two")
    assert [label.name for label in issue.labels] == ["b", "c"]
    assert issue.updated_at == SANDBOX_START + timedelta(hours=1)

    sandbox.advance(timedelta(hours=1))
    issue.edit(state="closed", state_reason="not_planned")
    assert issue.state == "closed" and issue.state_reason == "not_planned"
    assert issue.closed_at == SANDBOX_START + timedelta(hours=2)
    assert issue.closed_by.login == "alice"

    # As on GitHub, a reopened issue keeps the time it was last closed.
    issue.edit(state="open")
    closed_at = SANDBOX_START + timedelta(hours=2)
    assert (issue.state, issue.state_reason, issue.closed_at) == ("open", "reopened", closed_at)


def test_an_edit_that_changes_nothing_keeps_updated_at(sandbox: Sandbox, repo: Repository) -> None:
    issue = repo.create_issue(title="t", body="same")
    sandbox.advance(timedelta(days=1))
    issue.edit(body="same")
    assert issue.updated_at == SANDBOX_START


def test_list_issues_filters(sandbox: Sandbox, repo: Repository) -> None:
    repo.create_issue(title="one", labels=["postmortem", "sev:1"])
    repo.create_issue(title="two", labels=["postmortem"])
    repo.create_issue(title="three").edit(state="closed")
    sandbox.advance(timedelta(days=1))
    repo.get_issue(2).create_comment("touch")

    def titles(**filters: object) -> list[str]:
        return [issue.title for issue in repo.get_issues(**filters)]  # type: ignore[arg-type]

    assert titles() == ["two", "one"]  # open, newest first
    assert titles(state="closed") == ["three"]
    assert titles(state="all", direction="asc") == ["one", "two", "three"]
    assert titles(labels=["postmortem", "sev:1"]) == ["one"]  # every label must be there
    assert titles(since=SANDBOX_START + timedelta(hours=1)) == ["two"]
    assert titles(sort="updated") == ["two", "one"]
    assert titles(creator="alice") == ["two", "one"]


def test_list_issues_pages_with_link_headers(sandbox: Sandbox) -> None:
    client = client_for(sandbox, sandbox.github_token, per_page=2)
    repo = client.get_repo("acme/payments")
    for number in range(5):
        repo.create_issue(title=f"i{number}")
    sandbox.clear_requests()
    issues = repo.get_issues(direction="asc")
    assert [issue.title for issue in issues] == ["i0", "i1", "i2", "i3", "i4"]
    assert issues.totalCount == 5  # read from the rel="last" link
    pages = [entry["query"].get("page") for entry in sandbox.requests()]
    assert pages[:3] == [None, ["2"], ["3"]]
    client.close()

    answer = requests.get(
        f"{sandbox.github_url}/repos/acme/payments/issues",
        params={"per_page": "2", "page": "2"},
        headers={"Authorization": f"token {sandbox.github_token}"},
        timeout=5,
    )
    links = requests.utils.parse_header_links(answer.headers["Link"])
    assert [link["rel"] for link in links] == ["prev", "next", "last", "first"]
    assert links[1]["url"] == f"{sandbox.github_url}/repos/acme/payments/issues?per_page=2&page=3"


def _raw_get(sandbox: Sandbox, path: str, **params: str) -> requests.Response:
    return requests.get(
        f"{sandbox.github_url}{path}",
        params=params,
        headers={"Authorization": f"token {sandbox.github_token}"},
        timeout=5,
    )


@pytest.mark.parametrize(
    "path",
    [
        "/repositories/999",
        "/repositories/x",
        "/repos/acme/payments/issues/999",
        "/repos/acme/payments/issues/x",
        "/repos/acme/payments/issues/comments/999",
        "/repos/acme/payments/issues/events/x",
    ],
)
def test_a_number_that_names_nothing_is_404(sandbox: Sandbox, path: str) -> None:
    answer = _raw_get(sandbox, path)
    assert (answer.status_code, answer.json()["message"]) == (404, "Not Found")


def test_search_pages_stop_at_the_thousandth_result(sandbox: Sandbox) -> None:
    query = "repo:acme/payments is:issue"
    assert _raw_get(sandbox, "/search/issues", q=query, per_page="100", page="10").ok
    beyond = _raw_get(sandbox, "/search/issues", q=query, per_page="100", page="11")
    assert (beyond.status_code, beyond.json()["message"]) == (
        422,
        "Only the first 1000 search results are available",
    )


# --- comments ---------------------------------------------------------------------------


def test_comments(sandbox: Sandbox, repo: Repository, bob: Github) -> None:
    issue = repo.create_issue(title="t")
    first = issue.create_comment("status")
    sandbox.advance(timedelta(hours=1))
    second = bob.get_repo("acme/payments").get_issue(1).create_comment("looks good")
    assert second.raw_data["author_association"] == "MEMBER"
    issue.update()
    assert issue.comments == 2
    assert issue.updated_at == SANDBOX_START + timedelta(hours=1)  # a comment bumps the issue

    sandbox.advance(timedelta(hours=1))
    first.edit("status, edited")
    assert first.updated_at == SANDBOX_START + timedelta(hours=2)
    assert issue.get_comment(first.id).body == "status, edited"
    assert [c.body for c in issue.get_comments()] == ["status, edited", "looks good"]
    since = SANDBOX_START + timedelta(minutes=90)
    assert [c.id for c in issue.get_comments(since=since)] == [first.id]

    other = repo.create_issue(title="u")
    other.create_comment("elsewhere")
    every = repo.get_issues_comments(sort="created", direction="asc")
    assert [c.body for c in every] == ["status, edited", "looks good", "elsewhere"]
    assert [c.body for c in repo.get_issues_comments(since=since)] == [
        "status, edited",
        "elsewhere",
    ]

    second_by_alice = repo.get_issue(1).get_comment(second.id)
    second_by_alice.delete()  # the owner may delete anyone's comment
    assert repo.get_issue(1).comments == 1
    with pytest.raises(UnknownObjectException):
        issue.get_comment(second.id)


def test_empty_comment_is_422(repo: Repository) -> None:
    with pytest.raises(GithubException) as raised:
        repo.create_issue(title="t").create_comment("")
    assert raised.value.status == 422


# --- labels -----------------------------------------------------------------------------


def test_repository_labels(repo: Repository) -> None:
    names = [label.name for label in repo.get_labels()]
    assert "bug" in names and "good first issue" in names  # GitHub's defaults
    label = repo.create_label("service:payments db", "B60205", "Payments database")
    assert repo.get_label("service:payments db").description == "Payments database"
    assert repo.get_label("SERVICE:PAYMENTS DB").name == "service:payments db"  # any case
    with pytest.raises(GithubException) as raised:
        repo.create_label("Service:Payments DB", "ffffff")
    assert raised.value.status == 422
    assert raised.value.data["errors"] == [
        {"resource": "Label", "code": "already_exists", "field": "name"}
    ]
    label.edit("service:payments-db", "00ff00", "renamed")
    assert repo.get_label("service:payments-db").color == "00ff00"
    with pytest.raises(UnknownObjectException):
        repo.get_label("service:payments db")


@pytest.mark.parametrize(
    ("name", "color", "field"),
    [("x" * 51, "ffffff", "name"), ("ok", "#ffffff", "color"), ("ok", "red", "color")],
)
def test_invalid_label_is_422(repo: Repository, name: str, color: str, field: str) -> None:
    with pytest.raises(GithubException) as raised:
        repo.create_label(name, color)
    assert raised.value.status == 422
    assert raised.value.data["errors"][0]["field"] == field


def test_issue_labels(repo: Repository) -> None:
    issue = repo.create_issue(title="t")
    issue.add_to_labels("postmortem", "sev:1")
    assert [label.name for label in issue.get_labels()] == ["postmortem", "sev:1"]
    issue.remove_from_labels("sev:1")
    assert [label.name for label in repo.get_issue(1).labels] == ["postmortem"]
    with pytest.raises(GithubException) as raised:
        issue.remove_from_labels("sev:1")
    assert (raised.value.status, raised.value.data["message"]) == (404, "Label does not exist")
    issue.set_labels("repeat-incident", "service:db")
    assert [label.name for label in repo.get_issue(1).labels] == ["repeat-incident", "service:db"]
    issue.delete_labels()
    assert repo.get_issue(1).labels == []


def test_renaming_or_deleting_a_label_reaches_its_issues(repo: Repository) -> None:
    issue = repo.create_issue(title="t", labels=["sev:1", "postmortem"])
    repo.get_label("sev:1").edit("sev:2", "ededed")
    assert [label.name for label in repo.get_issue(issue.number).labels] == ["postmortem", "sev:2"]
    repo.get_label("postmortem").delete()
    assert [label.name for label in repo.get_issue(issue.number).labels] == ["sev:2"]


def test_issue_events_record_who_did_what(repo: Repository, bob: Github) -> None:
    issue = bob.get_repo("acme/payments").create_issue(title="t")
    issue.add_to_labels("pm:approved")
    repo.get_issue(1).edit(state="closed")
    events = [(e.event, e.actor.login) for e in issue.get_events()]
    assert events == [("labeled", "bob"), ("closed", "alice")]
    labeled = issue.get_events()[0]
    assert labeled.label.name == "pm:approved"
    assert repo.get_issues_event(labeled.id).event == "labeled"


# --- people without write access ------------------------------------------------------


def test_outsider_may_open_issues_but_not_label_them(
    sandbox: Sandbox, outsider: Github, repo: Repository
) -> None:
    theirs = outsider.get_repo("acme/payments").create_issue(title="t", labels=["postmortem"])
    assert theirs.raw_data["author_association"] == "NONE"
    assert theirs.labels == []  # dropped silently, as GitHub does
    theirs.edit(body="fixed my own issue")
    assert repo.get_issue(theirs.number).body == "fixed my own issue"
    with pytest.raises(GithubException) as raised:
        theirs.add_to_labels("postmortem")
    assert raised.value.status == 403
    mine = repo.create_issue(title="mine")
    with pytest.raises(GithubException) as raised:
        outsider.get_repo("acme/payments").get_issue(mine.number).edit(body="vandalised")
    assert raised.value.status == 403
    comment = (
        outsider.get_repo("acme/payments").get_issue(mine.number).create_comment("/pmsync sync")
    )
    assert comment.raw_data["author_association"] == "NONE"
    assert repo.get_collaborator_permission("mallory") == "read"


# --- search -----------------------------------------------------------------------------


@pytest.fixture
def incidents(sandbox: Sandbox, repo: Repository) -> None:
    repo.create_issue(title="DB outage", labels=["postmortem", "service:payments db", "sev:1"])
    sandbox.advance(timedelta(days=10))
    repo.create_issue(title="Queue backlog", labels=["postmortem", "service:queue"])
    sandbox.advance(timedelta(days=10))
    repo.create_issue(title="DB failover", labels=["postmortem", "service:payments db"]).edit(
        state="closed"
    )
    sandbox.add_github_repo("acme/ledger")
    sandbox.add_github_user("alice", repos={"acme/ledger": "OWNER"})


def numbers(client: Github, query: str, **options: str) -> list[int]:
    return [issue.number for issue in client.search_issues(query, **options)]  # type: ignore[arg-type]


@pytest.mark.usefixtures("incidents")
def test_search_issues(github_client: Github) -> None:
    base = "repo:acme/payments is:issue"
    assert numbers(github_client, f"{base} label:postmortem") == [3, 2, 1]  # newest first
    assert numbers(github_client, f'{base} label:"service:payments db"') == [3, 1]
    assert numbers(
        github_client, f'{base} label:postmortem label:"service:payments db" label:sev:1'
    ) == [1]
    assert numbers(github_client, f"{base} label:service:queue,sev:1") == [2, 1]  # either
    assert numbers(github_client, f"{base} -label:sev:1 label:postmortem") == [3, 2]
    assert numbers(github_client, f"{base} state:closed") == [3]
    assert numbers(github_client, f"{base} is:open") == [2, 1]
    assert numbers(github_client, f"{base} created:>=2026-12-11") == [3, 2]
    assert numbers(github_client, f"{base} created:<2026-12-11") == [1]
    assert numbers(github_client, f"{base} created:2026-12-01..2026-12-11") == [2, 1]
    assert numbers(github_client, f"{base} DB in:title") == [3, 1]
    assert numbers(github_client, f"{base} outage") == [1]
    assert numbers(
        github_client, "repo:acme/payments repo:acme/ledger is:issue label:postmortem"
    ) == [3, 2, 1]
    assert numbers(github_client, "repo:acme/ledger is:issue") == []
    assert numbers(github_client, f"{base} label:postmortem", sort="created", order="asc") == [
        1,
        2,
        3,
    ]


@pytest.mark.usefixtures("incidents")
def test_search_pages_and_counts(sandbox: Sandbox) -> None:
    client = client_for(sandbox, sandbox.github_token, per_page=2)
    found = client.search_issues("repo:acme/payments is:issue label:postmortem")
    assert found.totalCount == 3
    assert [issue.number for issue in found] == [3, 2, 1]
    client.close()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "repo:acme/payments label:postmortem",
            "Query must include 'is:issue' or 'is:pull-request'",
        ),
        (
            "repo:acme/payments is:issue milestone:v1",
            "the sandbox does not support the search qualifier milestone:v1",
        ),
        ("repo:acme/payments is:issue created:>=yesterday", "'yesterday' is not a date"),
    ],
)
def test_search_refuses_what_it_cannot_answer(
    github_client: Github, query: str, message: str
) -> None:
    with pytest.raises(GithubException) as raised:
        list(github_client.search_issues(query))
    assert raised.value.status == 422
    assert raised.value.data["message"].startswith(message)


def test_search_in_an_unknown_repository_is_422(github_client: Github) -> None:
    with pytest.raises(GithubException) as raised:
        list(github_client.search_issues("repo:acme/nowhere is:issue"))
    assert raised.value.data["errors"][0]["code"] == "invalid"


# --- rate limits and conditional requests -----------------------------------------------


def test_rate_limit_counts_requests(github_client: Github, repo: Repository) -> None:
    before = github_client.get_rate_limit().resources.core
    repo.get_issues().totalCount  # noqa: B018 (one request)
    after = github_client.get_rate_limit().resources.core
    assert before.limit == 5000
    assert before.remaining - after.remaining == 1  # /rate_limit itself is free
    search = github_client.get_rate_limit().resources.search
    assert (search.limit, search.remaining) == (30, 30)


def test_rate_limit_headers_on_every_answer(sandbox: Sandbox) -> None:
    headers = {"Authorization": f"token {sandbox.github_token}"}
    url = f"{sandbox.github_url}/repos/acme/payments"
    first = requests.get(url, headers=headers, timeout=5).headers
    missing = requests.get(f"{url}/issues/9", headers=headers, timeout=5).headers
    assert int(first["x-ratelimit-remaining"]) - int(missing["x-ratelimit-remaining"]) == 1
    assert first["x-ratelimit-resource"] == "core"
    assert int(first["x-ratelimit-reset"]) == int(SANDBOX_START.timestamp()) + 3600
    assert missing["x-ratelimit-used"] == "2"


def test_exhausted_rate_limit_is_403_until_the_window_ends(
    sandbox: Sandbox, github_client: Github
) -> None:
    sandbox.set_github_rate_limit(limit=100, remaining=1)
    repo = github_client.get_repo("acme/payments")
    with pytest.raises(RateLimitExceededException) as raised:
        repo.get_issue(1)
    assert raised.value.status == 403
    assert raised.value.headers["x-ratelimit-remaining"] == "0"
    assert raised.value.headers["x-ratelimit-used"] == "100"
    sandbox.advance(timedelta(hours=1))
    assert repo.get_issues().totalCount == 0


def test_etag_and_304_which_costs_nothing(sandbox: Sandbox, repo: Repository) -> None:
    issue = repo.create_issue(title="t")
    issue = repo.get_issue(1)
    assert issue.etag is not None
    remaining = repo._requester.rate_limiting[0]
    assert issue.update() is False  # 304 Not Modified
    assert repo._requester.rate_limiting[0] == remaining
    repo.get_issue(1).edit(body="changed")
    assert issue.update() is True
    assert issue.body == "changed"
    assert [entry["status"] for entry in sandbox.requests()][-4:] == [304, 200, 200, 200]
