"""The GitHub adapter against real GitHub JSON: exact requests, retries, request counts."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from responses import matchers
from support.github_api import (
    API,
    ISSUE_URL,
    REPO,
    TOKEN,
    api_comment,
    api_issue,
    make_adapter,
    rebase,
)
from support.realdata import load_json

from pmsync.adapters.github import ACTIONS_BOT
from pmsync.core.domain.markers import STATUS
from pmsync.errors import RemoteError, UnknownIdentity

LABELED = load_json("github-webhooks/issues/labeled.payload.json")
BODY = """### Action items

| Action | Type | Priority | Owner | Due | Ticket |
|---|---|---|---|---|---|
| Add connection pool exhaustion alert (80%) | Detect | P1 | @bob | 2026-12-01 | |
"""


def test_reads_an_issue_in_one_request(mocked: responses.RequestsMock) -> None:
    mocked.get(ISSUE_URL, json=api_issue())
    adapter, request_log = make_adapter()
    issue = adapter.issue(REPO, 1)
    assert issue.ref == f"{REPO}#1"
    assert issue.title == "Spelling error in the README file"
    assert issue.author == "Codertocat"
    assert issue.author_association == "OWNER"
    assert issue.labels == ("bug",)
    assert issue.state == "open"
    assert issue.html_url == "https://github.com/Codertocat/Hello-World/issues/1"
    assert request_log.count() == 1
    assert mocked.calls[0].request.headers["Authorization"] == f"token {TOKEN}"


def test_empty_body_reads_as_empty_text(mocked: responses.RequestsMock) -> None:
    raw = load_json("github-webhooks/issues/opened.with-empty-body.payload.json")["issue"]
    mocked.get(ISSUE_URL, json=rebase(raw))
    adapter, _ = make_adapter()
    assert adapter.issue(REPO, 1).body == ""


def test_a_reopened_issue_keeps_when_it_was_last_closed(mocked: responses.RequestsMock) -> None:
    raw = load_json("github-webhooks/issues/reopened.payload.json")["issue"]
    mocked.get(ISSUE_URL, json=rebase(raw | {"state_reason": "reopened"}))
    adapter, _ = make_adapter()
    issue = adapter.issue(REPO, 1)
    assert issue.state == "open" and issue.state_reason == "reopened"
    assert issue.closed_at == datetime(2021, 7, 5, 18, 7, 10, tzinfo=UTC)


def test_an_answer_without_a_state_reason_costs_no_second_request(
    mocked: responses.RequestsMock,
) -> None:
    raw = api_issue()
    raw.pop("state_reason", None)
    mocked.get(ISSUE_URL, json=raw)
    adapter, request_log = make_adapter()
    assert adapter.issue(REPO, 1).state_reason is None
    assert request_log.count() == 1 and len(mocked.calls) == 1


def test_open_postmortems_are_listed_by_label_a_hundred_per_page(
    mocked: responses.RequestsMock,
) -> None:
    # A pull request on the first page is left out; the Link header says page 2 follows.
    pull = api_issue(number=100, html_url="https://github.com/Codertocat/Hello-World/pull/100")
    full = [api_issue(number=n) for n in range(1, 100)] + [pull]
    page_2 = f"{API}/repos/{REPO}/issues?state=open&labels=postmortem&per_page=100&page=2"
    mocked.get(
        f"{API}/repos/{REPO}/issues",
        json=full,
        headers={"Link": f'<{page_2}>; rel="next", <{page_2}>; rel="last"'},
        match=[
            matchers.query_param_matcher(
                {"state": "open", "labels": "postmortem", "per_page": "100"}
            )
        ],
    )
    mocked.get(
        f"{API}/repos/{REPO}/issues",
        json=[api_issue(number=102)],
        match=[
            matchers.query_param_matcher(
                {"state": "open", "labels": "postmortem", "per_page": "100", "page": "2"}
            )
        ],
    )
    adapter, request_log = make_adapter()
    issues = adapter.open_postmortems(REPO, "postmortem")
    assert [i.number for i in issues] == [*range(1, 100), 102]
    assert request_log.count() == 2  # no request per issue: the list holds everything


def test_a_list_that_fills_its_last_page_exactly_costs_no_empty_page(
    mocked: responses.RequestsMock,
) -> None:
    # GitHub sends no Link header when one page holds everything: nothing more is asked.
    mocked.get(
        f"{API}/repos/{REPO}/issues",
        json=[api_issue(number=n) for n in range(1, 101)],
        match=[
            matchers.query_param_matcher(
                {"state": "open", "labels": "postmortem", "per_page": "100"}
            )
        ],
    )
    adapter, request_log = make_adapter()
    issues = adapter.open_postmortems(REPO, "postmortem")
    assert [i.number for i in issues] == list(range(1, 101))
    assert request_log.count() == 1


def test_bot_comments_are_only_our_own(mocked: responses.RequestsMock) -> None:
    comments = [
        api_comment(1, "mallory", f"{STATUS}\nforged"),
        api_comment(2, "pmsync-bot", f"{STATUS}\nreal"),
    ]
    mocked.get(f"{ISSUE_URL}/comments", json=comments)
    adapter, request_log = make_adapter()
    found = adapter.bot_comments(REPO, 1)
    assert [(c.id, c.author) for c in found] == [(2, "pmsync-bot")]
    assert request_log.count() == 1


def test_identity_is_asked_once(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{API}/user", json={"login": "pmsync-bot", "id": 1, "type": "Bot"})
    mocked.get(f"{ISSUE_URL}/comments", json=[api_comment(2, "pmsync-bot", STATUS)])
    mocked.get(f"{ISSUE_URL}/comments", json=[api_comment(2, "pmsync-bot", STATUS)])
    adapter, request_log = make_adapter(identity=None)
    adapter.bot_comments(REPO, 1)
    adapter.bot_comments(REPO, 1)
    assert adapter.identity() == "pmsync-bot"
    assert request_log.count() == 3


def _user_refused(mocked: responses.RequestsMock) -> None:
    mocked.get(
        f"{API}/user",
        status=403,
        json={
            "message": "Resource not accessible by integration",
            "documentation_url": "https://docs.github.com/rest/users/users",
        },
    )


def test_the_workflows_own_token_is_the_actions_bot(mocked: responses.RequestsMock) -> None:
    _user_refused(mocked)
    adapter, _ = make_adapter(identity=None, workflow_token=TOKEN)
    assert adapter.identity() == ACTIONS_BOT


@pytest.mark.parametrize("workflow_token", [None, "ghs_another_token"])
def test_an_installation_token_pmsync_cannot_place_names_the_setting(
    mocked: responses.RequestsMock, workflow_token: str | None
) -> None:
    """An App's token handed in: guessing the Actions bot would never find pmsync's own
    comments (a new status comment every run)."""
    _user_refused(mocked)
    adapter, _ = make_adapter(identity=None, workflow_token=workflow_token)
    with pytest.raises(UnknownIdentity, match="set PMSYNC_BOT_LOGIN"):
        adapter.identity()


def test_bad_token_is_an_error_naming_the_request(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{API}/user", status=401, json={"message": "Bad credentials"})
    adapter, _ = make_adapter(identity=None)
    with pytest.raises(RemoteError) as caught:
        adapter.identity()
    assert str(caught.value).startswith("github GET /user answered 401: Bad credentials. ")
    assert "set GITHUB_TOKEN to a valid token" in str(caught.value)  # the fix, by name
    assert TOKEN not in str(caught.value)


def test_create_comment_posts_once(mocked: responses.RequestsMock) -> None:
    body = f"{STATUS}\n1 of 1 done"
    mocked.post(
        f"{ISSUE_URL}/comments",
        status=201,
        json=api_comment(7, "pmsync-bot", body),
        match=[matchers.json_params_matcher({"body": body})],
    )
    adapter, request_log = make_adapter()
    comment = adapter.create_comment(REPO, 1, body, STATUS)
    assert (comment.id, comment.body) == (7, body)
    assert request_log.count(write=True) == 1
    assert request_log.count() == 1


def test_comment_stored_before_a_502_is_found_not_posted_again(
    mocked: responses.RequestsMock,
) -> None:
    body = f"{STATUS}\n1 of 1 done"
    mocked.post(f"{ISSUE_URL}/comments", status=502, json={"message": "Server Error"})
    mocked.get(f"{ISSUE_URL}/comments", json=[api_comment(7, "pmsync-bot", body)])
    adapter, request_log = make_adapter()
    assert adapter.create_comment(REPO, 1, body, STATUS).id == 7
    assert request_log.count(write=True) == 1


def test_comment_lost_with_the_connection_is_posted_again(mocked: responses.RequestsMock) -> None:
    body = f"{STATUS}\nhello"
    mocked.post(f"{ISSUE_URL}/comments", body=requests.ConnectionError("reset"))
    mocked.get(f"{ISSUE_URL}/comments", json=[api_comment(3, "someone", f"{STATUS}\nfake")])
    mocked.post(f"{ISSUE_URL}/comments", status=201, json=api_comment(8, "pmsync-bot", body))
    adapter, request_log = make_adapter()
    assert adapter.create_comment(REPO, 1, body, STATUS).id == 8
    assert request_log.count(write=True) == 2


def test_edit_comment_is_one_patch(mocked: responses.RequestsMock) -> None:
    mocked.patch(
        f"{API}/repos/{REPO}/issues/comments/7",
        json=api_comment(7, "pmsync-bot", "new"),
        match=[matchers.json_params_matcher({"body": "new"})],
    )
    adapter, request_log = make_adapter()
    assert adapter.edit_comment(REPO, 1, 7, "new").body == "new"
    assert request_log.count() == 1


def fill_first_cell(body: str) -> str:
    return body.replace("| 2026-12-01 | |", "| 2026-12-01 | [OPS-1](https://jira/browse/OPS-1) |")


def test_a_body_rewrite_rereads_the_body_and_patches_what_it_returns(
    mocked: responses.RequestsMock,
) -> None:
    mocked.get(ISSUE_URL, json=api_issue(body=BODY))
    filled = BODY.replace("| 2026-12-01 | |", "| 2026-12-01 | [OPS-1](https://jira/browse/OPS-1) |")
    mocked.patch(
        ISSUE_URL,
        json=api_issue(body=filled),
        match=[matchers.json_params_matcher({"body": filled})],
    )
    adapter, request_log = make_adapter()
    issue, written = adapter.rewrite_body(REPO, 1, fill_first_cell)
    assert (issue.body, written) == (filled, True)
    assert request_log.count(write=True) == 1


def test_a_body_rewrite_that_changes_nothing_sends_no_write(
    mocked: responses.RequestsMock,
) -> None:
    filled = BODY.replace("| 2026-12-01 | |", "| 2026-12-01 | [OPS-1](https://jira/browse/OPS-1) |")
    mocked.get(ISSUE_URL, json=api_issue(body=filled))
    adapter, request_log = make_adapter()
    _, written = adapter.rewrite_body(REPO, 1, fill_first_cell)
    assert written is False
    assert request_log.count(write=True) == 0


def _labels(*names: str) -> list[dict[str, Any]]:
    return [
        {
            "id": n,
            "node_id": f"LA_{n}",
            "url": f"{API}/repos/{REPO}/labels/{name}",
            "name": name,
            "color": "ededed",
            "default": False,
            "description": None,
        }
        for n, name in enumerate(names, start=1)
    ]


def add_severity(labels: tuple[str, ...]) -> tuple[str, ...]:
    return (*labels, "sev:2") if "sev:2" not in labels else labels


def test_a_body_rewrite_carries_the_labels_in_the_same_patch(
    mocked: responses.RequestsMock,
) -> None:
    # Someone added team:db since the run began: the list sent keeps it, because GitHub
    # replaces the issue's labels with the list a PATCH gives.
    mocked.get(ISSUE_URL, json=api_issue(body=BODY, labels=_labels("postmortem", "team:db")))
    filled = fill_first_cell(BODY)
    wanted = ["postmortem", "team:db", "sev:2"]
    mocked.patch(
        ISSUE_URL,
        json=api_issue(body=filled, labels=_labels(*wanted)),
        match=[matchers.json_params_matcher({"body": filled, "labels": wanted})],
    )
    adapter, request_log = make_adapter()
    issue, written = adapter.rewrite_body(REPO, 1, fill_first_cell, add_severity)
    assert (issue.labels, written) == (tuple(wanted), True)
    assert request_log.count(write=True) == 1


def test_labels_that_are_there_already_are_not_sent(mocked: responses.RequestsMock) -> None:
    mocked.get(ISSUE_URL, json=api_issue(body=BODY, labels=_labels("sev:2")))
    filled = fill_first_cell(BODY)
    mocked.patch(
        ISSUE_URL,
        json=api_issue(body=filled, labels=_labels("sev:2")),
        match=[matchers.json_params_matcher({"body": filled})],
    )
    adapter, _ = make_adapter()
    assert adapter.rewrite_body(REPO, 1, fill_first_cell, add_severity)[1] is True


def test_a_body_that_needs_no_rewrite_leaves_the_labels_too(
    mocked: responses.RequestsMock,
) -> None:
    mocked.get(ISSUE_URL, json=api_issue(body=fill_first_cell(BODY), labels=_labels("postmortem")))
    adapter, request_log = make_adapter()
    issue, written = adapter.rewrite_body(REPO, 1, fill_first_cell, add_severity)
    assert (issue.labels, written) == (("postmortem",), False)
    assert request_log.count(write=True) == 0


def test_labels_are_added_in_one_request_and_retried_after_a_5xx(
    mocked: responses.RequestsMock,
) -> None:
    url = f"{ISSUE_URL}/labels"
    mocked.post(url, status=500, json={"message": "Server Error"})
    mocked.post(
        url,
        json=[{"name": "bug"}, {"name": "postmortem"}, {"name": "sev:2"}],
        match=[matchers.json_params_matcher(["postmortem", "sev:2"])],  # type: ignore[arg-type]
    )
    adapter, request_log = make_adapter()
    adapter.add_labels(REPO, 1, ["postmortem", "sev:2"])
    assert request_log.count(write=True) == 2


def test_removing_a_label_that_is_gone_counts_as_done(mocked: responses.RequestsMock) -> None:
    mocked.delete(
        f"{ISSUE_URL}/labels/pm%3Aneeds-fix", status=404, json={"message": "Label does not exist"}
    )
    adapter, request_log = make_adapter()
    adapter.remove_label(REPO, 1, "pm:needs-fix")
    assert request_log.count(write=True) == 1


def api_label(name: str) -> dict[str, Any]:
    """A label as the real `issues.labeled` delivery shows one, with another name."""
    return rebase(copy.deepcopy(LABELED["label"]) | {"name": name})


def test_repo_labels_are_listed_once_and_only_missing_ones_are_created(
    mocked: responses.RequestsMock,
) -> None:
    mocked.get(
        f"{API}/repos/{REPO}/labels",
        json=[api_label("postmortem"), api_label("Service:Payments-DB")],
        match=[matchers.query_param_matcher({"per_page": "100"})],
    )
    mocked.post(
        f"{API}/repos/{REPO}/labels",
        status=201,
        json=api_label("sev:2"),
        match=[
            matchers.json_params_matcher({"name": "sev:2", "color": "f9d0c4", "description": ""})
        ],
    )
    adapter, request_log = make_adapter()
    assert adapter.ensure_repo_label(REPO, "postmortem", "5319e7", "") is False
    assert adapter.ensure_repo_label(REPO, "service:payments-db", "c5def5", "") is False
    assert adapter.ensure_repo_label(REPO, "sev:2", "f9d0c4", "") is True
    assert adapter.ensure_repo_label(REPO, "sev:2", "f9d0c4", "") is False
    assert (request_log.count(write=False), request_log.count(write=True)) == (1, 1)


def test_repo_label_that_exists_is_in_place(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{API}/repos/{REPO}/labels", json=[])  # made since the run listed them
    body = {"name": "sev:2", "color": "d73a4a", "description": "Severity 2"}
    mocked.post(
        f"{API}/repos/{REPO}/labels",
        status=422,
        json={
            "message": "Validation Failed",
            "errors": [{"resource": "Label", "code": "already_exists", "field": "name"}],
        },
        match=[matchers.json_params_matcher(body)],
    )
    adapter, request_log = make_adapter()
    assert adapter.ensure_repo_label(REPO, "sev:2", "d73a4a", "Severity 2") is False
    assert request_log.count(write=True) == 1


def test_closing_returns_the_issue_as_github_answered(mocked: responses.RequestsMock) -> None:
    mocked.patch(
        ISSUE_URL,
        json=api_issue(state="closed"),
        match=[matchers.json_params_matcher({"state": "closed"})],
    )
    adapter, request_log = make_adapter()
    assert adapter.set_state(REPO, 1, "closed").state == "closed"
    assert request_log.count() == 1


def test_rate_limit_403_waits_for_reset_then_reads(mocked: responses.RequestsMock) -> None:
    mocked.get(
        ISSUE_URL,
        status=403,
        json={"message": "API rate limit exceeded for installation ID 1."},
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "0"},
    )
    mocked.get(ISSUE_URL, json=api_issue())
    adapter, request_log = make_adapter()
    assert adapter.issue(REPO, 1).number == 1
    assert request_log.count() == 2


def test_pygithub_never_retries_a_post_by_itself(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{API}/repos/{REPO}/labels", json=[])
    for _ in range(3):
        mocked.post(f"{API}/repos/{REPO}/labels", status=502, json={"message": "Bad gateway"})
    adapter, _ = make_adapter()
    with pytest.raises(RemoteError, match="gave up after 3 attempts"):
        adapter.ensure_repo_label(REPO, "x", "ffffff", "")
    posts = [c for c in mocked.calls if c.request.method == "POST"]
    assert len(posts) == 3  # three attempts of ours, none added by the library
    assert all(parse_qs(urlsplit(c.request.url).query) == {} for c in posts)
