"""Shipped evidence's searches (pmsync.orchestration.shipped_search): the commit search runs
only for the keys no merged pull request names, and a refused one leaves the evidence for
a later run, as a refused pull-request search does."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from support import factories as f

from pmsync.config.schema import Config
from pmsync.core.domain.model import ActionType
from pmsync.core.domain.state import CommitState, IssueState, ShippedObservation
from pmsync.errors import RemoteError
from pmsync.orchestration.shipped_search import ShippedFinder

TODAY = date(2026, 11, 26)
PM = f.postmortem(
    action_items=tuple(
        f.action_item(row=n, type=ActionType.PREVENT, ticket=f"OPS-{n}") for n in (1, 2, 3)
    )
)
MERGED = datetime(2026, 11, 25, 12, tzinfo=UTC)


class FakeGitHub:
    """Answers searches from what it is given, and records the queries."""

    def __init__(
        self, pulls: tuple[IssueState, ...] = (), commits: tuple[CommitState, ...] = ()
    ) -> None:
        self.pulls, self.commits = pulls, commits
        self.pull_queries: list[str] = []
        self.commit_queries: list[str] = []
        self.refuse_commits = False

    def search_postmortems(self, query: str) -> tuple[IssueState, ...]:
        self.pull_queries.append(query)
        return self.pulls

    def search_commits(self, query: str) -> tuple[CommitState, ...]:
        self.commit_queries.append(query)
        if self.refuse_commits:
            raise RemoteError("github", "GET", "/search/commits", 422, "Validation Failed")
        return self.commits


def pull(number: int, title: str) -> IssueState:
    url = f"https://github.com/{f.REPO}/pull/{number}"
    return f.issue(number=number, title=title, html_url=url, state="closed", closed_at=MERGED)


def commit(sha: str, message: str) -> CommitState:
    url = f"https://github.com/{f.REPO}/commit/{sha}"
    return CommitState(repo=f.REPO, sha=sha, message=message, html_url=url, committed_at=MERGED)


def observe(github: FakeGitHub, *done: int) -> ShippedObservation | None:
    tickets = tuple(
        f.ticket(
            f"OPS-{item.row}",
            summary=item.action,
            status="Done" if item.row in done else "To Do",
            status_category="done" if item.row in done else "new",
        )
        for item in PM.action_items
    )
    config = Config.model_validate({"followup": {"evidence": {"enabled": True}}})
    finder = ShippedFinder(github, config)
    found = finder.observe(f.observed(tickets=tickets), f.parse_result(PM), TODAY)
    assert finder.warnings == []
    return found


def test_keys_a_merged_pull_request_names_are_not_searched_in_commits() -> None:
    github = FakeGitHub(pulls=(pull(7, "OPS-1: alert"), pull(8, "OPS-2: pool")))
    found = observe(github, 1, 2)
    assert found is not None and len(github.pull_queries) == 1
    assert github.commit_queries == []
    assert [(r.key, [c.kind for c in r.pulls]) for r in found.found] == [
        ("OPS-1", ["pull"]),
        ("OPS-2", ["pull"]),
    ]


def test_only_the_keys_without_a_pull_request_go_to_the_commit_search() -> None:
    github = FakeGitHub(
        pulls=(pull(7, "OPS-1: alert"),),
        commits=(commit("a" * 40, "Cap the pool (OPS-2)"), commit("b" * 40, "OPS-1 again")),
    )
    found = observe(github, 1, 2, 3)
    assert github.commit_queries == [f'repo:{f.REPO} "OPS-2" OR "OPS-3"']
    assert found is not None
    records = {r.key: r.pulls for r in found.found}
    assert [c.ref for c in records["OPS-1"]] == [f"{f.REPO}#7"]  # its pull request stands
    assert [(c.kind, c.ref) for c in records["OPS-2"]] == [("commit", f"{f.REPO}@aaaaaaa")]
    assert records["OPS-3"] == ()  # nothing names it: done in Jira, no change found


@pytest.mark.parametrize("pulls", [(), (pull(7, "OPS-1: alert"),)])
def test_a_refused_commit_search_keeps_the_pull_requests_and_leaves_the_rest_for_later(
    pulls: tuple[IssueState, ...],
) -> None:
    github = FakeGitHub(pulls=pulls)
    github.refuse_commits = True
    config = Config.model_validate({"followup": {"evidence": {"enabled": True}}})
    finder = ShippedFinder(github, config)
    tickets = tuple(
        f.ticket(f"OPS-{n}", summary=PM.action_items[n - 1].action, status_category="done")
        for n in (1, 2, 3)
    )
    found = finder.observe(f.observed(tickets=tickets), f.parse_result(PM), TODAY)
    if pulls:  # what the pull request showed is recorded; the other keys wait
        assert found is not None
        assert [(r.key, [c.ref for c in r.pulls]) for r in found.found] == [
            ("OPS-1", [f"{f.REPO}#7"])
        ]
    else:
        assert found is None
    (warning,) = finder.warnings
    assert warning.startswith("shipped evidence not searched for in this run: github GET ")
    assert "/search/commits answered 422" in warning
