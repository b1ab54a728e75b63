"""Shipped evidence (issue #20): the merged pull requests, else the default-branch
commits, that name a done item's Jira key.

A ticket moved to Done with no change behind it is the quietest way an action item dies,
so the status comment and the reviews show, for each done item, the merged pull requests
that name its key in their title or body, or, when none does, the commits on a default
branch whose message names it (a pushed commit, or the merge commit of a pull request
whose branch name carries the key), or "done in Jira, no change found". The searches
cost GitHub search requests (30 a minute), so they run only when needed: for a done
ticket the status comment's snapshot has no record of, and again at a review for one
whose record holds nothing; the commit search only for the keys the pull-request search
found nothing for. What the searches found is recorded by the status comment that shows
it, so the record exists only once the comment does (a killed run searches again).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from datetime import date

from pmsync.config.schema import Config
from pmsync.core.domain import markers
from pmsync.core.domain.model import PostMortem
from pmsync.core.domain.state import (
    CommitState,
    IssueState,
    ObservedPostMortem,
    ShippedChange,
    ShippedRecord,
)
from pmsync.core.github_search import REPOS_PER_QUERY
from pmsync.core.planning.batches import batches
from pmsync.core.planning.followup import due_review
from pmsync.core.planning.matching import Board, Entry, match_items
from pmsync.core.planning.progress import Progress, progress_of

# Keys named in one search: GitHub allows at most five AND/OR/NOT operators per query
# (docs.github.com, "Filtering and searching issues and pull requests", Using boolean
# operators; for every kind of search, commits included: "Troubleshooting search
# queries", Limitations on query length), so five keys take four ORs.
KEYS_PER_QUERY = 5
# Changes kept per key (the latest): enough to show that the work shipped,
# while the status comment and its snapshot stay within GitHub's comment size.
MAX_CHANGES_PER_KEY = 3
_KEY = re.compile(r"[A-Z][A-Z0-9_]*-[0-9]+")


def names_key(text: str, key: str) -> bool:
    """Whether ``text`` names ``key`` as a whole word: OPS-12 is not named by OPS-123 or
    XOPS-12 (GitHub's search matches words, so those come back for a similar key)."""
    pattern = rf"(?<![A-Za-z0-9_]){re.escape(key)}(?![A-Za-z0-9_])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def needs_evidence(entry: Entry, config: Config, today: date) -> bool:
    """A tracked item whose ticket is done (not dropped) and whose type is not exempt."""
    ticket = entry.ticket
    if ticket is None or entry.item.type in config.followup.evidence.exempt_types:
        return False
    progress = progress_of(ticket, None, today, config.jira.dropped_resolutions)
    return progress is Progress.DONE


def keys_to_search(
    observed: ObservedPostMortem, pm: PostMortem, config: Config, today: date
) -> tuple[str, ...]:
    """The done tickets' keys to search for: those the snapshot has no record of (the
    ticket became done since), and at a review those whose record found nothing."""
    if not config.followup.evidence.enabled:
        return ()
    issue = observed.issue
    board = match_items(issue.repo, issue.number, pm.action_items, observed.tickets)
    records = {r.key: r for r in markers.last_snapshot(observed.bot_comments).shipped}
    review = None  # computed only when a record without evidence asks for it
    wanted = []
    for entry in board.tracked:
        if entry.ticket is None or not needs_evidence(entry, config, today):
            continue
        record = records.get(entry.ticket.key)
        if record is None:
            wanted.append(entry.ticket.key)
        elif not record.pulls:
            if review is None:
                review = due_review(observed, pm.incident_start, config, today) is not None
            if review:
                wanted.append(entry.ticket.key)
    return tuple(sorted(wanted))


def search_queries(keys: Sequence[str], repositories: Iterable[str]) -> list[str]:
    """One search per batch of keys and repositories: merged pull requests whose title or
    body names any of the keys. Only well-formed Jira keys are ever searched
    for (a key is Jira's, never text from the issue)."""
    return _queries("is:pr is:merged in:title,body ", keys, repositories)


def commit_queries(keys: Sequence[str], repositories: Iterable[str]) -> list[str]:
    """One commit search (``GET /search/commits``) per batch of keys and repositories:
    commits on a default branch whose message names any of the keys. Commit search takes
    the same ``repo:`` qualifiers, one per repository, and free words are looked for in
    the message (docs.github.com, "Searching commits")."""
    return _queries("", keys, repositories)


def _queries(prefix: str, keys: Sequence[str], repositories: Iterable[str]) -> list[str]:
    safe = [key for key in keys if _KEY.fullmatch(key)]
    unique: dict[str, str] = {}
    for repo in repositories:
        unique.setdefault(repo.casefold(), repo)  # GitHub compares names case-blind
    repos = sorted(unique.values(), key=str.casefold)
    queries = []
    for repo_set in batches(repos, REPOS_PER_QUERY):
        repo_part = " ".join(f"repo:{repo}" for repo in repo_set)
        for key_set in batches(safe, KEYS_PER_QUERY):
            names = " OR ".join(f'"{key}"' for key in key_set)
            queries.append(f"{prefix}{repo_part} {names}")
    return queries


def without_changes(records: Iterable[ShippedRecord]) -> tuple[str, ...]:
    """The keys whose records hold nothing: those the commit search looks for."""
    return tuple(record.key for record in records if not record.pulls)


def shipped_records(
    observed: ObservedPostMortem,
    board: Board,
    previous: Collection[ShippedRecord],
    config: Config,
    today: date,
) -> dict[str, ShippedRecord]:
    """What to show and record for each done item: this run's search where it ran, else
    the snapshot's record. A ticket no longer done loses its record, so it is searched
    for again when it is done again."""
    if not config.followup.evidence.enabled:
        return {}
    found: dict[str, ShippedRecord] = {r.key: r for r in previous}
    if observed.shipped is not None:
        found.update({r.key: r for r in observed.shipped.found})
    return {
        entry.ticket.key: found[entry.ticket.key]
        for entry in board.tracked
        if entry.ticket is not None
        and entry.ticket.key in found
        and needs_evidence(entry, config, today)
    }


def merged_pulls(key: str, found: Iterable[IssueState]) -> tuple[ShippedChange, ...]:
    """The merged pull requests among a search's results whose title or body names
    ``key`` (the search matches words, so it returns near misses too), oldest first, the
    latest ``MAX_CHANGES_PER_KEY`` of them. A
    merged pull request is closed at the moment it is merged (REST API "Pulls": a merged
    pull request's ``closed_at`` is its ``merged_at``), so ``closed_at`` is its merge date."""
    return _latest(
        ShippedChange(ref=issue.ref, url=issue.html_url, merged=issue.closed_at.date())
        for issue in found
        if issue.closed_at is not None
        and "/pull/" in issue.html_url
        and (names_key(issue.title, key) or names_key(issue.body, key))
    )


def commits_naming(key: str, found: Iterable[CommitState]) -> tuple[ShippedChange, ...]:
    """The commits among a commit search's results whose message names ``key`` as a
    whole word, oldest first by committer date, the latest ``MAX_CHANGES_PER_KEY``. A
    revert (git's default message: ``Revert "…"``) undoes a change rather than ships one,
    and a commit GitHub gives no date for cannot say when it shipped: neither counts."""
    return _latest(
        ShippedChange(
            kind="commit", ref=commit.ref, url=commit.html_url, merged=commit.committed_at.date()
        )
        for commit in found
        if commit.committed_at is not None
        and not commit.message.startswith('Revert "')
        and names_key(commit.message, key)
    )


def _latest(changes: Iterable[ShippedChange]) -> tuple[ShippedChange, ...]:
    unique = {change.ref: change for change in changes}
    ordered = sorted(unique.values(), key=lambda change: (change.merged, change.ref))
    return tuple(ordered[-MAX_CHANGES_PER_KEY:])
