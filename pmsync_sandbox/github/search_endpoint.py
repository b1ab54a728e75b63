"""The GitHub emulator's issue search (``GET /search/issues``): the query (read by
``search.py``) run over every repository, sorted and paged as GitHub does, up to its first
1000 results.
"""

from __future__ import annotations

from pmsync_sandbox.github.calls import (
    GitHubCall,
    GithubError,
    invalid,
    json_response,
    page_numbers,
    page_of,
)
from pmsync_sandbox.github.lookups import Lookups, issue_sort_field
from pmsync_sandbox.github.search import QueryError, parse_query
from pmsync_sandbox.http import SandboxResponse

MAX_SEARCH_RESULTS = 1000


class SearchEndpoint(Lookups):
    def search_issues(self, call: GitHubCall) -> SandboxResponse:
        text = call.arg("q")
        if not text:
            raise invalid("Search", "q", "missing")
        try:
            query = parse_query(text)
        except QueryError as exc:
            raise GithubError(422, str(exc)) from exc
        missing = [name for name in query.repos if name not in self.store.repos]
        if missing:
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
        page_number, per_page = page_numbers(call)
        if (page_number - 1) * per_page >= MAX_SEARCH_RESULTS:
            raise GithubError(422, "Only the first 1000 search results are available")
        page, headers = page_of(call, found[:MAX_SEARCH_RESULTS])
        body = {
            "total_count": len(found),
            "incomplete_results": False,
            "search_type": "lexical",
            "items": [call.render.search_item(repo, issue) for repo, issue in page],
        }
        return json_response(body, 200, headers)
