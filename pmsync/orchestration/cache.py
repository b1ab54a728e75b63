"""The optional local cache: what the last sync saw, so the next one asks only what changed.

Without it a sync reads every open post-mortem's comments and every ticket, whether or not
anything changed. With it (a directory named by ``--cache`` or ``$PMSYNC_CACHE_DIR``; the
scheduled workflow keeps ``.pmsync-cache`` with actions/cache, the worker a directory of
its own) a sync asks three questions instead: which post-mortems and which comments
changed since the last sync (GitHub's ``since=``, one listing each per repository; the
issue listing asks for the post-mortem label, so pull requests and other issues cost
nothing) and which tickets (``updated >=`` in JQL, one query). It folds the answers into
the state it kept of each post-mortem and plans that state with the real planner at this
run's time; only post-mortems whose plan is not empty, or that it cannot vouch for, go to
the reconcile loop, which observes them afresh. Nothing is ever written on the strength
of the cache.

Why the outcome is the same as without it:

- What changed on either side is in the answers (each question starts a few minutes
  before the last sync began, for clock skew and Jira's minute-precise dates). A
  post-mortem someone edited, labelled, closed or reopened is observed afresh (pmsync's
  own writes are in the kept state already); one whose tickets or pmsync comments changed
  is planned with the changes folded in.
- Everything the planner decides by time (follow-up milestones, overdue items, nudges,
  reminders before due dates, closing) follows from the date, and a kept state is planned
  again whenever the date has changed since its plan was last found empty.
- A repeat depends on earlier post-mortems: when one of them, or one of their tickets,
  changed, or a changed post-mortem could become an earlier one, the repeat is observed
  afresh.
- A post-mortem that lost its label is not in the listing of changed post-mortems.
  Before any post-mortem the listing did not show is reconciled, its repository's open
  post-mortems are listed (``cache_changes.recheck_open``), so one that is no longer a
  post-mortem is left alone as a full sync would leave it; until then it only stays in
  the kept states, where nothing is written on its account.
- What "changed since" cannot show (a deleted comment or ticket, a ticket moved out of
  the projects pmsync uses, an earlier post-mortem of a repeat that lost its label) is
  caught by a full sync at least every ``MAX_AGE``.
- A missing or unreadable cache, one of another format, configuration, form, pmsync
  version, site, identity or repository set, or a clock that went back, means a full sync.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pydantic import ValidationError

from pmsync import __version__
from pmsync.core.domain import identity, origin
from pmsync.core.domain.model import Frozen, PostMortem
from pmsync.core.domain.state import (
    EarlierPostMortem,
    IssueState,
    ObservedPostMortem,
    TicketState,
)
from pmsync.core.planning.matching import closed_as_duplicate
from pmsync.core.planning.plan import plan
from pmsync.core.planning.repeat_matching import find_matches
from pmsync.orchestration import reconcile, sync_all
from pmsync.orchestration.cache_changes import (
    Changes,
    ask_what_changed,
    changed_postmortems,
    current_postmortems,
    recheck_open,
)

log = logging.getLogger(__name__)

# Where the scheduled workflow keeps the cache (with actions/cache); commands use a cache
# only when told where: --cache DIR, or this variable.
DEFAULT_DIRECTORY = Path(".pmsync-cache")
DIRECTORY_VARIABLE = "PMSYNC_CACHE_DIR"
FILE_NAME = "sync.json"
FORMAT = 2
# A full sync at least this often: it sees what "changed since" cannot (deletions).
MAX_AGE = timedelta(hours=24)
# Each question starts this long before the last sync began.
OVERLAP = timedelta(minutes=5)
_TEMPLATES = Path(__file__).parents[1] / "templates"


class Kept(Frozen):
    """A post-mortem as the last sync left it, in step on ``planned_on``."""

    observed: ObservedPostMortem
    postmortem: PostMortem | None  # its body, read (None: the body has errors)
    planned_on: date


class CacheFile(Frozen):
    format: int = FORMAT
    fingerprint: str  # what the kept states were planned with (see ``fingerprint``)
    synced_at: datetime  # the last sync that went through every post-mortem began then
    full_at: datetime  # the last sync that read everything began then
    open: dict[str, IssueState]  # every open post-mortem of the repositories, by ref
    kept: dict[str, Kept]  # those that were in step, by ref


class FileCache:
    """``sync_all.SyncCache`` kept as one JSON file in ``directory``."""

    def __init__(self, directory: Path, max_age: timedelta = MAX_AGE) -> None:
        self.path = directory / FILE_NAME
        self.max_age = max_age
        self._fingerprint = ""
        # This run's day, as the planner counts days (set by to_reconcile; date.min makes
        # the next run plan again).
        self._today = date.min
        self._full_at: datetime | None = None
        self._run: reconcile.RunContext | None = None  # the run's, for reading bodies
        self._open: dict[str, IssueState] = {}
        self._kept: dict[str, Kept] = {}

    # -- sync_all.SyncCache ----------------------------------------------------------------

    def to_reconcile(
        self, repositories: Sequence[str], run: reconcile.RunContext
    ) -> list[IssueState]:
        # One FileCache may serve many runs (the worker's): start this one afresh.
        self._open, self._kept, self._full_at = {}, {}, None
        self._run = run
        self._fingerprint = fingerprint(repositories, run)
        self._today = utc_day(run.now)
        previous, why = self._load(run.now)
        if previous is None:
            log.info("cache: %s; reading every open post-mortem", why)
            return self._everything(repositories, run)
        self._full_at = previous.full_at
        changes = ask_what_changed(previous.synced_at - OVERLAP, repositories, run)
        changes.postmortems = changed_postmortems(changes, run)
        self._open = current_postmortems(previous.open, changes, run.config.labels.postmortem)
        due = []
        for ref, issue in self._open.items():
            kept = previous.kept.get(ref)
            vouched = None if kept is None else vouch(kept, changes, run)
            if vouched is None:
                due.append(issue)
            else:
                self._kept[ref] = vouched
        due = recheck_open(due, changes, self._open, run)
        log.info(
            "cache: %d issue(s), %d comment(s), %d ticket(s) changed; %d of %d open "
            "post-mortem(s) to reconcile",
            len(changes.issues),
            sum(len(found) for found in changes.comments.values()),
            len(changes.tickets),
            len(due),
            len(self._open),
        )
        return _listing_order(due, repositories)

    def settled(self, observed: ObservedPostMortem) -> None:
        ref = observed.issue.ref
        if observed.issue.state != "open":  # closed by this run: no longer a sync's business
            self._open.pop(ref, None)
            self._kept.pop(ref, None)
            return
        self._open[ref] = observed.issue
        # A fresh observation knows of remote links only through the status comment's
        # snapshot; keep what the next run would read.
        fresh = observed.model_copy(update={"remote_linked": ()})
        read = None if self._run is None else reconcile.parse(fresh.issue, self._run)
        self._kept[ref] = Kept(
            observed=fresh,
            postmortem=None if read is None else read.postmortem,
            planned_on=self._today,
        )

    def finish(self, run: reconcile.RunContext) -> None:
        data = CacheFile(
            fingerprint=self._fingerprint,
            synced_at=run.now,
            full_at=self._full_at or run.now,
            open=self._open,
            kept={ref: kept for ref, kept in self._kept.items() if ref in self._open},
        )
        self._save(data)

    # -- the file ---------------------------------------------------------------------------

    def _load(self, now: datetime) -> tuple[CacheFile | None, str]:
        """The cache if it can be trusted, else None and why not."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None, f"no cache at {self.path}"
        except OSError as exc:
            return None, f"cannot read {self.path} ({exc.strerror or exc})"
        try:
            data = CacheFile.model_validate_json(text)
        except ValidationError:
            return None, f"{self.path} is damaged or of another pmsync version"
        if data.fingerprint != self._fingerprint:
            return None, "the configuration, form, sites or pmsync changed since the last sync"
        if now < data.synced_at:
            return None, "this run's time is before the last sync's"
        if now - data.full_at > self.max_age:
            return None, f"the last full sync is older than {self.max_age}"
        return data, ""

    def _save(self, data: CacheFile) -> None:
        """Replace the file in one step, so a run that dies never leaves half a cache."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".sync-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(data.model_dump_json())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _everything(
        self, repositories: Sequence[str], run: reconcile.RunContext
    ) -> list[IssueState]:
        self._full_at = run.now
        issues = sync_all.list_open(repositories, run)
        self._open = {issue.ref: issue for issue in issues}
        return issues


# -- vouching for a post-mortem ---------------------------------------------------------------


def vouch(kept: Kept, changes: Changes, run: reconcile.RunContext) -> Kept | None:
    """The kept state with the changes folded in, if its plan is empty now; None when
    the post-mortem needs a reconcile (or the cache cannot tell)."""
    observed = kept.observed
    folded = fold(observed, changes)
    if _content(folded.issue) != _content(observed.issue):
        # Someone edited, labelled, closed or reopened it (pmsync's own writes are in
        # the kept state already). An edit can change what the repeat search must look
        # for, or make an invalid post-mortem valid, which the kept state never searched.
        return None
    if _repeat_inputs_changed(folded, kept.postmortem, changes, run):
        return None
    today = utc_day(run.now)
    if folded == observed and kept.planned_on == today:
        return kept  # nothing changed, and the plan was empty today already
    parsed = reconcile.parse(folded.issue, run)
    context = reconcile.plan_context(folded.issue, parsed, run)
    if not plan(folded, parsed, context).empty:
        return None
    return Kept(observed=folded, postmortem=parsed.postmortem, planned_on=today)


def fold(observed: ObservedPostMortem, changes: Changes) -> ObservedPostMortem:
    """The state a fresh observation would give: the issue, pmsync's comments and the
    post-mortem's tickets as changed."""
    issue = observed.issue
    comments = {comment.id: comment for comment in observed.bot_comments}
    comments.update({c.id: c for c in changes.comments.get(issue.ref, [])})
    labels = set(origin.postmortem_labels(observed))
    tickets = {ticket.key: ticket for ticket in observed.tickets}
    for ticket in changes.tickets:
        if labels & set(ticket.labels) and not closed_as_duplicate(ticket):
            tickets[ticket.key] = ticket
        else:
            tickets.pop(ticket.key, None)  # no longer (or never) one of this post-mortem's
    return observed.model_copy(
        update={
            "issue": changes.issues.get(issue.ref, issue),
            "bot_comments": tuple(sorted(comments.values(), key=lambda c: (c.created_at, c.id))),
            "tickets": tuple(sorted(tickets.values(), key=TicketState.age_key)),
        }
    )


