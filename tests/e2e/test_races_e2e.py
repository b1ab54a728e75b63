"""Issue #16 on the sandbox, the races: two runs at once (an event's and the sync), a
crash with Jira Cloud's search behind, and a person editing while pmsync writes."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from support.lifecycle import Killed, kill_when
from support.sandbox_pmsync import BODY, REPO, Site, event_file, use_sandbox, write_config

from pmsync.adapters.retry import RequestLog, RequestRecord
from pmsync.config.schema import FollowupConfig
from pmsync.core.domain import identity
from pmsync.entry.cli import main
from pmsync_sandbox.runner import Sandbox

NUDGE = "<!-- pmsync:nudge:"
OVERDUE_ACTION = "Alert when payments-db pool usage stays above 80% for 5 minutes"  # due 11-27


@pytest.fixture
def site(sandbox: Sandbox) -> Site:
    found = Site(sandbox)
    followup = FollowupConfig(nudge_overdue=True)
    found.config = found.config.model_copy(update={"followup": followup})
    return found


def kept_and_closed(site: Site, number: int) -> tuple[dict[str, str], list[str]]:
    """The item's ticket by summary, and the keys closed as duplicates."""
    tickets = site.tickets(number).values()
    kept = {t["summary"]: t["key"] for t in tickets if identity.DUPLICATE_LABEL not in t["labels"]}
    closed = [t["key"] for t in tickets if identity.DUPLICATE_LABEL in t["labels"]]
    return kept, closed


def duplicate_comments(site: Site, key: str) -> list[str]:
    comments = [json.dumps(c) for c in site.tickets()[key]["comments"]]
    return [c for c in comments if re.search(r"Duplicate of OPS-\d+", c)]


def crash_after_the_bulk_create(site: Site, lag: int) -> int:
    """A post-mortem whose first run died right after Jira made its tickets, while Cloud's
    search does not show them for ``lag`` searches: the next run makes a second set."""
    site.sandbox.app.jira.search_lag = lag
    now = site.sandbox.clock()
    site.sandbox.set_clock(now - timedelta(days=7))  # filed before its first due date
    number = site.open("alice")
    site.sandbox.set_clock(now)
    with pytest.raises(Killed):
        site.run(requests=kill_when(lambda r: r.method == "POST" and r.path.endswith("/bulk")))
    return number


@pytest.mark.parametrize("lag", [2, 5])  # 2 or more searches: past the whole rerun
def test_a_crash_with_search_lag_leaves_one_nudge_per_item_naming_its_ticket(
    site: Site, lag: int
) -> None:
    number = crash_after_the_bulk_create(site, lag=lag)
    for _ in range(lag + 3):
        assert site.run().record.failures == []
    kept, closed = kept_and_closed(site, number)
    assert closed  # the lag made a second ticket of each item, since closed
    (nudge,) = site.bot_comments(number, NUDGE)  # one item is overdue: one nudge
    assert f"[{kept[OVERDUE_ACTION]}](" in nudge
    assert not [key for key in closed if f"[{key}](" in nudge]
    for key in closed:
        assert len(duplicate_comments(site, key)) == 1
    site.sandbox.clear_requests()
    site.run()
    assert site.writes("github") == [] and site.writes("jira") == []


def test_two_runs_closing_one_duplicate_at_once_say_duplicate_once(site: Site) -> None:
    """A second run (the sync, while an event's run works) closes the duplicate in the
    moment between this run's reading it and its closing comment."""
    number = crash_after_the_bulk_create(site, lag=1)
    raced: list[str] = []
    log = RequestLog()

    def other_run_meanwhile(entry: RequestRecord) -> None:
        if not raced and entry.method == "POST" and entry.path.endswith("/transitions"):
            raced.append(entry.path)
            assert site.run().record.failures == []

    log.listeners.append(other_run_meanwhile)
    site.run(requests=log)
    assert raced
    site.run()
    _, closed = kept_and_closed(site, number)
    assert closed
    for key in closed:
        assert len(duplicate_comments(site, key)) == 1, key


# -- a person's edit saved between pmsync's read of the body and its write (defect 5) ------

ADDED = "A sentence the author adds while pmsync fills the Ticket column."


def fill_with_an_edit_in_between(site: Site) -> tuple[int, str]:
    """The first sync, during which the author saves an edit right after pmsync read the
    body to fill the Ticket column in (after the tickets exist) and before it writes."""
    number = site.open("alice")
    edited = BODY.replace("### Summary\n", f"### Summary\n\n{ADDED}\n", 1)
    assert edited != BODY
    log = RequestLog()

    def edit_next(entry: RequestRecord) -> None:
        if entry.method == "POST" and entry.path.endswith("/issue/bulk"):
            site.sandbox.app.github.edit_after_next_read(REPO, number, edited)

    log.listeners.append(edit_next)
    assert site.run(requests=log).record.failures == []
    return number, edited


def body_of(site: Site, number: int) -> str:
    return str(site.issue_state(number)["body"])


def handle_edit(site: Site, folder: Path, number: int, before: str, after: str) -> int:
    """`pmsync handle-event` for the author's edit, as GitHub delivers it."""
    changes = {"body": {"from": before}}
    event = event_file(folder, "issues/edited", number, issue={"body": after}, changes=changes)
    config = write_config(folder, people=True)
    args = ["handle-event", "--config", str(config), "--event-name", "issues"]
    return main([*args, "--event-path", str(event)])


def test_an_edit_overwritten_by_filling_the_ticket_column_is_put_back(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number, edited = fill_with_an_edit_in_between(site)
    assert ADDED not in body_of(site, number)  # the write went over the edit
    use_sandbox(site.sandbox, monkeypatch)
    assert handle_edit(site, tmp_path, number, BODY, edited) == 0
    body = body_of(site, number)
    assert ADDED in body
    assert len(re.findall(r"\[OPS-\d+\]\(", body)) == 4  # and the tickets are filled in again
    # Run again (the job retried), or a later change since: nothing is put back over it.
    assert handle_edit(site, tmp_path, number, BODY, edited) == 0
    assert body_of(site, number) == body


def test_an_edit_that_was_not_overwritten_is_left_alone(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = site.open("alice")
    site.run()
    filled = body_of(site, number)
    later = filled.replace("### Summary\n", f"### Summary\n\n{ADDED}\n", 1)
    site.as_("alice").get_repo(REPO).get_issue(number).edit(body=later)
    use_sandbox(site.sandbox, monkeypatch)
    # An older event (its edit since replaced by a later one) puts nothing back.
    assert handle_edit(site, tmp_path, number, BODY, BODY + "\nold edit\n") == 0
    assert body_of(site, number) == later
