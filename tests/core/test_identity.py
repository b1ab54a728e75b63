"""Identities: labels are stable, short, valid Jira labels, and tell items apart."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from pmsync.core.domain import identity

JIRA_LABEL = re.compile(r"[a-z0-9-]+")


def test_postmortem_label_is_a_known_hash_of_the_issue_reference() -> None:
    label = identity.postmortem_label("acme/payments", 42)
    assert label == identity.postmortem_label("Acme/Payments", 42)
    assert label != identity.postmortem_label("acme/payments", 43)
    assert re.fullmatch(r"pmsync-pm-[0-9a-f]{10}", label)


def test_item_id_ignores_case_spacing_and_surrounding_punctuation() -> None:
    first = identity.item_id("acme/payments", 42, "Add pool alert at 80%")
    assert first == identity.item_id("acme/payments", 42, "  add   POOL alert at 80%. ")
    assert first != identity.item_id("acme/payments", 42, "Add pool alert at 90%")
    assert first != identity.item_id("acme/storefront", 42, "Add pool alert at 80%")
    assert re.fullmatch(r"[0-9a-f]{12}", first)


def test_repeated_action_text_gets_a_new_identity_per_occurrence() -> None:
    once = identity.item_id("acme/payments", 42, "Write a runbook")
    twice = identity.item_id("acme/payments", 42, "Write a runbook", occurrence=2)
    assert once != twice
    assert once == identity.item_id("acme/payments", 42, "Write a runbook", occurrence=1)


def test_normalise_action() -> None:
    assert identity.normalise_action("  **Add**\tpool\n alert!  ") == "add** pool alert"
    assert identity.normalise_action("(Fix it)") == "fix it"
    assert identity.normalise_action("...") == ""


def test_item_labels_are_read_back_from_a_ticket() -> None:
    item = identity.item_id("acme/payments", 42, "Add pool alert")
    labels = (
        "postmortem",
        identity.postmortem_label("acme/payments", 42),
        identity.item_label(item),
    )
    assert identity.item_ids_in(labels) == (item,)
    assert identity.item_ids_in(("pmsync-item-short",)) == ()


@given(st.text(), st.text(min_size=1), st.integers(1, 10**6))
def test_labels_are_always_valid_jira_labels(action: str, repo: str, number: int) -> None:
    for label in (
        identity.postmortem_label(repo, number),
        identity.item_label(identity.item_id(repo, number, action)),
    ):
        assert JIRA_LABEL.fullmatch(label)
        assert len(label) <= 255