def _repeat_inputs_changed(
    observed: ObservedPostMortem, pm: PostMortem | None, changes: Changes, run: reconcile.RunContext
) -> bool:
    """Whether an earlier post-mortem this one is (or may become) a repeat of changed:
    the repeat search would then have to run again."""
    if observed.repeats is None:
        return False
    candidates = {c.issue.ref: c for c in observed.repeats.candidates}
    for earlier in candidates.values():
        ref = earlier.issue.ref
        changed = changes.issues.get(ref)
        if changed is not None and _content(changed) != _content(earlier.issue):
            return True
        if ref in changes.comments:  # its back-links
            return True
        label = identity.postmortem_label(earlier.issue.repo, earlier.issue.number)
        keys = {ticket.key for ticket in earlier.tickets}
        if any(t.key in keys or label in t.labels for t in changes.tickets):
            return True
    return pm is not None and _may_become_earlier(observed, pm, changes, candidates, run)


def _may_become_earlier(
    observed: ObservedPostMortem,
    pm: PostMortem,
    changes: Changes,
    candidates: dict[str, EarlierPostMortem],
    run: reconcile.RunContext,
) -> bool:
    """Whether a changed post-mortem outside the candidates now matches this one."""
    others = [
        earlier
        for earlier in changes.postmortems
        if earlier.issue.ref != observed.issue.ref and earlier.issue.ref not in candidates
    ]
    return bool(others) and bool(find_matches(observed.issue, pm, others, run.config))


