"""The issue-search query language (``GET /search/issues?q=...``), the part of it pmsync
and its tests use:

``repo:owner/name`` (several: any of them), ``user:``/``org:``, ``is:issue``/``is:pr``
(one of them required, as on GitHub since 2025), ``type:``, ``is:open``/``is:closed``,
``state:``, ``label:x`` / ``label:"a b"`` / ``label:a,b`` (any of a, b; several ``label:``
qualifiers must all hold), ``-label:x``, ``no:label``, ``no:assignee``, ``author:``,
``assignee:``, ``created:``/``updated:``/``closed:`` with ``>=``, ``>``, ``<=``, ``<``, a
``from..to`` range or a single date, ``in:title``/``in:body``/``in:comments`` and free words
(every word must appear), ``is:merged``/``is:unmerged`` (pull requests), and ``OR``
between free words or phrases (any side may match; docs.github.com, "Filtering and
searching issues and pull requests": "Using boolean operators", and "Searching issues and
pull requests": "Search based on whether a pull request is merged or unmerged"). Anything
else is refused with a clear message rather than silently matched as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from pmsync_sandbox.github.records import Issue, Repository, timestamp

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<neg>-)?(?P<key>[A-Za-z][\w-]*):(?P<value>(?:"[^"]*"|[^\s,"]+)(?:,(?:"[^"]*"|[^\s,"]+))*)
      | "(?P<phrase>[^"]*)"
      | (?P<word>\S+)
    )""",
    re.VERBOSE,
)
_LIST_ITEM = re.compile(r'"([^"]*)"|([^,]+)')
_DATE_FIELDS = {"created": "created_at", "updated": "updated_at", "closed": "closed_at"}


class QueryError(ValueError):
    """The query cannot be run; the message is what GitHub (or the sandbox) says."""


@dataclass(frozen=True)
class Term:
    """One part of a search query: a qualifier (``key`` and its comma-separated
    ``values``), the ``OR`` operator (``key`` "OR"), or a free word or phrase (``key``
    None, the text in ``values``)."""

    key: str | None
    values: list[str]
    negated: bool = False


def terms(text: str) -> Iterator[Term]:
    """The query's parts in order, as every kind of GitHub search reads them."""
    position = 0
    while position < len(text):
        found = _TOKEN.match(text, position)
        if found is None or found.end() == position:
            return
        position = found.end()
        if found["key"]:
            values = [quoted or plain for quoted, plain in _LIST_ITEM.findall(found["value"])]
            yield Term(found["key"].lower(), values, negated=bool(found["neg"]))
        elif found["word"] == "OR":
            yield Term("OR", [])
        elif found["phrase"] is not None or found["word"]:
            yield Term(None, [found["phrase"] or found["word"]])


@dataclass
class Words:
    """Free words and phrases: every word of one group must appear, and ``OR`` starts
    another group that may match instead (docs.github.com, "Understanding the search
    syntax" and "Filtering and searching issues and pull requests", Using boolean
    operators). Words are matched lower-cased, anywhere in the text."""

    groups: list[list[str]] = field(default_factory=lambda: [[]])

    def add(self, term: Term) -> None:
        if term.key == "OR":
            self.groups.append([])  # the words after it form the next alternative
        else:
            self.groups[-1].append(term.values[0].lower())

    def match(self, text: str) -> bool:
        groups = [group for group in self.groups if group]
        haystack = text.lower()
        return not groups or any(all(word in haystack for word in group) for group in groups)


@dataclass
class TimeRange:
    """``low <= value < high`` on GitHub timestamps (strings compare in time order)."""

    attribute: str
    low: str | None = None
    high: str | None = None

    def holds(self, issue: Issue) -> bool:
        value: str | None = getattr(issue, self.attribute)
        if value is None:
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value < self.high)


@dataclass
class RepoScope:
    """The repositories a search looks in (``repo:``, ``user:``/``org:``; none: all)."""

    repos: list[str] = field(default_factory=list)  # lower-case full names
    owners: list[str] = field(default_factory=list)

    def selects_repo(self, repo: Repository) -> bool:
        if self.repos and repo.full_name.lower() not in self.repos:
            return False
        return not self.owners or repo.owner.lower() in self.owners


