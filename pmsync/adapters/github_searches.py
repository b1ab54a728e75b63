"""GitHub's listings and searches, page by page, for ``pmsync.adapters.github``: each page
is one counted request of the retry wrapper, converted to state models inside it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from github import Github
from github.Issue import Issue
from github.PaginatedList import PaginatedList

from pmsync.adapters.github_answers import Obj, T, commit_state, issue_state, read_page
from pmsync.adapters.retry import Remote
from pmsync.core.domain.state import CommitState, IssueState


class GitHubReading:
    """The paging the adapter's listings share, and the two searches."""

    _client: Github
    _remote: Remote

    def _pages(
        self, method: str, path: str, listing: PaginatedList[Obj], convert: Callable[[Obj], T]
    ) -> Iterator[T]:
        """Page after page while GitHub's ``Link`` header names a next one; each page is one
        counted request, and a list that fills its last page exactly costs no empty page."""
        index = 0
        while True:
            items, more = self._remote.read(
                method, path, partial(read_page, listing, index, convert)
            )
            yield from items
            if not more:
                return
            index += 1

    def search_postmortems(self, query: str) -> tuple[IssueState, ...]:
        """Issues matching a search query (``GET /search/issues``), oldest first, 100 per
        request. The query says ``is:issue`` or ``is:pr`` (shipped evidence searches merged
        pull requests: their ``closed_at`` is the merge); each result names its repository."""
        listing = self._client.search_issues(query, sort="created", order="asc")

        def found(issue: Issue) -> IssueState:
            return issue_state(issue.repository_url.split("/repos/", 1)[1], issue)

        return tuple(self._pages("GET", "/search/issues", listing, found))

    def search_commits(self, query: str) -> tuple[CommitState, ...]:
        """Commits on default branches matching a commit search query
        (``GET /search/commits``), oldest committer date first, 100 per request; paged,
        retried and counted like the issue search, against the same search limit."""
        listing = self._client.search_commits(query, sort="committer-date", order="asc")
        return tuple(self._pages("GET", "/search/commits", listing, commit_state))