def _content(issue: IssueState) -> IssueState:
    """The issue without the time it was last touched (a comment moves it)."""
    return issue.model_copy(update={"updated_at": issue.created_at})


# -- what the kept states were planned with ----------------------------------------------------


def fingerprint(repositories: Sequence[str], run: reconcile.RunContext) -> str:
    """A digest of everything besides GitHub and Jira that decides a plan: pmsync's
    version and templates, the configuration, the form, the sites, pmsync's identity on
    GitHub and the repositories synced. Tokens are not part of it."""
    parts = {
        "pmsync": __version__,
        "templates": _digest_files(sorted(_TEMPLATES.rglob("*.j2"))),
        "config": run.config.model_dump(mode="json"),
        "form": [(f.id, f.label) for f in run.form.fields],
        "jira": [run.jira.server_url, run.jira.deployment],
        "identity": run.github.identity(),
        "repositories": sorted(repositories),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _digest_files(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def utc_day(moment: datetime) -> date:
    """The day as the planner counts days (``PlanContext.today``)."""
    return moment.astimezone(UTC).date()


def _listing_order(issues: list[IssueState], repositories: Sequence[str]) -> list[IssueState]:
    """Repository by repository, newest first: the order a full listing has."""
    position = {repo: index for index, repo in enumerate(repositories)}
    return sorted(issues, key=lambda i: (position.get(i.repo, len(position)), -i.number))
