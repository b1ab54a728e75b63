"""People drift (issue #21): a row's owner changes, or their account becomes known, and the
ticket's assignee follows; a choice made in Jira stands. Pure: ``merge_item`` and the
snapshot it is compared against."""

from __future__ import annotations

from support import factories

from pmsync.config.schema import Config
from pmsync.core.domain import markers
from pmsync.core.domain.markers import SnapshotItem
from pmsync.core.planning.merge import merge_item, table_values, ticket_values

CONFIG = Config()
ACCOUNTS = {"bob": "acc-bob", "carol": None}


def base(owner: str, assignee: str | None, *, unmapped: bool = False) -> SnapshotItem:
    item = factories.action_item(owner=owner)
    return SnapshotItem(
        key="OPS-1",
        item_id="i1",
        row=1,
        github=table_values(item),
        jira=ticket_values(factories.ticket(assignee=assignee)),
        owner_unmapped=unmapped,
    )


def push(owner: str, assignee: str | None, then: SnapshotItem, accounts: dict[str, str | None]):
    item = factories.action_item(owner=owner)
    outcome = merge_item(
        item, factories.ticket(assignee=assignee), then, frozenset(), CONFIG, accounts
    )
    return outcome.push


def test_an_owner_changed_to_someone_without_an_account_unassigns_the_ticket() -> None:
    assert push("carol", "acc-bob", base("bob", "acc-bob"), ACCOUNTS) == {"owner": None}


def test_an_owner_changed_to_a_team_unassigns_the_ticket() -> None:
    assert push("acme/sre", "acc-bob", base("bob", "acc-bob"), ACCOUNTS) == {"owner": None}


def test_an_owner_whose_account_becomes_known_is_assigned() -> None:
    then = base("carol", None, unmapped=True)
    assert push("carol", None, then, ACCOUNTS) == {}
    assert push("carol", None, then, ACCOUNTS | {"carol": "acc-carol"}) == {"owner": "acc-carol"}


def test_an_assignee_chosen_in_jira_stands() -> None:
    then = base("carol", None, unmapped=True)
    known = ACCOUNTS | {"carol": "acc-carol"}
    assert push("carol", "acc-dave", then, known) == {}  # assigned in Jira since
    assert push("carol", "acc-dave", base("bob", "acc-bob"), ACCOUNTS) == {}


def test_a_ticket_unassigned_on_purpose_stays_unassigned() -> None:
    # Its owner had an account at the last sync: nobody waits for one to become known.
    assert push("bob", None, base("bob", None), ACCOUNTS) == {}


def test_the_flag_is_left_out_of_the_marker_when_false() -> None:
    mapped = markers.Snapshot(items=(base("bob", "acc-bob"),))
    unmapped = markers.Snapshot(items=(base("carol", None, unmapped=True),))
    assert "owner_unmapped" not in mapped.model_dump(mode="json")["items"][0]
    for snapshot in (mapped, unmapped):
        decoded = markers.decode_snapshot(markers.encode_snapshot(snapshot))
        assert decoded == snapshot
