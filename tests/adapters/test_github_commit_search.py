"""The GitHub adapter's commit search (``GET /search/commits``) against GitHub's own example
answer: the query as sent, the commits as read, paging, retries and the request count."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
import responses
from responses import matchers
from support.github_api import API, make_adapter
from support.realdata import load_json

from pmsync.errors import RemoteError

SEARCH = f"{API}/search/commits"
QUERY = 'repo:octocat/Spoon-Knife "OPS-12" OR "OPS-13"'
PARAMS = {"q": QUERY, "sort": "committer-date", "order": "asc", "per_page": "100"}


def answer() -> dict[str, Any]:
    """GitHub's example answer (OpenAPI description, ``commit-search-result-item-paginated``)."""
    document = load_json("openapi/github-rest-api.cut.json")
    example = document["components"]["examples"]["commit-search-result-item-paginated"]
    return copy.deepcopy(example["value"])


def test_commits_are_read_from_the_answer_in_one_request(mocked: responses.RequestsMock) -> None:
    mocked.get(SEARCH, json=answer(), match=[matchers.query_param_matcher(PARAMS)])
    adapter, request_log = make_adapter()
    (found,) = adapter.search_commits(QUERY)
    assert found.repo == "octocat/Spoon-Knife"
    assert found.sha == "bb4cc8d3b2e14b3af5df699876dd4ff3acd00b7f"
    assert found.ref == "octocat/Spoon-Knife@bb4cc8d"
    assert found.message == "Create styles.css and updated README"
    assert found.html_url.endswith("/octocat/Spoon-Knife/commit/" + found.sha)
    # The committer's date (it reached the branch then), not the author's (4 February).
    assert found.committed_at == datetime(2014, 2, 12, 23, 18, 55, tzinfo=UTC)
    assert request_log.count() == 1  # reading the commit completes nothing


AUTHORS_DATE = datetime(2014, 2, 4, 22, 38, 36, tzinfo=UTC)


@pytest.mark.parametrize(
    ("committer", "author_date", "expected"),
    [
        (None, True, AUTHORS_DATE),  # nullable-git-user
        ({"name": "The Octocat", "email": "octocat@nowhere.com"}, True, AUTHORS_DATE),  # no date
        (None, False, None),  # no date at all: read, not a crash
    ],
)
def test_a_commit_without_a_committers_date_takes_the_authors(
    mocked: responses.RequestsMock,
    committer: dict[str, str] | None,
    author_date: bool,
    expected: datetime | None,
) -> None:
    body = answer()
    git = body["items"][0]["commit"]
    git["committer"] = committer
    if not author_date:
        del git["author"]["date"]
    mocked.get(SEARCH, json=body)
    adapter, request_log = make_adapter()
    (found,) = adapter.search_commits(QUERY)
    assert found.committed_at == expected
    assert request_log.count() == 1


def test_pages_are_followed_and_a_5xx_is_retried(mocked: responses.RequestsMock) -> None:
    first, second = answer(), answer()
    second["items"][0]["sha"] = "c" * 40
    page_2 = f"{SEARCH}?q=x&page=2"
    link = {"Link": f'<{page_2}>; rel="next", <{page_2}>; rel="last"'}
    mocked.get(SEARCH, json=first, headers=link, match=[matchers.query_param_matcher(PARAMS)])
    page_two = PARAMS | {"page": "2"}
    mocked.get(SEARCH, status=502, json={"message": "Bad gateway"})
    mocked.get(SEARCH, json=second, match=[matchers.query_param_matcher(page_two)])
    adapter, request_log = make_adapter()
    found = adapter.search_commits(QUERY)
    assert [c.sha[:7] for c in found] == ["bb4cc8d", "ccccccc"]
    assert request_log.count() == 3


def test_a_refused_search_is_a_refusal(mocked: responses.RequestsMock) -> None:
    mocked.get(
        SEARCH,
        status=422,
        json={
            "message": "Validation Failed",
            "errors": [{"resource": "Search", "field": "q", "code": "invalid"}],
        },
    )
    adapter, _ = make_adapter()
    with pytest.raises(RemoteError) as raised:
        adapter.search_commits(QUERY)
    assert raised.value.refused and raised.value.status == 422
