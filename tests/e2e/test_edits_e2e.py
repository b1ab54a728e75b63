"""A post-mortem edited around and during pmsync's runs, on the sandbox.

Authors reword, insert and re-add action items whenever they like, also while a run is
creating tickets; every item must still end with exactly one ticket, named in its own row.
"""

from __future__ import annotations

from github.Issue import Issue
from support.sandbox_pmsync import REPO, Site

from pmsync.adapters.retry import RequestLog, RequestRecord
from pmsync.core.domain import identity
from pmsync.core.postmortem.lint import check_postmortem
from pmsync_sandbox.runner import Sandbox

OLD = "Make the pool size a runtime setting that needs no restart"
REWORDED = "Make the pool size a runtime setting, tested in staging"
INSERTED_ACTION = "Page the DBA on-call when replication lag exceeds 30 s"
INSERTED = f"| {INSERTED_ACTION} | Detect | P1 | @alice | 2026-12-15 | |"


def issue_of(site: Site, number: int) -> Issue:
    return site.as_("alice").get_repo(REPO).get_issue(number)


def rows(site: Site, number: int) -> list[tuple[str, str | None]]:
    """Each action item of the body as it stands: its action and its Ticket cell's key."""
    parsed = check_postmortem(issue_of(site, number).body, None, site.config)
    assert parsed.postmortem is not None, parsed.errors
    return [(item.action, item.ticket) for item in parsed.postmortem.action_items]


def live_tickets(site: Site, number: int) -> dict[str, str]:
    """Key -> summary of the post-mortem's tickets not closed as duplicates."""
    return {
        key: raw["summary"]
        for key, raw in site.tickets(number).items()
        if identity.DUPLICATE_LABEL not in raw["labels"]
    }


def insert_first_row(issue: Issue, row: str) -> None:
    body = issue.body
    delimiter = body.index("|---", body.index("| Action"))
    line_end = body.index("\n", delimiter)
    issue.edit(body=body[: line_end + 1] + row + "\n" + body[line_end + 1 :])


def test_a_row_inserted_while_tickets_are_created_never_gets_another_rows_key(
    sandbox: Sandbox,
) -> None:
    site = Site(sandbox)
    number = site.open("alice")
    issue = issue_of(site, number)
    edited: list[str] = []

    def author_inserts_a_row(entry: RequestRecord) -> None:
        # Right after the tickets are created, before pmsync writes their keys.
        if entry.method == "POST" and entry.path.endswith("/issue/bulk") and not edited:
            edited.append(entry.path)
            insert_first_row(issue, INSERTED)

    requests = RequestLog()
    requests.listeners.append(author_inserts_a_row)
    assert not site.run(requests=requests).record.failures
    assert edited

    # Every key sits on its own item's row; the run saw the new row and made its ticket.
    tickets = live_tickets(site, number)
    held = rows(site, number)
    assert held[0][0] == INSERTED_ACTION
    assert all(key is None or tickets[key] == action for action, key in held)

    site.run()
    tickets = live_tickets(site, number)
    assert len(tickets) == 5 and len(site.tickets(number)) == 5
    assert all(key is not None and tickets[key] == action for action, key in rows(site, number))
    assert not site.run().record.summary.outcomes  # settled: the next run does nothing


def test_a_reworded_item_whose_old_text_is_added_again_gets_one_new_ticket(
    sandbox: Sandbox,
) -> None:
    site = Site(sandbox)
    number = site.open("alice")
    site.run()
    issue = issue_of(site, number)
    line = next(line for line in issue.body.splitlines() if line.startswith(f"| {OLD} |"))
    reworded = line.replace(OLD, REWORDED)  # keeps its Ticket cell
    readded = f"| {OLD} | Mitigate | P3 | @bob | 2026-12-20 | |"
    issue.edit(body=issue.body.replace(line, f"{reworded}\n{readded}"))

    first = site.run()
    assert not first.record.failures and first.record.summary.tickets_created == 1
    tickets = live_tickets(site, number)
    assert len(tickets) == len(site.tickets(number)) == 5  # nothing closed as a duplicate
    held = dict(rows(site, number))
    assert held[REWORDED] is not None and held[OLD] is not None
    assert held[REWORDED] != held[OLD] and tickets[held[OLD]] == OLD

    again = site.run()
    assert not again.record.failures and not again.record.summary.outcomes
