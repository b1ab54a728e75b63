"""The job summary of a run (``GITHUB_STEP_SUMMARY``), written piece by piece as it goes.

Each post-mortem that a run changed (on a dry run: would change) or failed on gets its
section the moment the run is done with it: every change with its result, and what
failed. The totals close the summary; an error that ends the run adds a section of its own
(``pmsync.entry.cli``) below what was done before it. Every piece is rendered from
``templates/job_summary.md.j2``, where issue text and service answers pass through
``neutralise`` after secrets were masked. Outside GitHub Actions nothing is written.
"""

from __future__ import annotations

from pmsync.config.redact import Redactor
from pmsync.core.domain.changes import Change
from pmsync.core.domain.model import Frozen
from pmsync.core.render import render
from pmsync.entry import workflow_step as actions_env
from pmsync.orchestration.apply import Outcome
from pmsync.orchestration.journal import Reconciled

TEMPLATE = "job_summary.md.j2"
RESULTS = {"applied": "done", "in_place": "already in place", "failed": "failed"}
DRY_RUN_RESULT = "planned"  # a dry run's applier only simulates: every change is "applied"
DRY_RUN_HEADING = "pmsync: the plan (dry run: nothing was written)"
RUN_HEADING = "pmsync: what was done"


class ChangeRow(Frozen):
    result: str  # planned, done, already in place, failed
    lines: tuple[str, ...]  # the change as the log describes it, one line per ticket
    problem: str | None = None  # why the service refused it


class PostMortemSection(Frozen):
    ref: str
    url: str
    title: str
    rows: tuple[ChangeRow, ...]
    failures: tuple[str, ...]  # what stopped this post-mortem other than a refused change
    stopped: bool  # the error that ended the run came while on this post-mortem


class Totals(Frozen):
    counts: tuple[str, ...]  # e.g. "done: tickets created for 1 post-mortem, 2 comments written"
    postmortems: int
    unchanged: int
    failed: int
    requests: str
    warnings: tuple[str, ...]


class Stopped(Frozen):
    title: str  # pmsync's own words for the kind of error
    message: str


def change_lines(change: Change) -> tuple[str, ...]:
    """``describe()`` line by line, without the list marks of its sub-lines."""
    return tuple(line.strip().removeprefix("- ") for line in change.describe().splitlines())


def change_row(outcome: Outcome, *, dry_run: bool, redactor: Redactor) -> ChangeRow:
    return ChangeRow(
        result=DRY_RUN_RESULT if dry_run else RESULTS[outcome.status],
        lines=tuple(redactor.redact(line) for line in change_lines(outcome.change)),
        problem=redactor.shortened(outcome.detail) if outcome.status == "failed" else None,
    )


def problems(reconciled: Reconciled) -> list[str]:
    """What failed for one post-mortem, one text per failure: each refused change with the
    service's answer, else the failures the run recorded. (A post-mortem whose change was
    refused stops there, so its only other failure is the note that says so.)"""
    refused = [f"{o.change.describe()}: {o.detail}" for o in reconciled.refused]
    ref = f"{reconciled.issue.ref}: "
    return refused or [failure.removeprefix(ref) for failure in reconciled.failures]


def worth_a_section(reconciled: Reconciled) -> bool:
    return bool(reconciled.outcomes or reconciled.failures or reconciled.stopped)


def postmortem_section(
    reconciled: Reconciled, *, dry_run: bool, redactor: Redactor
) -> PostMortemSection:
    issue = reconciled.issue
    own_failures = () if reconciled.refused else tuple(problems(reconciled))
    return PostMortemSection(
        ref=issue.ref,
        url=issue.html_url,
        title=redactor.redact(issue.title),
        rows=tuple(change_row(o, dry_run=dry_run, redactor=redactor) for o in reconciled.outcomes),
        failures=tuple(redactor.shortened(failure) for failure in own_failures),
        stopped=reconciled.stopped is not None,
    )


def render_piece(
    redactor: Redactor,
    *,
    heading: str | None = None,
    postmortem: PostMortemSection | None = None,
    totals: Totals | None = None,
    stopped: Stopped | None = None,
) -> str:
    context = {"heading": heading, "postmortem": postmortem, "totals": totals, "stopped": stopped}
    # Masked before neutralising too: neutralise could split a secret that holds an "@".
    # The blank line keeps the next piece from continuing this one's table or list.
    return redactor.redact(render(TEMPLATE, context)) + "\n"


class JobSummary:
    """One run's job summary: the heading before the first piece, then each piece."""

    def __init__(self, *, dry_run: bool, redactor: Redactor) -> None:
        self.dry_run = dry_run
        self.redactor = redactor
        self._started = False

    def postmortem(self, reconciled: Reconciled) -> None:
        """The section of a post-mortem the run is done with; none for one left as it was."""
        if worth_a_section(reconciled):
            section = postmortem_section(reconciled, dry_run=self.dry_run, redactor=self.redactor)
            self._write(postmortem=section)

    def totals(self, totals: Totals) -> None:
        self._write(totals=totals)

    def _write(
        self, *, postmortem: PostMortemSection | None = None, totals: Totals | None = None
    ) -> None:
        heading = None
        if not self._started:
            heading = DRY_RUN_HEADING if self.dry_run else RUN_HEADING
        piece = render_piece(self.redactor, heading=heading, postmortem=postmortem, totals=totals)
        self._started = actions_env.append_step_summary(piece) or self._started


def write_stopped(title: str, message: str, redactor: Redactor) -> bool:
    """The section of an error that ended the run; False outside GitHub Actions."""
    stopped = Stopped(title=title, message=redactor.redact(message))
    return actions_env.append_step_summary(render_piece(redactor, stopped=stopped))
