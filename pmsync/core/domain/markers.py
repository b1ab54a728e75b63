"""Hidden markers in pmsync's own comments, and the snapshot the status comment carries.

Every comment pmsync writes begins with an HTML comment such as ``<!-- pmsync:status -->``
(GitHub does not show it), so the next run finds the comment again. Data that must survive
between runs rides in a data marker, ``<!-- pmsync:<name> <value> -->``; the status
comment's snapshot is base64 of zlib-compressed JSON in one of those (plain JSON, as
earlier versions wrote it, is read too). A snapshot that is missing or damaged is
treated as absent: the planner then merges without a base, it never fails.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Iterable
from datetime import date, datetime

from pydantic import SerializerFunctionWrapHandler, ValidationError, model_serializer

from pmsync.core.domain.model import Frozen
from pmsync.core.domain.state import CommentState, ShippedRecord

_PREFIX = "pmsync:"
_DATA_VALUE = re.compile(r"[A-Za-z0-9+/=._:-]*")
_LEADING = re.compile(rf"<!-- {_PREFIX}\S+ -->")


def marker(name: str) -> str:
    """The marker line that identifies one kind of pmsync comment."""
    return f"<!-- {_PREFIX}{name} -->"


STATUS = marker("status")
FEEDBACK = marker("feedback")
APPROVAL = marker("approval")
BLOCKED = marker("blocked")
REPEAT = marker("repeat")


def followup_marker(days: int) -> str:
    return marker(f"followup:{days}")


def backlink_marker(ref: str) -> str:
    return marker(f"backlink:{ref}")


def nudge_marker(item: str, due: date) -> str:
    """Keyed by the item (earlier versions used the ticket key, which a duplicate ticket
    made two of); ``item`` may be a ticket key only to find such an earlier nudge."""
    return marker(f"nudge:{item}:{due.isoformat()}")


def is_once_only(wanted: str) -> bool:
    """Whether a marker is a once-only comment's: a review, a nudge, a reminder or the
    closing."""
    prefixes = (marker(f"{kind}:")[:-4] for kind in ("followup", "nudge", "reminder"))
    return wanted.startswith((*prefixes, marker("closing")))


def reminder_marker(item: str, due: date) -> str:
    """A due-date reminder's: one per action item (its identity) and due date."""
    return marker(f"reminder:{item}:{due.isoformat()}")


def has_marker(body: str, wanted: str) -> bool:
    """Whether a comment body begins with ``wanted`` (pmsync puts its marker first)."""
    return body.lstrip().startswith(wanted)


def leading_marker(body: str) -> str | None:
    """The marker a comment body begins with, or None: the one ``has_marker`` finds."""
    found = _LEADING.match(body.lstrip())
    return found.group(0) if found else None


def comment_age(comment: CommentState) -> tuple[datetime, int]:
    """Sort key, oldest first: creation time, then id (GitHub stamps comments made in one
    second alike, and numbers them in order)."""
    return (comment.created_at, comment.id)


def find_comment(comments: Iterable[CommentState], wanted: str) -> CommentState | None:
    """The oldest of the comments that carry ``wanted``, or None.

    Only pass comments written by pmsync's own identity: a marker in someone else's
    comment means nothing.
    """
    found = [comment for comment in comments if has_marker(comment.body, wanted)]
    return min(found, key=comment_age, default=None)


def data_marker(name: str, value: str) -> str:
    """``<!-- pmsync:<name> <value> -->``; the value may use base64 and ``._:-`` only,
    so it can never close the HTML comment."""
    if not _DATA_VALUE.fullmatch(value):
        raise ValueError(f"data marker value {value!r} has characters outside [A-Za-z0-9+/=._:-]")
    return f"<!-- {_PREFIX}{name} {value} -->"


def find_data(body: str, name: str) -> str | None:
    """The value of the first data marker called ``name`` in ``body``, or None."""
    pattern = rf"<!-- {re.escape(_PREFIX + name)} ({_DATA_VALUE.pattern}) -->"
    found = re.search(pattern, body)
    return found.group(1) if found else None


# --- the snapshot ----------------------------------------------------------------------------

SNAPSHOT = "snapshot"
SNAPSHOT_VERSION = 1
# What a snapshot may unpack to: far more than any comment holds, and no more (a forged
# snapshot cannot make a run unpack gigabytes).
_MAX_SNAPSHOT_BYTES = 4_000_000


class FieldValues(Frozen):
    """The four synced fields of an item as one side held them.

    On the GitHub side: the action text, ``P0``–``P3``, the owner's handle, the due date.
    On the Jira side: the summary, the priority name, the assignee id, the due date.
    """

    action: str
    priority: str | None
    owner: str | None
    due: date | None


