"""The GitHub emulator's issue search (``GET /search/issues``): the query (read by
``search.py``) run over every repository, sorted and paged as GitHub does, up to its first
1000 results.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pmsync_sandbox.github.calls import (
    GitHubCall,
    GithubError,
    invalid,
    json_response,
    page_numbers,
    page_of,
)
from pmsync_sandbox.github.lookups import Lookups, issue_sort_field
from pmsync_sandbox.github.search import QueryError, RepoScope, parse_query
from pmsync_sandbox.http import SandboxResponse

MAX_SEARCH_RESULTS = 1000
T = TypeVar("T")
Q = TypeVar("Q", bound=RepoScope)


class SearchEndpoint(Lookups):
    def read_query(self, call: GitHubCall, parse: Callable[[str], Q]) -> Q:
        """The search's ``q``, parsed: ``422`` for a missing one, a qualifier the sandbox
        does not know, or a repository it cannot search."""
        text = call.arg("q")
        if not text:
            raise invalid("Search", "q", "missing")
        try:
            query = parse(text)
        except QueryError as exc:
            raise GithubError(422, str(exc)) from exc
        self.check_repos(query.repos)
        return query

    def search_issues(self, call: GitHubCall) -> SandboxResponse:
        query = self.read_query(call, parse_query)
        found = [
            (repo, issue)
            for repo in self.store.repos.values()
            if query.selects_repo(repo)
            for issue in repo.issues.values()
            if query.matches(repo, issue)
        ]
        key = issue_sort_field(call.arg("sort"))
        descending = (call.arg("order") or "desc") != "asc"
        found.sort(key=lambda pair: (getattr(pair[1], key), pair[1].id), reverse=descending)
        page, headers = self.first_results(call, found)
        body = {
            "total_count": len(found),
            "incomplete_results": False,
            "search_type": "lexical",
            "items": [call.render.search_item(repo, issue) for repo, issue in page],
        }
        return json_response(body, 200, headers)

    def check_repos(self, names: list[str]) -> None:
        """A ``repo:`` naming a repository that does not exist (or the caller cannot see)
        makes GitHub refuse the whole search."""
        if any(name not in self.store.repos for name in names):
            raise GithubError(
                422,
                "Validation Failed",
                [
                    {
                        "message": (
                            "The listed users and repositories cannot be searched either because "
                            "the resources do not exist or you do not have permission to view them."
                        ),
                        "resource": "Search",
                        "field": "q",
                        "code": "invalid",
                    }
                ],
            )

    @staticmethod
    def first_results(call: GitHubCall, found: list[T]) -> tuple[list[T], dict[str, str]]:
        """The page asked for of the first 1000 results, as GitHub serves no more."""
        page_number, per_page = page_numbers(call)
        if (page_number - 1) * per_page >= MAX_SEARCH_RESULTS:
            raise GithubError(422, "Only the first 1000 search results are available")
        return page_of(call, found[:MAX_SEARCH_RESULTS])
