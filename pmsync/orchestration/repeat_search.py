"""Finding the earlier post-mortems a repeat check compares with (the observe side).

Few requests, whatever the number of post-mortems: one GitHub search per repository set
finds every candidate by its labels (``label:a,b`` means a *or* b), for all the
post-mortems of a run at once, and only the closed ones where the run has listed the open
ones already; one batched JQL query (per 100 post-mortems) reads the tickets of those that
are related; and an earlier post-mortem's comments are read only while the repeat comment
does not yet record its back-link, and only for the ``repeats.max_linked`` most recent
ones (the only ones that get a back-link): so an event on a service that failed N times
before costs a bounded number of requests besides the pages of those searches.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import timedelta

from pmsync.config.schema import Config
from pmsync.core.domain import identity, markers
from pmsync.core.domain.model import ParseResult, PostMortem
from pmsync.core.domain.state import (
    CommentState,
    EarlierPostMortem,
    IssueState,
    RepeatObservation,
    TicketState,
)
from pmsync.core.github_search import REPOS_PER_QUERY, SEARCH_RESULT_LIMIT, quoted_label
from pmsync.core.planning.batches import batches
from pmsync.core.planning.matching import without_closed_duplicates
from pmsync.core.planning.repeat_comment import recorded_backlinks
from pmsync.core.planning.repeat_matching import find_matches, linked_matches, search_labels
from pmsync.errors import RemoteError
from pmsync.orchestration.ports import RepeatReads, TicketReader

log = logging.getLogger(__name__)

MAX_LABELS_PER_QUALIFIER = 20  # names in one ``label:a,b,…``, kept well inside the limit

Target = tuple[IssueState, PostMortem]


def _quoted(label: str) -> str:
    return quoted_label(label, "label names and prefixes under labels:")


def _unique(values: Iterable[str]) -> list[str]:
    return list({value.casefold(): value for value in values}.values())


def search_queries(
    targets: Sequence[Target],
    repositories: Iterable[str],
    config: Config,
    listed: Collection[str] = frozenset(),
) -> list[str]:
    """The searches that find every candidate for ``targets``: one per repository set,
    whatever the number of post-mortems. In the repositories whose open post-mortems the
    run has listed already (``listed``, case-folded) only closed ones are searched for.
    When the run's labels do not fit in one query, the query leaves them out and pages
    through every post-mortem of the window instead: more results, never more queries."""
    if not targets:
        return []
    per_target = [search_labels(pm, config.labels, config.repeats.rule) for _, pm in targets]
    groups = [
        _unique(label for labels in per_target for label in labels[position])
        for position in range(len(per_target[0]))
    ]
    if not all(groups):
        return []
    repos = sorted(
        _unique([*repositories, *(issue.repo for issue, _ in targets)]), key=str.casefold
    )
    lookback = timedelta(days=config.repeats.lookback_days)
    since = min(pm.incident_start - lookback for _, pm in targets).date()
    # An earlier post-mortem is written after its incident began, so older issues never match.
    window = f"created:>={since.isoformat()}"
    base = f"is:issue label:{_quoted(config.labels.postmortem)}"
    if all(len(group) <= MAX_LABELS_PER_QUALIFIER for group in groups):
        qualifiers = [f"label:{','.join(_quoted(name) for name in group)}" for group in groups]
        base = " ".join([base, *qualifiers])
    queries = []
    unlisted = [repo for repo in repos if repo.casefold() not in listed]
    closed_only = [repo for repo in repos if repo.casefold() in listed]
    for state, chosen in (("", unlisted), ("is:closed ", closed_only)):
        for repo_set in batches(chosen, REPOS_PER_QUERY):
            repo_part = " ".join(f"repo:{repo}" for repo in repo_set)
            queries.append(f"{base} {state}{repo_part} {window}")
    return queries


def carries_form_labels(issue: IssueState, groups: Iterable[Iterable[str]]) -> bool:
    """Whether the issue has a label of each group (``search_labels``; GitHub compares
    labels case-blind). pmsync gives these only to a valid post-mortem of a trusted or
    approved author, so the report counts by the same test
    (``pmsync.orchestration.report.gather``)."""
    present = {label.casefold() for label in issue.labels}
    return all(any(label.casefold() in present for label in group) for group in groups)


class RepeatFinder:
    """Candidates and their tickets, read once per run and shared by its post-mortems."""

    def __init__(
        self,
        github: RepeatReads,
        jira: TicketReader,
        config: Config,
        parse: Callable[[IssueState], ParseResult],
    ) -> None:
        self._github = github
        self._jira = jira
        self._config = config
        self._parse = parse
        self._searched: dict[str, tuple[str, ...]] = {}  # target ref -> the queries that cover it
        self._done_queries: set[str] = set()
        self._candidates: dict[str, EarlierPostMortem] = {}  # ref -> parsed candidate
        self._tickets: dict[str, tuple[TicketState, ...]] = {}  # candidate ref -> its tickets
        self._refused: RemoteError | None = None  # a search GitHub or Jira would not run
        self._listed: set[str] = set()  # repositories whose open post-mortems are known
        # What the run should tell its user (it reports them where it reports the rest).
        self.warnings: list[str] = []

    def know_open(self, repositories: Iterable[str], issues: Iterable[IssueState]) -> None:
        """The run has listed every open post-mortem of ``repositories`` (``issues``): they
        are candidates as listed, and the search there looks for closed ones only."""
        for issue in issues:
            self._add_candidate(issue)
        self._listed.update(repo.casefold() for repo in repositories)

    def prepare(self, targets: Iterable[tuple[IssueState, ParseResult]]) -> None:
        """Search for the candidates of all ``targets`` at once, and read the tickets of
        those related to any of them. Call it before reconciling a batch (``pmsync sync``);
        ``observe`` does it for a post-mortem not prepared."""
        valid = [(issue, parsed.postmortem) for issue, parsed in targets if parsed.postmortem]
        pending = [t for t in valid if self._searched.get(t[0].ref) != self._queries([t])]
        if not pending or self._refused is not None:
            return
        try:
            for query in self._queries(pending):
                if query not in self._done_queries:
                    self._search(query)
            for target in pending:
                self._searched[target[0].ref] = self._queries([target])
            self._read_tickets(pending)
        except RemoteError as exc:
            if not exc.refused:
                raise
            # A refused search must not stop tickets and status: repeats wait for a later run.
            self.warnings.append(f"repeat incidents not checked in this run: {exc}")
            self._refused = exc

    def observe(
        self, issue: IssueState, parsed: ParseResult, bot_comments: Sequence[CommentState]
    ) -> RepeatObservation | None:
        """The related earlier post-mortems of one post-mortem, with their tickets and
        whether they carry its back-link; None for a body that cannot be read."""
        pm = parsed.postmortem
        if pm is None:
            return None
        self.prepare([(issue, parsed)])
        if self._refused is not None:
            return None
        recorded = recorded_backlinks(bot_comments)
        matches = find_matches(issue, pm, self._candidates.values(), self._config)
        linked = {match.earlier.issue.ref for match in linked_matches(matches, self._config)}
        related = []
        for match in matches:
            earlier = match.earlier
            ref = earlier.issue.ref
            backlinked = ref in recorded or (ref in linked and self._has_backlink(earlier, issue))
            related.append(
                earlier.model_copy(
                    update={"tickets": self._tickets.get(ref, ()), "backlinked": backlinked}
                )
            )
        return RepeatObservation(candidates=tuple(related))

    # -- reads ----------------------------------------------------------------------------

    def _queries(self, targets: Sequence[Target]) -> tuple[str, ...]:
        return tuple(
            search_queries(targets, self._config.github.repositories, self._config, self._listed)
        )

    def _search(self, query: str) -> None:
        found = self._github.search_postmortems(query)
        self._done_queries.add(query)
        if len(found) >= SEARCH_RESULT_LIMIT:
            self.warnings.append(
                f"GitHub search returns at most {SEARCH_RESULT_LIMIT} post-mortems per query "
                f"and this one ({query}) reached it: repeats of older incidents may be missed; "
                "shorten repeats.lookback_days or list fewer repositories"
            )
        for issue in found:
            self._add_candidate(issue)
        log.debug("repeat search %r: %d result(s)", query, len(found))

    def _add_candidate(self, issue: IssueState) -> None:
        """Only a post-mortem carrying its form labels counts, however it was found (the
        listing, a search with or without label qualifiers): one pmsync has not labelled
        (unapproved, or never valid) is no earlier post-mortem, as in the report."""
        if issue.ref in self._candidates:
            return
        parsed = self._parse(issue)
        if parsed.postmortem is None:
            log.debug("%s: its body cannot be read; not a repeat candidate", issue.ref)
            return
        config = self._config
        wanted = search_labels(parsed.postmortem, config.labels, config.repeats.rule)
        if not carries_form_labels(issue, wanted):
            log.debug("%s: not labelled by pmsync; not a repeat candidate", issue.ref)
            return
        self._candidates[issue.ref] = EarlierPostMortem(issue=issue, postmortem=parsed.postmortem)

    def _read_tickets(self, targets: Sequence[Target]) -> None:
        """One batched JQL query for the related candidates whose tickets are not read yet."""
        wanted: dict[str, EarlierPostMortem] = {}
        for issue, pm in targets:
            for match in find_matches(issue, pm, self._candidates.values(), self._config):
                ref = match.earlier.issue.ref
                if ref not in self._tickets:
                    wanted[ref] = match.earlier
        if not wanted:
            return
        by_label = {
            identity.postmortem_label(e.issue.repo, e.issue.number): ref
            for ref, e in wanted.items()
        }
        found: dict[str, list[TicketState]] = {ref: [] for ref in wanted}
        for ticket in without_closed_duplicates(self._jira.tickets_with_labels(sorted(by_label))):
            for label in ticket.labels:
                if label in by_label:
                    found[by_label[label]].append(ticket)
        self._tickets.update({ref: tuple(tickets) for ref, tickets in found.items()})

    def _has_backlink(self, earlier: EarlierPostMortem, recurrence: IssueState) -> bool:
        """Whether the earlier post-mortem carries the back-link; one whose comments cannot
        be read (deleted, transferred) is treated as having it, so none is attempted."""
        try:
            comments = self._github.bot_comments(earlier.issue.repo, earlier.issue.number)
        except RemoteError as exc:
            if not exc.refused:
                raise
            log.warning("%s: no back-link attempted: %s", earlier.issue.ref, exc)
            return True
        return markers.find_comment(comments, markers.backlink_marker(recurrence.ref)) is not None
