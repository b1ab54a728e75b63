"""What the emulated Jira site holds: users, projects, tickets and their comments and links.

The records are pydantic models so the whole state dumps to JSON and loads back in one
call (``snapshot``/``restore``). The store only keeps facts; how they look on the wire is
``shapes``, and what a request may change is ``fields``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from pmsync_sandbox.jira import catalog
from pmsync_sandbox.jira.profiles import DEFAULT_PROFILE, SiteProfile


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JiraUser(Record):
    account_id: str  # Cloud identity; on this site also the Data Center username
    name: str  # Data Center username
    display_name: str
    email: str
    token: str  # API token (Cloud, with the e-mail) and personal access token (Data Center)
    active: bool = True


class JiraProject(Record):
    id: str
    key: str
    name: str
    lead: str  # account id
    next_number: int = 1  # the number in the next ticket key, e.g. 3 for OPS-3


class RichText(Record):
    """Text as Jira keeps it: wiki markup (REST v2), and the document when v3 wrote one."""

    wiki: str
    adf: dict[str, Any] | None = None


class JiraComment(Record):
    id: str
    author: str
    update_author: str
    body: RichText
    created: datetime
    updated: datetime


class RemoteLink(Record):
    id: int
    global_id: str | None = None
    application: dict[str, Any] = Field(default_factory=dict)
    relationship: str | None = None
    object: dict[str, Any]


class IssueLink(Record):
    id: str
    type_id: str
    inward: str  # ticket id
    outward: str  # ticket id


class Ticket(Record):
    id: str
    key: str
    project: str  # project key
    issue_type: str  # catalog id
    summary: str
    description: RichText | None = None
    priority: str  # catalog id
    labels: list[str] = Field(default_factory=list)
    assignee: str | None = None  # account id
    reporter: str | None = None
    creator: str
    due: date | None = None
    status: str  # catalog id
    resolution: str | None = None  # catalog id
    resolved: datetime | None = None
    created: datetime
    updated: datetime
    status_category_changed: datetime
    comments: list[JiraComment] = Field(default_factory=list)
    remote_links: list[RemoteLink] = Field(default_factory=list)
    custom: dict[str, str] = Field(default_factory=dict)  # select field id -> option id

    @model_serializer(mode="wrap")
    def _without_empty_custom(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Only sites with custom fields (profiles) fill it: a ticket without any dumps as it
        # always has, so saved states and state files stay the same.
        data: dict[str, Any] = handler(self)
        if not data.get("custom"):
            data.pop("custom", None)
        return data

    @property
    def number(self) -> int:
        return int(self.key.rsplit("-", 1)[1])

    @property
    def category(self) -> catalog.StatusCategory:
        return catalog.by_id(catalog.STATUSES, self.status).category


class JiraState(Record):
    users: dict[str, JiraUser] = Field(default_factory=dict)  # by account id
    projects: dict[str, JiraProject] = Field(default_factory=dict)  # by key
    issues: dict[str, Ticket] = Field(default_factory=dict)  # by key, in creation order
    links: list[IssueLink] = Field(default_factory=list)
    next_project_id: int = 10000
    next_ticket_id: int = 10000
    next_comment_id: int = 10000
    next_remote_link_id: int = 10000
    next_link_id: int = 10000


SEED_USERS = (("alice", "Alice Adams"), ("bob", "Bob Baker"))
SEED_PROJECT = ("OPS", "Operations")


def default_token(account_id: str) -> str:
    """The API token (and Data Center personal access token) a user gets unless given one."""
    return f"jira-token-{account_id}"


class JiraStore:
    """The state plus the indexes and small operations every endpoint needs; ``site`` is
    the site's configuration (its profile), which the state does not hold."""

    def __init__(self, state: JiraState | None = None, site: SiteProfile = DEFAULT_PROFILE) -> None:
        self.state = state if state is not None else seed_state()
        self.site = site
        self._by_id = {t.id: t for t in self.state.issues.values()}
        # Jira Cloud's search index trails writes; with a lag of N, a new ticket stays out
        # of the enhanced search for the next N searches unless it is reconciled by id.
        self.search_lag = 0
        self._unindexed: dict[str, int] = {}  # ticket id -> searches it is still hidden for

    # ---- lookups ------------------------------------------------------------------------

    def ticket(self, ref: str) -> Ticket | None:
        """A ticket by id or by key (keys are matched ignoring case, as Jira does)."""
        return self.state.issues.get(ref.upper()) or self._by_id.get(ref)

    def tickets(self) -> list[Ticket]:
        return list(self.state.issues.values())

    def user(self, account_id: str) -> JiraUser | None:
        return self.state.users.get(account_id)

    def user_by_name(self, name: str) -> JiraUser | None:
        return next((u for u in self.state.users.values() if u.name == name), None)

    def user_by_token(self, token: str) -> JiraUser | None:
        return next((u for u in self.state.users.values() if u.token == token), None)

    def project(self, ref: str) -> JiraProject | None:
        """A project by key (ignoring case) or by id."""
        found = self.state.projects.get(ref.upper())
        return found or next((p for p in self.state.projects.values() if p.id == ref), None)

    def links_of(self, ticket: Ticket) -> list[IssueLink]:
        return [lk for lk in self.state.links if ticket.id in (lk.inward, lk.outward)]

    # ---- changes ------------------------------------------------------------------------

    def add_user(self, user: JiraUser) -> None:
        self.state.users[user.account_id] = user

    def add_project(self, key: str, name: str, lead: str) -> JiraProject:
        existing = self.state.projects.get(key.upper())
        if existing is not None:
            existing.name = name
            return existing
        project = JiraProject(
            id=str(self.state.next_project_id), key=key.upper(), name=name, lead=lead
        )
        self.state.next_project_id += 1
        self.state.projects[project.key] = project
        return project

    def new_ticket(self, project: JiraProject, **fields: Any) -> Ticket:
        ticket = Ticket(
            id=str(self.state.next_ticket_id),
            key=f"{project.key}-{project.next_number}",
            project=project.key,
            **fields,
        )
        self.state.next_ticket_id += 1
        project.next_number += 1
        self.state.issues[ticket.key] = ticket
        self._by_id[ticket.id] = ticket
        if self.search_lag:
            self._unindexed[ticket.id] = self.search_lag
        return ticket

    def indexed_tickets(self, reconciled: Iterable[int]) -> list[Ticket]:
        """What one enhanced search sees: every ticket but those not indexed yet (unless
        reconciled); the search itself brings every pending ticket one step closer."""
        shown = {str(issue_id) for issue_id in reconciled}
        visible = [
            t for t in self.state.issues.values() if t.id not in self._unindexed or t.id in shown
        ]
        self._unindexed = {i: n - 1 for i, n in self._unindexed.items() if n > 1}
        return visible

    def next_comment_id(self) -> str:
        self.state.next_comment_id += 1
        return str(self.state.next_comment_id - 1)

    def next_remote_link_id(self) -> int:
        self.state.next_remote_link_id += 1
        return self.state.next_remote_link_id - 1

    def add_link(self, type_id: str, inward: Ticket, outward: Ticket) -> IssueLink:
        """Link two tickets; linking them again with the same type changes nothing."""
        for link in self.state.links:
            if (link.type_id, link.inward, link.outward) == (type_id, inward.id, outward.id):
                return link
        link = IssueLink(
            id=str(self.state.next_link_id), type_id=type_id, inward=inward.id, outward=outward.id
        )
        self.state.next_link_id += 1
        self.state.links.append(link)
        return link


def seed_state() -> JiraState:
    """A fresh site: project OPS and the users alice and bob."""
    store = JiraStore(JiraState())
    for login, display_name in SEED_USERS:
        store.add_user(
            JiraUser(
                account_id=login,
                name=login,
                display_name=display_name,
                email=f"{login}@example.com",
                token=default_token(login),
            )
        )
    store.add_project(*SEED_PROJECT, lead=SEED_USERS[0][0])
    return store.state
