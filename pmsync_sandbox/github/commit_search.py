"""The GitHub emulator's commit search (``GET /search/commits``): commits on default
branches whose message holds the query's words, answered in the shape of GitHub's OpenAPI
description (``commit-search-result-item``), sorted and paged as the issue search is, and
counted against the same search limit (``GithubService.handle``).

The query language, the part pmsync and its tests use ("Searching commits"): free words
and phrases looked for in the message, ``OR`` between them, ``repo:`` (several: any of
them), ``user:``/``org:``, ``author:`` and ``merge:true``/``merge:false``. Anything else is
refused with a clear message rather than silently matched as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pmsync_sandbox.github.calls import GitHubCall, invalid, json_response
from pmsync_sandbox.github.commits import Commit
from pmsync_sandbox.github.records import Repository
from pmsync_sandbox.github.search import QueryError, RepoScope, Words, terms
from pmsync_sandbox.github.search_endpoint import SearchEndpoint
from pmsync_sandbox.github.shapes import JSON, node_id
from pmsync_sandbox.http import SandboxResponse

_SORTS = ("author-date", "committer-date")  # the description's enum for ``sort``


@dataclass
class CommitQuery(RepoScope):
    authors: set[str] = field(default_factory=set)
    merge: bool | None = None
    words: Words = field(default_factory=Words)

    def matches(self, commit: Commit) -> bool:
        if self.authors and commit.author.lower() not in self.authors:
            return False
        if self.merge is not None and self.merge != (len(commit.parents) > 1):
            return False
        return self.words.match(commit.message)


def parse_commit_query(text: str) -> CommitQuery:
    query = CommitQuery()
    for term in terms(text):
        lowered = [value.lower() for value in term.values]
        if term.key is None or term.key == "OR":
            query.words.add(term)
        elif term.key == "repo" and not term.negated:
            query.repos += lowered
        elif term.key in ("user", "org") and not term.negated:
            query.owners += lowered
        elif term.key == "author" and not term.negated:
            query.authors.update(lowered)
        elif term.key == "merge" and lowered in (["true"], ["false"]) and not term.negated:
            query.merge = lowered == ["true"]
        else:
            shown = f"{'-' if term.negated else ''}{term.key}:{','.join(term.values)}"
            raise QueryError(f"the sandbox does not support the commit search qualifier {shown}")
    return query


class CommitSearchEndpoint(SearchEndpoint):
    def search_commits(self, call: GitHubCall) -> SandboxResponse:
        query = self.read_query(call, parse_commit_query)
        sort = call.arg("sort")
        if sort is not None and sort not in _SORTS:
            raise invalid("Search", "sort")
        found = [
            (repo, commit)
            for repo in self.store.repos.values()
            if query.selects_repo(repo)
            for commit in repo.commits
            if query.matches(commit)
        ]
        # Best match (no sort) is taken as newest first; the author and committer dates
        # are one here (whoever wrote a commit committed it).
        descending = sort is None or (call.arg("order") or "desc") != "asc"
        found.sort(key=lambda pair: (pair[1].committed_at, pair[1].sha), reverse=descending)
        page, headers = self.first_results(call, found)
        body = {
            "total_count": len(found),
            "incomplete_results": False,
            "items": [self._item(call, repo, commit) for repo, commit in page],
        }
        return json_response(body, 200, headers)

    @staticmethod
    def _item(call: GitHubCall, repo: Repository, commit: Commit) -> JSON:
        render = call.render
        api = f"{render.api}/repos/{repo.full_name}"
        web = f"{render.web}/{repo.full_name}"
        person = {"name": commit.name, "email": commit.email, "date": commit.committed_at}
        user = render.user(commit.author)
        repository = render.repository(repo, call.viewer.login)
        # The search item's ``minimal-repository`` allows no null temp_clone_token.
        repository.pop("temp_clone_token", None)
        return {
            "url": f"{api}/commits/{commit.sha}",
            "sha": commit.sha,
            "node_id": node_id("C", int(commit.sha[:15], 16)),
            "html_url": f"{web}/commit/{commit.sha}",
            "comments_url": f"{api}/commits/{commit.sha}/comments",
            "commit": {
                "url": f"{api}/git/commits/{commit.sha}",
                "author": person,
                "committer": person,
                "message": commit.message,
                "tree": {"url": f"{api}/git/trees/{commit.tree}", "sha": commit.tree},
                "comment_count": 0,
            },
            "author": user,
            "committer": user,
            "parents": [
                {"url": f"{api}/commits/{sha}", "html_url": f"{web}/commit/{sha}", "sha": sha}
                for sha in commit.parents
            ],
            "repository": repository,
            "score": 1.0,
        }
