"""Finding the merged pull requests, else the default-branch commits, that name done
tickets' keys (the observe side of pmsync.core.planning.shipped).

Few requests: a post-mortem is searched for only when one of its done tickets has no
record in the status comment's snapshot (it became done since the last run) or, at a
follow-up review, has a record with nothing found; one GitHub search then covers five
keys and twenty repositories, and the commit search runs only for the keys the
pull-request search found nothing for. A search GitHub refuses leaves the evidence for a
later run and does not stop tickets and status.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

from pmsync.config.schema import Config
from pmsync.core.domain.model import ParseResult
from pmsync.core.domain.state import (
    CommitState,
    IssueState,
    ObservedPostMortem,
    ShippedObservation,
    ShippedRecord,
)
from pmsync.core.planning.shipped import (
    commit_queries,
    commits_naming,
    keys_to_search,
    merged_pulls,
    search_queries,
    without_changes,
)
from pmsync.errors import RemoteError
from pmsync.orchestration.ports import ShippedReads

log = logging.getLogger(__name__)
T = TypeVar("T")


class ShippedFinder:
    """Merged pull requests, else commits, by Jira key; each search runs at most once per
    run."""

    def __init__(self, github: ShippedReads, config: Config) -> None:
        self._github = github
        self._config = config
        self._results: dict[str, tuple[IssueState, ...]] = {}  # query -> its results
        self._commits: dict[str, tuple[CommitState, ...]] = {}  # likewise, commit search
        self.searches = 0  # searches sent in this run
        # What the run should tell its user (it reports them where it reports the rest).
        self.warnings: list[str] = []

    def observe(
        self, observed: ObservedPostMortem, parsed: ParseResult, today: date
    ) -> ShippedObservation | None:
        """What the search finds for the done tickets that need one; None when none does
        (or GitHub refused the search: the snapshot's records stand, a later run retries)."""
        pm = parsed.postmortem
        if pm is None:
            return None
        keys = keys_to_search(observed, pm, self._config, today)
        if not keys:
            return None
        evidence = self._config.followup.evidence
        repositories = [*(evidence.repositories or self._config.github.repositories)]
        repositories.append(observed.issue.repo)
        try:
            found = self._search_all(search_queries(keys, repositories))
        except RemoteError as exc:
            self._refused(exc)
            return None
        records = [ShippedRecord(key=key, pulls=merged_pulls(key, found)) for key in keys]
        bare = without_changes(records)
        log.debug("%s: searched for changes naming %s", observed.issue.ref, keys)
        if not bare:
            return ShippedObservation(found=tuple(records))
        try:
            commits = self._commits_all(commit_queries(bare, repositories))
        except RemoteError as exc:
            # What the pull requests showed stands; the keys they do not cover get no
            # record, so a later run searches for them again.
            self._refused(exc)
            covered = tuple(record for record in records if record.pulls)
            return ShippedObservation(found=covered) if covered else None
        return ShippedObservation(
            found=tuple(
                record
                if record.pulls
                else ShippedRecord(key=record.key, pulls=commits_naming(record.key, commits))
                for record in records
            )
        )

    def _refused(self, exc: RemoteError) -> None:
        """A search GitHub refused: a warning for the run (anything else is raised)."""
        if not exc.refused:
            raise exc
        self.warnings.append(f"shipped evidence not searched for in this run: {exc}")

    def _search_all(self, queries: Sequence[str]) -> list[IssueState]:
        return self._run(queries, self._results, self._github.search_postmortems)

    def _commits_all(self, queries: Sequence[str]) -> list[CommitState]:
        return self._run(queries, self._commits, self._github.search_commits)

    def _run(
        self,
        queries: Sequence[str],
        results: dict[str, tuple[T, ...]],
        search: Callable[[str], tuple[T, ...]],
    ) -> list[T]:
        found: list[T] = []
        for query in queries:
            if query not in results:
                results[query] = search(query)
                self.searches += 1
            found += results[query]
        return found
