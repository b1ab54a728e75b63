"""What a run did for each post-mortem, told the moment it is done with one.

``reconcile_all`` goes through each post-mortem inside ``told``; the run record's listener then
hears what was applied (on a dry run: simulated) in order, what failed, and the error that
ended the run there, if one did. The job summary is written from this as the run goes, so
what was done before an error that ends the run is still shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from pmsync.core.domain.state import IssueState
from pmsync.orchestration.apply import Outcome


@dataclass(frozen=True)
class Reconciled:
    issue: IssueState
    outcomes: tuple[Outcome, ...]  # in the order they were applied
    failures: tuple[str, ...]  # what the run added to RunRecord.failures for this post-mortem
    stopped: BaseException | None = None  # the error that ended the run here

    @property
    def refused(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "failed")


Listener = Callable[[Reconciled], None]


def ignore(reconciled: Reconciled) -> None:
    """The listener of a run that keeps no journal."""


@contextmanager
def told(
    listener: Listener, issue: IssueState, outcomes: Sequence[Outcome], failures: Sequence[str]
) -> Iterator[None]:
    """Tell ``listener`` what the block added to the run's ``outcomes`` and ``failures``
    for ``issue``, also when it raises."""
    outcomes_before, failures_before = len(outcomes), len(failures)
    stopped: BaseException | None = None
    try:
        yield
    except BaseException as exc:
        stopped = exc
        raise
    finally:
        listener(
            Reconciled(
                issue,
                tuple(outcomes[outcomes_before:]),
                tuple(failures[failures_before:]),
                stopped,
            )
        )
