"""What GitHub and Jira hold, as the adapters read it.

Adapters turn library objects (PyGithub, jira) into these models and nothing else crosses
into the core. The planner compares them with the parsed post-mortem.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, SerializerFunctionWrapHandler, model_serializer

from pmsync.core.domain.model import Frozen, PostMortem

StatusCategory = Literal["new", "indeterminate", "done"]

# A JSON string may hold half of a surrogate pair ("\ud800"), which Python decodes into a
# str that no UTF-8 encoder accepts (a hash, a request, a log line). Paired halves are
# joined on decoding, so any surrogate left is alone: it becomes U+FFFD, as a UTF-8
# decoder shows a broken sequence.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def well_formed(text: str) -> str:
    return _LONE_SURROGATE.sub("\ufffd", text)


# Free text a person wrote on GitHub or in Jira.
Text = Annotated[str, AfterValidator(well_formed)]


class IssueState(Frozen):
    repo: str  # owner/name
    number: int
    title: Text
    body: Text
    state: Literal["open", "closed"]
    labels: tuple[str, ...]
    author: str
    author_association: str
    created_at: datetime
    updated_at: datetime
    html_url: str
    # When it was last closed. GitHub keeps it when the issue is reopened, so an open issue
    # with closed_at was closed at that moment and reopened since.
    closed_at: datetime | None = None
    state_reason: str | None = None  # completed, not_planned, reopened, or None

    @property
    def ref(self) -> str:
        return f"{self.repo}#{self.number}"

    def closed_since(self, moment: datetime) -> bool:
        """Whether the issue was closed at or after ``moment`` (if it is open now, someone
        reopened it since). Without ``closed_at`` (a server that clears it on reopening)
        a ``reopened`` state reason is taken to mean yes."""
        if self.closed_at is not None:
            return self.closed_at >= moment
        return self.state_reason == "reopened"

    def has_label(self, name: str) -> bool:
        """GitHub compares label names without regard to case."""
        wanted = name.casefold()
        return any(label.casefold() == wanted for label in self.labels)


class CommentState(Frozen):
    id: int
    author: str
    body: Text
    created_at: datetime
    updated_at: datetime


class TicketLink(Frozen):
    """A Jira issue link, seen from one ticket: the link type and the ticket at the other end."""

    type: str  # the link type's name, e.g. "Relates"
    key: str


class TicketState(Frozen):
    key: str
    id: str | None = None  # Jira's numeric id, which Cloud search takes as reconcileIssues
    summary: Text
    status: str
    status_category: StatusCategory
    resolution: str | None = None
    priority: str | None = None
    assignee: str | None = None  # accountId on Cloud, username on Data Center
    due: date | None = None
    labels: tuple[str, ...] = ()
    created: datetime
    updated: datetime
    resolved: datetime | None = None
    url: str  # the ticket's page in the browser (…/browse/KEY)
    links: tuple[TicketLink, ...] = ()  # Jira issue links, in either direction
    # Wiki text (REST v2); None when empty or not read (pmsync.core.planning.descriptions).
    description: Text | None = None

    def age_key(self) -> tuple[datetime, int, str]:
        """Sort key, oldest first: creation time, then the key's number (Jira stamps
        tickets made in one second alike), then the key."""
        number = self.key.rpartition("-")[2]
        return (self.created, int(number) if number.isdigit() else 0, self.key)


class EarlierPostMortem(Frozen):
    """An earlier post-mortem the repeat search found, as the observe phase read it."""

    issue: IssueState
    postmortem: PostMortem  # its parsed body (candidates whose body has errors are left out)
    tickets: tuple[TicketState, ...] = ()  # read only for candidates that are related
    backlinked: bool = False  # carries pmsync's back-link to the post-mortem being planned


class RepeatObservation(Frozen):
    """What the repeat search found for one post-mortem."""

    candidates: tuple[EarlierPostMortem, ...] = ()


class CommitState(Frozen):
    """A commit on a repository's default branch, as GitHub's commit search finds it
    (it searches only default branches, so a commit it finds has shipped)."""

    repo: str  # owner/name
    sha: str
    message: Text
    html_url: str
    # The committer's date (for a merge commit, a squash or a rebase: when the change
    # reached the branch; a merged branch's own commits keep theirs); None: GitHub gave none.
    committed_at: datetime | None

    @property
    def ref(self) -> str:
        """GitHub's short autolink form, ``owner/name@1a2b3c4``."""
        return f"{self.repo}@{self.sha[:7]}"


class ShippedChange(Frozen):
    """A change that names a ticket's key and reached a default branch: a merged pull
    request or a commit. The evidence that the ticket's work shipped."""

    # Snapshots written before commits were searched hold pull requests only. Left out of
    # the snapshot for a pull request, so a pmsync that predates commits reads it still.
    kind: Literal["pull", "commit"] = "pull"
    ref: str  # owner/name#number, or owner/name@sha7 for a commit
    url: str
    merged: date  # the pull request's merge, or the commit's committer date

    @model_serializer(mode="wrap")
    def _leave_out_pull(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        data: dict[str, object] = handler(self)
        if self.kind == "pull":
            data.pop("kind", None)
        return data


class ShippedRecord(Frozen):
    """What the search for a done ticket's changes found (none: nothing). The status
    comment's snapshot keeps these, so that later runs do not search again
    (pmsync.core.planning.shipped)."""

    key: str
    # Named for what it first held; commits found by commit search are kept here too.
    pulls: tuple[ShippedChange, ...] = ()


class ShippedObservation(Frozen):
    """What this run's searches for merged pull requests and commits found, for the keys
    they searched."""

    found: tuple[ShippedRecord, ...] = ()


class ObservedPostMortem(Frozen):
    """Everything the planner needs to know about one post-mortem, read in one go.

    ``bot_comments`` holds only comments written by pmsync's own identity, so a comment
    someone else forged with a pmsync marker is never mistaken for ours.
    """

    issue: IssueState
    bot_comments: tuple[CommentState, ...] = ()
    tickets: tuple[TicketState, ...] = ()  # every ticket carrying this post-mortem's label
    remote_linked: tuple[str, ...] = ()  # keys known to carry the link back to the issue
    # Earlier post-mortems for repeat detection; None: not checked in this run, so the
    # planner leaves the repeat label and comments as they are.
    repeats: RepeatObservation | None = None
    # Changes naming the done tickets' keys, searched in this run; None: no
    # search in this run (the status comment's snapshot keeps what earlier runs found).
    shipped: ShippedObservation | None = None