@dataclass
class IssueQuery(RepoScope):
    kinds: set[str] = field(default_factory=set)
    state: str | None = None
    label_groups: list[set[str]] = field(default_factory=list)  # each: any of these
    labels_excluded: set[str] = field(default_factory=set)
    without: set[str] = field(default_factory=set)  # "label", "assignee"
    authors: set[str] = field(default_factory=set)
    assignees: set[str] = field(default_factory=set)
    ranges: list[TimeRange] = field(default_factory=list)
    words: Words = field(default_factory=Words)
    merged: bool | None = None  # is:merged / is:unmerged
    places: set[str] = field(default_factory=set)  # title, body, comments

    def matches(self, repo: Repository, issue: Issue) -> bool:
        labels = {name.lower() for name in issue.labels}
        checks: list[Callable[[], bool]] = [
            lambda: ("pr" if issue.pull is not None else "issue") in self.kinds,
            lambda: self.merged is None or self.merged == _is_merged(issue),
            lambda: self.state in (None, issue.state),
            lambda: all(group & labels for group in self.label_groups),
            lambda: not (self.labels_excluded & labels),
            lambda: "label" not in self.without or not labels,
            lambda: "assignee" not in self.without or not issue.assignees,
            lambda: not self.authors or issue.user.lower() in self.authors,
            lambda: not self.assignees or bool(self.assignees & _lower(issue.assignees)),
            lambda: all(r.holds(issue) for r in self.ranges),
            lambda: self._words_match(repo, issue),
        ]
        return all(check() for check in checks)

    def _words_match(self, repo: Repository, issue: Issue) -> bool:
        places = self.places or {"title", "body", "comments"}
        texts = []
        if "title" in places:
            texts.append(issue.title)
        if "body" in places:
            texts.append(issue.body or "")
        if "comments" in places:
            texts += [c.body for c in repo.comments.values() if c.issue_number == issue.number]
        return self.words.match("\n".join(texts))


def _is_merged(issue: Issue) -> bool:
    return issue.pull is not None and issue.pull.get("merged_at") is not None


def _lower(values: list[str]) -> set[str]:
    return {value.lower() for value in values}


def parse_query(text: str) -> IssueQuery:
    query = IssueQuery()
    for term in terms(text):
        if term.key is None or term.key == "OR":
            query.words.add(term)
        else:
            _qualifier(query, term.key, term.values, negated=term.negated)
    if not query.kinds:
        raise QueryError("Query must include 'is:issue' or 'is:pull-request'")
    return query


def _qualifier(query: IssueQuery, key: str, values: list[str], negated: bool) -> None:
    lowered = [value.lower() for value in values]
    if negated and key != "label":
        raise QueryError(f"the sandbox does not support the negated qualifier -{key}:")
    if key == "label":
        if negated:
            query.labels_excluded.update(lowered)
        else:
            query.label_groups.append(set(lowered))
    elif key == "repo":
        query.repos += lowered
    elif key in ("user", "org"):
        query.owners += lowered
    elif key in ("is", "type", "state"):
        for value in lowered:
            _kind_or_state(query, key, value)
    elif key == "no" and set(lowered) <= {"label", "assignee"}:
        query.without.update(lowered)
    elif key == "author":
        query.authors.update(lowered)
    elif key == "assignee":
        query.assignees.update(lowered)
    elif key in _DATE_FIELDS:
        query.ranges.append(_time_range(_DATE_FIELDS[key], values[0] if values else ""))
    elif key == "in" and set(lowered) <= {"title", "body", "comments"}:
        query.places.update(lowered)
    else:
        raise QueryError(
            f"the sandbox does not support the search qualifier {key}:{','.join(values)}"
        )


def _kind_or_state(query: IssueQuery, key: str, value: str) -> None:
    kinds = {"issue": "issue", "pr": "pr", "pull-request": "pr"}
    if key in ("is", "type") and value in kinds:
        query.kinds.add(kinds[value])
    elif key in ("is", "state") and value in ("open", "closed"):
        query.state = value
    elif key == "is" and value in ("merged", "unmerged"):
        query.merged = value == "merged"
    else:
        raise QueryError(f"the sandbox does not support the search qualifier {key}:{value}")


def _time_range(attribute: str, text: str) -> TimeRange:
    """``>=D``, ``>D``, ``<=D``, ``<D``, ``A..B`` (``*`` open-ended) or ``D`` (that day)."""
    for operator in (">=", "<=", ">", "<"):
        if text.startswith(operator):
            low, high = _bounds(text[len(operator) :])
            return {
                ">=": TimeRange(attribute, low=low),
                ">": TimeRange(attribute, low=high),
                "<=": TimeRange(attribute, high=high),
                "<": TimeRange(attribute, high=low),
            }[operator]
    if ".." in text:
        start, end = text.split("..", 1)
        return TimeRange(
            attribute,
            low=None if start == "*" else _bounds(start)[0],
            high=None if end == "*" else _bounds(end)[1],
        )
    first, after = _bounds(text)
    return TimeRange(attribute, low=first, high=after)


def _bounds(text: str) -> tuple[str, str]:
    """The first moment of a date or time, and the first moment after it."""
    try:
        if "T" not in text:
            day = date.fromisoformat(text)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return timestamp(start), timestamp(start + timedelta(days=1))
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise QueryError(
            f"{text!r} is not a date (use 2026-12-01 or 2026-12-01T09:00:00Z)"
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return timestamp(moment), timestamp(moment + timedelta(seconds=1))
