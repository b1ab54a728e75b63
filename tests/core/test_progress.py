"""Progress from Jira's status category and resolution, and the one-line summary."""

from __future__ import annotations

from datetime import date

import pytest
from support.factories import ticket

from pmsync.core.planning.progress import Counts, Progress, count, progress_of, summary_line

TODAY = date(2026, 12, 10)
DROPPED = ["Won't Do"]


@pytest.mark.parametrize(
    ("category", "resolution", "due", "expected"),
    [
        ("done", "Done", date(2026, 12, 1), Progress.DONE),
        ("done", None, None, Progress.DONE),
        ("done", "Won't Do", None, Progress.DROPPED),
        ("done", "won\u2019t  do", None, Progress.DROPPED),  # curly apostrophe, odd spacing
        ("indeterminate", None, date(2026, 12, 9), Progress.OVERDUE),
        ("indeterminate", None, TODAY, Progress.OPEN),  # due today is not yet overdue
        ("new", None, date(2026, 12, 11), Progress.OPEN),
        ("new", None, None, Progress.OPEN),
        ("new", "Won't Do", date(2026, 1, 1), Progress.OVERDUE),  # reopened: not dropped
    ],
)
def test_progress_of_a_ticket(
    category: str, resolution: str | None, due: date | None, expected: Progress
) -> None:
    found = ticket(status_category=category, resolution=resolution, due=due)
    assert progress_of(found, due, TODAY, DROPPED) is expected


def test_status_names_do_not_matter() -> None:
    done = ticket(status="Shipped to prod", status_category="done")
    open_ = ticket(status="Done (awaiting review)", status_category="indeterminate")
    assert progress_of(done, None, TODAY, DROPPED) is Progress.DONE
    assert progress_of(open_, None, TODAY, DROPPED) is Progress.OPEN


def test_configured_dropped_resolutions() -> None:
    declined = ticket(status_category="done", resolution="Declined")
    assert progress_of(declined, None, TODAY, DROPPED) is Progress.DONE
    assert progress_of(declined, None, TODAY, ["Declined", "Won't Do"]) is Progress.DROPPED


def test_an_item_without_a_ticket_is_open_or_overdue() -> None:
    assert progress_of(None, date(2026, 12, 1), TODAY, DROPPED) is Progress.OVERDUE
    assert progress_of(None, date(2026, 12, 31), TODAY, DROPPED) is Progress.OPEN


def test_summary_line() -> None:
    progresses = [Progress.DONE] * 3 + [Progress.OVERDUE, Progress.DROPPED]
    counts = count(progresses)
    assert counts == Counts(total=5, done=3, dropped=1, overdue=1)
    assert counts.open == 1
    assert summary_line(counts) == "3 of 5 done · 1 overdue · 1 dropped"
    assert summary_line(count([Progress.OPEN, Progress.DONE])) == "1 of 2 done"
    assert summary_line(count([])) == "no action items"


def test_complete_means_every_item_done() -> None:
    assert count([Progress.DONE, Progress.DONE]).complete
    assert not count([Progress.DONE, Progress.DROPPED]).complete
    assert not count([Progress.DONE, Progress.OPEN]).complete
    assert not count([]).complete
