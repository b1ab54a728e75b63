"""Jira, through the ``jira`` library, in pmsync's terms: tickets in and out as ``TicketState``.

The library provides the session (authentication, error parsing); every request is sent here
explicitly, one request per wrapped call, so the retry policy and the request counts see each one.
Library traps avoided (see DESIGN.md): the session's own retries are off (``max_retries=0``),
``serverInfo`` is read at most once per run, tickets are created in bulk without the re-read
``create_issue`` does, and remote links are posted directly (``add_remote_link`` calls the
admin-only application-links endpoint first). Searches are plain GETs (``search_issues`` first
downloads the field list) to REST v2, which gives descriptions as wiki text.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any, Literal, TypeVar

import requests
from jira import JIRA

from pmsync.adapters.jira_answers import (
    TICKET_FIELDS,
    bulk_errors,
    create_fields,
    item_refusals,
    numeric_id,
    pick_resolution,
    target_category,
    ticket_state,
    unique_tickets,
    user_ref,
)
from pmsync.adapters.jira_descriptions import Rewritten, rewrite_description
from pmsync.adapters.jira_site import JiraSite
from pmsync.adapters.jql import jql_list
from pmsync.adapters.retry import Remote
from pmsync.core.domain.changes import NewTicket
from pmsync.core.domain.identity import DUPLICATE_LABEL, item_ids_in, item_label
from pmsync.core.domain.site import CreateScreen, TicketsRefused
from pmsync.core.domain.state import TicketState
from pmsync.core.planning.batches import batches
from pmsync.core.planning.matching import without_closed_duplicates

log = logging.getLogger(__name__)

Deployment = Literal["cloud", "datacenter"]

SERVICE = "jira"
PAGE_SIZE = 100  # the most Jira returns per search page; also the batch size of JQL lists
BULK_SIZE = 50  # the most /rest/api/2/issue/bulk accepts in one request
RECONCILE_LIMIT = 50  # the most ids a search takes as reconcileIssues
_DUPLICATE_RESOLUTIONS = ("Duplicate", "Won't Do")
BULK_PATH = "/rest/api/2/issue/bulk"

T = TypeVar("T")


def authenticated_session(client: JIRA) -> requests.Session:
    """The ``requests`` session the ``jira`` client authenticated, through which every
    request is sent here, one counted request each. ``JIRA`` has no public accessor for it
    (``JIRA.session()`` asks Jira for the user's session, a request of its own): ADR 5."""
    session: requests.Session = client._session
    return session


class JiraAdapter:
    def __init__(
        self,
        client: JIRA,
        remote: Remote,
        deployment: Deployment,
        server_url: str,
        api_url: str | None = None,
    ) -> None:
        self._client = client
        self._remote = remote
        self.deployment = deployment
        self._server = server_url.rstrip("/")
        self._api = (api_url or server_url).rstrip("/")
        self._accounts: dict[str, str | None] = {}  # e-mail -> account, for this run
        self._created_ids: list[str] = []  # handed to Cloud search for read-after-write

    @property
    def server_url(self) -> str:
        """The site people open: the links pmsync writes are made from it."""
        return self._server

    @property
    def api_url(self) -> str:
        """Where requests go: the site, or api.atlassian.com/ex/jira/CLOUD_ID (service accounts)."""
        return self._api

    @property
    def site(self) -> JiraSite:
        """Reads about the site itself, through this adapter's session and retries."""
        return JiraSite(self._read, self.deployment, self._read_on_site)

    def create_screen(self, project: str, issue_type: str) -> CreateScreen | None:
        return self.site.create_screen(project, issue_type)

    @classmethod
    def connect(
        cls,
        url: str,
        token: str,
        *,
        email: str | None,
        deployment: Literal["auto", "cloud", "datacenter"],
        remote: Remote,
        timeout: float = 30,
        api_url: str | None = None,
    ) -> JiraAdapter:
        """A client for one run: basic auth with an e-mail (Cloud), else a personal access token
        (Data Center); ``auto`` asks serverInfo once. Requests go to ``api_url``."""
        auth: dict[str, Any] = {"basic_auth": (email, token)} if email else {"token_auth": token}
        client = JIRA(
            server=api_url or url,
            max_retries=0,
            get_server_info=False,
            timeout=timeout,
            options={"check_update": False},
            **auth,
        )
        adapter = cls(client, remote, "cloud", url, api_url)
        if deployment == "auto":
            info = adapter._read("GET", "/rest/api/2/serverInfo")
            deployment = "cloud" if info.get("deploymentType") == "Cloud" else "datacenter"
        adapter.deployment = deployment
        log.debug("Jira at %s is %s", adapter.api_url, deployment)
        return adapter

    # -- requests -------------------------------------------------------------------------

    def _send(
        self, method: str, path: str, params: Mapping[str, Any] | None, body: Any, base: str = ""
    ) -> Any:
        response = authenticated_session(self._client).request(
            method,
            (base or self._api) + path,
            params=params,
            data=json.dumps(body) if body is not None else None,
        )
        return response.json() if response.content else None

    def _read_on_site(self, path: str) -> Any:
        """A read from the site itself, not the API URL (``/_edge/tenant_info``)."""
        return self._remote.read(
            "GET", path, lambda: self._send("GET", path, None, None, self._server)
        )

    def _read(self, method: str, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self._remote.read(method, path, lambda: self._send(method, path, params, None))

    def _write(self, method: str, path: str, body: Any) -> Any:
        return self._remote.write(method, path, lambda: self._send(method, path, None, body))

    def _create(
        self, method: str, path: str, body: Any, took_effect: Callable[[], T | None]
    ) -> Any:
        return self._remote.create(
            method, path, lambda: self._send(method, path, None, body), took_effect
        )

    # -- reads ----------------------------------------------------------------------------

    def tickets_with_labels(
        self, labels: Sequence[str], *, known_ids: Collection[str] = ()
    ) -> tuple[TicketState, ...]:
        """Every ticket carrying any of ``labels``, oldest first; one query per 100 labels.
        Tickets closed as duplicates are read too: which tickets count is the planner's
        decision (``pmsync.core.planning.matching.without_closed_duplicates``).

        ``known_ids`` are Jira ids of tickets an earlier run recorded (the status
        comment's snapshot): on Cloud they go with the search as ``reconcileIssues``, so
        a search index that still lags behind their creation cannot hide them."""
        found = [
            ticket
            for batch in batches(sorted(set(labels)), PAGE_SIZE)
            for ticket in self._search(
                f"labels in {jql_list(batch)} ORDER BY created ASC", known_ids
            )
        ]
        return tuple(unique_tickets(found))

    def tickets_updated(self, projects: Sequence[str], minutes: int) -> tuple[TicketState, ...]:
        """Every ticket of ``projects`` updated in the last ``minutes`` minutes, as Jira's clock
        counts them: what changed since a sync (``pmsync.orchestration.cache``). A relative time,
        because JQL reads a date in the time zone of the Jira user, which pmsync cannot know."""
        jql = (
            f"project in {jql_list(sorted(set(projects)))} "
            f'AND updated >= "-{max(1, minutes)}m" ORDER BY updated ASC'
        )
        return tuple(unique_tickets(list(self._search(jql))))

    def _search(self, jql: str, known_ids: Collection[str] = ()) -> Iterator[TicketState]:
        if self.deployment == "datacenter":
            yield from self._search_datacenter(jql)  # its search is consistent with writes
            return
        for reconcile in self._reconcile_batches(known_ids):
            yield from self._search_cloud(jql, reconcile)

    def _reconcile_batches(self, known_ids: Collection[str]) -> list[Sequence[str]]:
        """The ``reconcileIssues`` lists for one Cloud search: the known ids, then the newest 50
        this run created. Jira takes at most 50 ids a request, so more make one search per 50
        (the union of their answers is the whole result)."""
        known = sorted(set(known_ids), key=numeric_id)
        created = [i for i in self._created_ids[-RECONCILE_LIMIT:] if i not in known]
        wanted = [*known, *created]
        return batches(wanted, RECONCILE_LIMIT) or [[]]

    def _search_cloud(self, jql: str, reconcile: Sequence[str]) -> Iterator[TicketState]:
        token: str | None = None
        while True:
            params: dict[str, Any] = {
                "jql": jql,
                "fields": ",".join(TICKET_FIELDS),
                "maxResults": PAGE_SIZE,
            }
            if reconcile:
                # The same list on every page, as Jira asks.
                params["reconcileIssues"] = list(reconcile)
            if token:
                params["nextPageToken"] = token
            page = self._read("GET", "/rest/api/2/search/jql", params)
            yield from (
                ticket_state(raw, self.deployment, self._server) for raw in page.get("issues", [])
            )
            token = page.get("nextPageToken")
            if page.get("isLast", True) or not token:
                return

    def _search_datacenter(self, jql: str) -> Iterator[TicketState]:
        start = 0
        while True:
            params = {
                "jql": jql,
                "fields": ",".join(TICKET_FIELDS),
                "startAt": start,
                "maxResults": PAGE_SIZE,
            }
            page = self._read("GET", "/rest/api/2/search", params)
            issues = page.get("issues", [])
            yield from (ticket_state(raw, self.deployment, self._server) for raw in issues)
            start += len(issues)
            if not issues or start >= int(page.get("total", 0)):
                return

    def account_for_email(self, email: str) -> str | None:
        """The Jira account (accountId on Cloud, username on Data Center) with this e-mail address;
        one user search per address and run."""
        if email not in self._accounts:
            key = "query" if self.deployment == "cloud" else "username"
            users = self._read("GET", "/rest/api/2/user/search", {key: email}) or []
            field = "accountId" if self.deployment == "cloud" else "name"
            self._accounts[email] = next((u[field] for u in users if u.get(field)), None)
        return self._accounts[email]

    # -- writes ---------------------------------------------------------------------------

    def create_tickets(
        self, tickets: Sequence[NewTicket], *, claimed: Collection[str] = ()
    ) -> tuple[TicketState, ...]:
        """Create ``tickets`` in bulk (50 per request) and return every ticket carrying their item
        labels as Jira now holds them, read back by id. The identity labels travel in the create
        request itself. A create whose answer was lost is followed by a search for its item
        labels, and only what is still missing is sent again. Tickets ``claimed`` (by key) by the
        post-mortem's rows belong to other items whatever labels they carry: they do not count as
        created. A second ticket for an item (another run at the same time) comes back too; the
        next round of the plan closes the later one as a duplicate."""
        labels = [item_label(ticket.item_id) for ticket in tickets]
        reasons: dict[str, str] = {}
        self._refused_detail: list[str] = []
        for batch in batches(list(tickets), BULK_SIZE):
            reasons.update(self._create_batch(batch, claimed))
        held = self.tickets_with_labels(labels)
        if reasons:
            # Jira creates the valid tickets of a batch and refuses the rest (201 anyway):
            # those it created are handed back with the refusal, to be recorded at once.
            raise TicketsRefused(BULK_PATH, " | ".join(self._refused_detail), held, reasons)
        return held

    def _create_batch(self, batch: Sequence[NewTicket], claimed: Collection[str]) -> dict[str, str]:
        """Jira's reasons per refused item id (none when all were created)."""
        landed: set[str] = set()  # item ids known to have a ticket
        sent: list[str] = []  # item ids of the last request, in order

        def missing() -> list[NewTicket]:
            return [t for t in batch if t.item_id not in landed]

        def post() -> dict[str, Any]:
            sent[:] = [t.item_id for t in missing()]
            fields = [create_fields(t, self.deployment) for t in missing()]
            body = {"issueUpdates": [{"fields": f} for f in fields]}
            answer: dict[str, Any] = self._send("POST", BULK_PATH, None, body) or {}
            self._created_ids += [issue["id"] for issue in answer.get("issues", [])]
            return answer

        def took_effect() -> dict[str, Any] | None:
            # A ticket closed as a duplicate does not stand for its item.
            present = without_closed_duplicates(
                self.tickets_with_labels([item_label(t.item_id) for t in batch])
            )
            landed.update(
                item for t in present if t.key not in claimed for item in item_ids_in(t.labels)
            )
            return {} if not missing() else None

        answer = self._remote.create("POST", BULK_PATH, post, took_effect)
        if answer.get("errors"):
            self._refused_detail.append(bulk_errors(answer["errors"]))
        return item_refusals(answer.get("errors") or [], sent)

    def close_as_duplicate(self, ticket: TicketState, comment: str) -> None:
        """Close first, then comment and label: the planner leaves labelled tickets out, so a
        run that died after labelling would have left the duplicate open for good. Closed but
        not yet labelled, it is still found, and closing it again only comments and labels it;
        the label, read again just before, says whether another run did so since."""
        if ticket.status_category != "done":
            self._transition_to_done(ticket.key)
        if DUPLICATE_LABEL not in self._labels(ticket.key):
            self.comment_and_label(ticket.key, comment, (DUPLICATE_LABEL,))

    def _transition_to_done(self, key: str) -> None:
        path = f"/rest/api/2/issue/{key}/transitions"
        answer = self._read("GET", path, {"expand": "transitions.fields"})
        transitions = answer.get("transitions", [])
        done = next((t for t in transitions if target_category(t) == "done"), None)
        if done is None:
            log.warning("%s has no transition to a done status; left open", key)
            return
        body: dict[str, Any] = {"transition": {"id": done["id"]}}
        field = done.get("fields", {}).get("resolution")
        resolution = pick_resolution(field, _DUPLICATE_RESOLUTIONS)
        if resolution:
            body["fields"] = {"resolution": {"name": resolution}}

        def closed() -> bool | None:
            raw = self._read("GET", f"/rest/api/2/issue/{key}", {"fields": "status"})
            status = raw.get("fields", {}).get("status") or {}
            return True if (status.get("statusCategory") or {}).get("key") == "done" else None

        self._create("POST", path, body, closed)

    def _labels(self, key: str) -> set[str]:
        raw = self._read("GET", f"/rest/api/2/issue/{key}", {"fields": "labels"})
        return set(raw.get("fields", {}).get("labels") or ())

    def add_remote_link(self, key: str, url: str, title: str) -> None:
        """Link ``key`` back to ``url``. The ``globalId`` makes a repeat update the same link
        instead of adding a second one, so this write may be retried."""
        body = {"globalId": url, "object": {"url": url, "title": title}}
        self._write("POST", f"/rest/api/2/issue/{key}/remotelink", body)

    def edit_ticket(self, key: str, fields: Mapping[str, str | None]) -> None:
        """Set fields (summary, description, priority, duedate, assignee)."""
        payload: dict[str, Any] = {}
        for name, value in fields.items():
            if name == "priority":
                payload[name] = {"name": value} if value else None
            elif name == "assignee":
                payload[name] = user_ref(value, self.deployment)
            else:
                payload[name] = value
        self._write("PUT", f"/rest/api/2/issue/{key}", {"fields": payload})

    def rewrite_description(self, key: str, part: str, legacy: Sequence[str]) -> Rewritten:
        return rewrite_description(self._read, self._write, key, part, legacy)

    def comment_and_label(self, key: str, body: str, add_labels: Sequence[str]) -> None:
        """A comment and labels in one edit: the labels record that the comment was written, so a
        lost answer is checked by re-reading the labels, never by commenting twice."""
        path = f"/rest/api/2/issue/{key}"
        update = {
            "comment": [{"add": {"body": body}}],
            "labels": [{"add": label} for label in add_labels],
        }

        def labelled() -> bool | None:
            return True if set(add_labels) <= self._labels(key) else None

        self._create("PUT", path, {"update": update}, labelled)

    def link_tickets(self, inward: str, outward: str, link_type: str) -> None:
        body = {
            "type": {"name": link_type},
            "inwardIssue": {"key": inward},
            "outwardIssue": {"key": outward},
        }

        def linked() -> bool | None:
            raw = self._read("GET", f"/rest/api/2/issue/{inward}", {"fields": "issuelinks"})
            for link in raw.get("fields", {}).get("issuelinks") or ():
                other = link.get("outwardIssue") or link.get("inwardIssue") or {}
                same_type = (link.get("type") or {}).get("name") == link_type
                if same_type and other.get("key") == outward:
                    return True
            return None

        self._create("POST", "/rest/api/2/issueLink", body, linked)
