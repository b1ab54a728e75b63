"""Stable identities: which Jira tickets belong to which post-mortem and which action item.

A ticket carries two labels from the moment it is created (ADR 1): the post-mortem label,
which one JQL query finds all of a post-mortem's tickets by, and the item label, which says
which action item the ticket was made for. Both are short hashes, so they are valid Jira
labels (no spaces) whatever the repository or the action text.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

POSTMORTEM_LABEL_PREFIX = "pmsync-pm-"
ITEM_LABEL_PREFIX = "pmsync-item-"
REMOVED_LABEL = "pmsync-removed"  # the ticket was told its row left the post-mortem
DUPLICATE_LABEL = "pmsync-duplicate"  # a second ticket for one item, closed by the applier

_POSTMORTEM_DIGITS = 10
_ITEM_DIGITS = 12
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


def issue_ref(repo: str, number: int) -> str:
    """`owner/name#number`, lower-cased: GitHub treats repository names case-insensitively."""
    return f"{repo.lower()}#{number}"


def normalise_action(text: str) -> str:
    """The action text as identity sees it: case-folded, whitespace collapsed, surrounding
    punctuation stripped, so re-typing a row's spacing or case keeps its ticket."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    collapsed = " ".join(folded.split())
    return _EDGE_PUNCTUATION.sub("", collapsed)


def numbered_actions(actions: Iterable[str]) -> list[tuple[str, int]]:
    """Each action as identity tells rows apart, in the order given (row order): its
    normalised text, and which row reading that text it is (1 for the first, 2 for the
    second, …)."""
    seen: Counter[str] = Counter()
    numbered = []
    for action in actions:
        text = normalise_action(action)
        seen[text] += 1
        numbered.append((text, seen[text]))
    return numbered


def _digest(text: str, digits: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:digits]


def postmortem_label(repo: str, number: int) -> str:
    """The label every ticket of one post-mortem carries."""
    return label_for_ref(issue_ref(repo, number))


def label_for_ref(ref: str) -> str:
    """The post-mortem label for an ``owner/name#number`` ref: a transferred post-mortem's
    tickets keep the label of the ref they were first made under (ADR 9)."""
    return POSTMORTEM_LABEL_PREFIX + _digest(ref.lower(), _POSTMORTEM_DIGITS)


def item_id(repo: str, number: int, action: str, occurrence: int = 1) -> str:
    """The identity of one action item before it has a ticket key.

    Two rows with the same normalised text are told apart by ``occurrence`` (1 for the
    first such row, 2 for the second, …), so each still gets its own ticket.
    """
    return item_id_for_ref(issue_ref(repo, number), action, occurrence)


def item_id_for_ref(ref: str, action: str, occurrence: int = 1) -> str:
    """``item_id`` for the post-mortem known by ``ref`` (its origin, once transferred)."""
    source = f"{ref.lower()}\n{normalise_action(action)}"
    if occurrence > 1:
        source += f"\n{occurrence}"
    return _digest(source, _ITEM_DIGITS)


def item_label(item: str) -> str:
    """The Jira label for an item id."""
    return ITEM_LABEL_PREFIX + item


def item_ids_in(labels: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The item ids a ticket's labels name (normally exactly one)."""
    return tuple(
        sorted(label[len(ITEM_LABEL_PREFIX) :] for label in labels if is_item_label(label))
    )


def is_item_label(label: str) -> bool:
    return label.startswith(ITEM_LABEL_PREFIX) and len(label) == len(ITEM_LABEL_PREFIX) + (
        _ITEM_DIGITS
    )
