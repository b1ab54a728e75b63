"""A transferred post-mortem (ADR 9): its status snapshot records the ref its tickets were
first made under, and the plan after a transfer keeps those tickets, labels each with the
new ref once (with a comment saying where it moved) and links it to the new address."""

from __future__ import annotations

from support.factories import NUMBER, REPO, issue, observed, ticket
from support.planning import converge, of_kind, synced

from pmsync.core.domain import identity, markers, origin
from pmsync.core.domain.changes import AddRemoteLink, CommentOnTicket, CreateTickets
from pmsync.core.domain.state import ObservedPostMortem
from pmsync.core.planning.moved import moved_changes
from pmsync.core.planning.plan import plan

TARGET = "acme/platform"
MOVED = 7


def transferred(state: ObservedPostMortem) -> ObservedPostMortem:
    """The same issue after GitHub moved it: new repository and number, same comments."""
    now = issue(repo=TARGET, number=MOVED, body=state.issue.body)
    return state.model_copy(update={"issue": now, "remote_linked": ()})


def test_the_snapshot_records_the_origin_and_where_it_was_written() -> None:
    state, _, _ = synced()
    snapshot = markers.last_snapshot(state.bot_comments)
    assert snapshot.origin == snapshot.ref == identity.issue_ref(REPO, NUMBER)
    assert origin.origin_ref(state) == f"{REPO}#{NUMBER}"
    assert not origin.moved(state)


def test_without_a_recorded_origin_the_current_ref_is_it() -> None:
    bare = observed()
    assert origin.origin_ref(bare) == identity.issue_ref(REPO, NUMBER)
    assert origin.postmortem_labels(bare) == (identity.postmortem_label(REPO, NUMBER),)
    assert moved_changes(bare) == ()


def test_a_transferred_postmortem_keeps_its_tickets_and_settles() -> None:
    state, parsed, ctx = synced()
    keys = sorted(t.key for t in state.tickets)
    moved = transferred(state)
    assert origin.moved(moved)
    assert origin.postmortem_labels(moved) == (
        identity.postmortem_label(REPO, NUMBER),
        identity.postmortem_label(TARGET, MOVED),
    )
    first = plan(moved, parsed, ctx)
    assert of_kind(first, CreateTickets) == []
    told = of_kind(first, CommentOnTicket)
    assert sorted(c.ticket for c in told) == keys
    assert {c.add_labels for c in told} == {(identity.postmortem_label(TARGET, MOVED),)}
    assert all(TARGET in c.body and REPO in c.body for c in told)  # where it was and is
    links = of_kind(first, AddRemoteLink)
    assert sorted(link.ticket for link in links) == keys
    assert {link.url for link in links} == {f"https://github.com/{TARGET}/issues/{MOVED}"}

    after, _, plans = converge(moved, parsed, ctx)
    assert len(plans) == 1  # settled after one round: nothing is done twice
    snapshot = markers.last_snapshot(after.bot_comments)
    assert snapshot.origin == f"{REPO}#{NUMBER}" and snapshot.ref == f"{TARGET}#{MOVED}"
    assert sorted(snapshot.linked) == keys


def test_new_tickets_after_a_transfer_carry_both_labels() -> None:
    state, _, _ = synced()
    moved = transferred(state)
    old = ticket("OPS-9", labels=("postmortem", identity.postmortem_label(REPO, NUMBER)))
    with_old = moved.model_copy(update={"tickets": (old,)})
    assert [c.ticket for c in moved_changes(with_old)] == ["OPS-9"]
    relabelled = old.model_copy(update={"labels": (*old.labels, origin.current_label(moved.issue))})
    assert moved_changes(with_old.model_copy(update={"tickets": (relabelled,)})) == ()