class SnapshotItem(Frozen):
    key: str
    # Jira's id for the ticket: the next run's search names it (reconcileIssues), so a Cloud
    # search index that lags behind the ticket's creation cannot hide it. None in
    # snapshots written before ids were kept.
    jira_id: str | None = None
    item_id: str
    row: int
    github: FieldValues
    jira: FieldValues
    # The table's owner had no Jira account at that sync, so the ticket was left
    # unassigned: once an account is known, the next run assigns it (issue #21, people
    # drift). Left out of the marker when False, so older snapshots read the same.
    owner_unmapped: bool = False

    @model_serializer(mode="wrap")
    def _leave_out_mapped(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        data: dict[str, object] = handler(self)
        if not self.owner_unmapped:
            data.pop("owner_unmapped", None)
        return data


class Conflict(Frozen):
    """A field both sides changed; Jira's value stands until the two agree again."""

    key: str
    field: str  # "action", "priority", "owner" or "due"


class Snapshot(Frozen):
    """What the last run left behind, for the next run's three-way merge."""

    version: int = SNAPSHOT_VERSION
    items: tuple[SnapshotItem, ...] = ()
    linked: tuple[str, ...] = ()  # keys that carry the remote link back to the issue
    removed: tuple[str, ...] = ()  # keys told that their row left the post-mortem
    conflicts: tuple[Conflict, ...] = ()
    labels: tuple[
        str, ...
    ] = ()  # form labels pmsync set (pmsync.core.postmortem.labels); only these go
    # Markers of the once-only comments (reviews, nudges, closing) that existed: a person
    # may delete one, and it must not come back. Left out when empty, so older snapshots
    # read the same.
    posted: tuple[str, ...] = ()
    # The ``owner/name#number`` the post-mortem's tickets were first made under, and the one
    # the issue had when this snapshot was written: a transfer changes the number and
    # repository, but this comment moves with it, so the tickets' labels are still known and
    # the links back to the old address are told apart (ADR 9). Left out when None, so older
    # snapshots read the same.
    origin: str | None = None
    ref: str | None = None
    # Done tickets searched for merged pull requests, with what was found. Left out when
    # empty, like ``posted``.
    shipped: tuple[ShippedRecord, ...] = ()

    @model_serializer(mode="wrap")
    def _leave_out_unposted(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        data: dict[str, object] = handler(self)
        for name in ("posted", "shipped", "origin", "ref"):
            if not data.get(name):
                data.pop(name, None)
        return data

    def item(self, key: str) -> SnapshotItem | None:
        return next((entry for entry in self.items if entry.key == key), None)

    def has_conflict(self, key: str, field: str) -> bool:
        return Conflict(key=key, field=field) in self.conflicts

    @property
    def jira_ids(self) -> tuple[str, ...]:
        return tuple(sorted({item.jira_id for item in self.items if item.jira_id}))


def encode_snapshot(snapshot: Snapshot) -> str:
    """The data marker that carries ``snapshot``; equal snapshots give equal text."""
    payload = json.dumps(
        snapshot.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    # Compressed: the snapshot repeats the table's text, and the status comment that
    # carries it must stay within GitHub's comment size (pmsync.core.comment_budget).
    packed = zlib.compress(payload.encode("utf-8"), 9)
    return data_marker(SNAPSHOT, base64.b64encode(packed).decode("ascii"))


def last_snapshot(comments: Iterable[CommentState]) -> Snapshot:
    """The snapshot in the status comment among pmsync's ``comments``; empty when there
    is none or it cannot be read."""
    status = find_comment(comments, STATUS)
    found = decode_snapshot(status.body) if status else None
    return found or Snapshot()


def decode_snapshot(body: str) -> Snapshot | None:
    """The snapshot in a comment body; None when there is none or it cannot be read."""
    value = find_data(body, SNAPSHOT)
    if value is None:
        return None
    try:
        raw = base64.b64decode(value, validate=True)
        if raw[:1] != b"{":  # compressed; plain JSON is how earlier versions wrote it
            raw = zlib.decompressobj().decompress(raw, _MAX_SNAPSHOT_BYTES)
        payload = json.loads(raw.decode("utf-8"))
        snapshot = Snapshot.model_validate(payload)
    except (
        binascii.Error,
        zlib.error,
        UnicodeDecodeError,
        ValueError,
        ValidationError,
        RecursionError,
    ):
        return None
    return snapshot if snapshot.version == SNAPSHOT_VERSION else None
