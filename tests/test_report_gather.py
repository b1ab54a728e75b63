"""What the report reads: its searches, and what it says when GitHub's search may have
left post-mortems out (the report's run reports it; reading prints nothing)."""

from __future__ import annotations

from datetime import date
from typing import cast

import factories as f
import pytest

from pmsync.adapters.github import GitHubAdapter
from pmsync.domain.state import IssueState
from pmsync.report.gather import SEARCH_RESULT_LIMIT, find_postmortems

SINCE = date(2026, 4, 1)


class Search:
    """A GitHub that answers every search with ``found`` issues."""

    def __init__(self, found: int) -> None:
        self.found = found
        self.queries: list[str] = []

    def search_postmortems(self, query: str) -> tuple[IssueState, ...]:
        self.queries.append(query)
        return tuple(f.issue(number=n) for n in range(1, self.found + 1))


def find(github: Search) -> tuple[list[IssueState], list[str]]:
    return find_postmortems(cast(GitHubAdapter, github), ["acme/payments"], "postmortem", SINCE)


def test_a_search_within_the_limit_has_nothing_to_say(capsys: pytest.CaptureFixture[str]) -> None:
    issues, warnings = find(Search(3))
    assert [i.number for i in issues] == [1, 2, 3] and warnings == []
    assert capsys.readouterr() == ("", "")


def test_a_search_at_githubs_limit_is_a_warning_for_the_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    github = Search(SEARCH_RESULT_LIMIT)
    issues, warnings = find(github)
    assert len(issues) == SEARCH_RESULT_LIMIT
    assert warnings == [
        f"GitHub search returns at most {SEARCH_RESULT_LIMIT} post-mortems per query and this "
        f"one ({github.queries[0]}) reached it: the report may miss some; report on fewer "
        "repositories at a time (--repo) or a shorter period"
    ]
    assert capsys.readouterr() == ("", "")
