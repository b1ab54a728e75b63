"""GitHub, through PyGithub, in pmsync's terms: issues and comments in and out as state models.

No PyGithub object leaves this module. The client never retries by itself (PyGithub's
default policy repeats POSTs, so a comment whose answer was lost would be posted twice);
the retry wrapper decides, and every call it runs is one request: repositories and issues
are lazy, lists are read page by page, and objects are converted to models inside the call
that fetched them, so completing a lazy object can never send an uncounted request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import Literal

from github import Github
from github.Issue import Issue
from github.IssueComment import IssueComment
from github.IssueEvent import IssueEvent
from github.Label import Label
from github.PaginatedList import PaginatedList
from github.Repository import Repository

from pmsync.adapters.github_answers import comment_state, issue_state
from pmsync.adapters.github_client import pygithub_client
from pmsync.adapters.github_searches import GitHubReading
from pmsync.adapters.retry import Remote
from pmsync.config.settings import GitHubAuth
from pmsync.core.domain.markers import find_comment, has_marker
from pmsync.core.domain.state import CommentState, IssueState
from pmsync.errors import RemoteError, UnknownIdentity

log = logging.getLogger(__name__)

SERVICE = "github"
# The login the workflow's own token (``github.token``) posts as.
ACTIONS_BOT = "github-actions[bot]"
# The setting that names pmsync's login when its token cannot say (an App's token).
BOT_LOGIN_SETTING = "PMSYNC_BOT_LOGIN"


class GitHubAdapter(GitHubReading):
    def __init__(
        self,
        client: Github,
        remote: Remote,
        identity: str | None = None,
        *,
        workflow_token: bool = False,
    ) -> None:
        self._client = client
        self._remote = remote
        self._identity = identity
        self._workflow_token = workflow_token  # the token is the workflow's own github.token
        self._repos: dict[str, Repository] = {}
        self._labels: dict[str, set[str]] = {}  # repo -> its label names (case-folded)

    @classmethod
    def connect(
        cls,
        auth: GitHubAuth,
        *,
        remote: Remote,
        throttle: bool = True,
        identity: str | None = None,
        timeout: int = 30,
        repository: str | None = None,
        on_token: Callable[[str], None] = lambda token: None,
        workflow_token: str | None = None,
    ) -> GitHubAdapter:
        """A client for one run. ``identity`` names the login whose comments are pmsync's;
        by default it is asked of GitHub once. A GitHub App acts through the installation
        that covers ``repository``; the token minted for it is handed to ``on_token``.
        ``workflow_token`` is the workflow's own ``github.token``, when known: a token equal
        to it posts as the Actions bot."""
        client, token, identity = pygithub_client(
            auth,
            remote=remote,
            throttle=throttle,
            identity=identity,
            timeout=timeout,
            repository=repository,
            on_token=on_token,
        )
        ours = workflow_token is not None and workflow_token == token
        return cls(client, remote, identity, workflow_token=ours)

    def _repo(self, repo: str) -> Repository:
        if repo not in self._repos:
            self._repos[repo] = self._client.get_repo(repo)  # lazy client: no request
        return self._repos[repo]

    def _issue(self, repo: str, number: int) -> Issue:
        return self._repo(repo).get_issue(number)  # lazy: no request yet

    def _paths(self, repo: str, number: int | None = None) -> str:
        base = f"/repos/{repo}"
        return base if number is None else f"{base}/issues/{number}"

    # -- reads ----------------------------------------------------------------------------

    def identity(self) -> str:
        """pmsync's own login, asked once per run: ``GET /user``. An installation token may
        not ask (403): the workflow's own token is the Actions bot's, and any other (an App's
        token handed in) must be named, or pmsync could take another bot's copies of its
        markers for its own comments; it stops before any write."""
        if self._identity is None:
            try:
                self._identity = self._remote.read(
                    "GET", "/user", lambda: self._client.get_user().login
                )
            except RemoteError as exc:
                if exc.status != 403:
                    raise
                if not self._workflow_token:
                    raise UnknownIdentity(
                        "GitHub does not say whose token this is (GET /user is refused to "
                        "a GitHub App's installation token), so pmsync cannot tell its own "
                        f"comments; set {BOT_LOGIN_SETTING} to the App's bot login, "
                        "`<app-slug>[bot]` (actions/create-github-app-token's output "
                        "app-slug), or give GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY so that "
                        "pmsync mints the token itself"
                    ) from exc
                log.info("GET /user is refused to the workflow's token; acting as %s", ACTIONS_BOT)
                self._identity = ACTIONS_BOT
        return self._identity

    def issue(self, repo: str, number: int) -> IssueState:
        path = self._paths(repo, number)
        return self._remote.read("GET", path, lambda: issue_state(repo, self._issue(repo, number)))

    def open_postmortems(self, repo: str, label: str) -> tuple[IssueState, ...]:
        """Open issues (not pull requests) carrying ``label``, 100 per request."""
        return self.issues_with_label(repo, label, state="open")

    def issues_with_label(
        self, repo: str, label: str, state: Literal["open", "closed", "all"] = "all"
    ) -> tuple[IssueState, ...]:
        """Issues (not pull requests) carrying ``label``, 100 per request. The issues list,
        unlike search, shows an issue the moment it is created."""
        return self._issue_list(repo, self._repo(repo).get_issues(state=state, labels=[label]))

    def issues_updated_since(
        self, repo: str, since: datetime, label: str
    ) -> tuple[IssueState, ...]:
        """Every issue (not pull request) carrying ``label`` updated at or after ``since``,
        in any state, 100 per request: what changed since a sync
        (``pmsync.orchestration.cache``). The label is asked of GitHub, so the pull requests
        and other issues of a busy repository cost no pages."""
        listing = self._repo(repo).get_issues(state="all", since=since, labels=[label])
        return self._issue_list(repo, listing)

    def _issue_list(self, repo: str, listing: PaginatedList[Issue]) -> tuple[IssueState, ...]:
        """Every issue of a repository's issues list (``GET /repos/{repo}/issues``), page by
        page. The list includes pull requests; they are left out after paging, so that a
        page holding one still counts as full."""

        found = self._pages("GET", f"/repos/{repo}/issues", listing, partial(issue_state, repo))
        return tuple(issue for issue in found if "/pull/" not in issue.html_url)

    def comments_updated_since(
        self, repo: str, since: datetime
    ) -> tuple[tuple[int, CommentState], ...]:
        """Every issue comment of the repository created or edited at or after ``since``,
        with the number of its issue, 100 per request."""
        listing = self._repo(repo).get_issues_comments(since=since)

        def with_issue_number(comment: IssueComment) -> tuple[int, CommentState]:
            return int(comment.issue_url.rsplit("/", 1)[1]), comment_state(comment)

        return tuple(
            self._pages("GET", f"/repos/{repo}/issues/comments", listing, with_issue_number)
        )

    def bot_comments(self, repo: str, number: int) -> tuple[CommentState, ...]:
        """The issue's comments written by pmsync's own identity, oldest first."""
        me = self.identity()
        listing = self._issue(repo, number).get_comments()

        path = f"{self._paths(repo, number)}/comments"
        return tuple(c for c in self._pages("GET", path, listing, comment_state) if c.author == me)

    def label_added_by(self, repo: str, number: int, label: str) -> str | None:
        """Who added ``label`` to the issue most recently (its newest ``labeled`` event),
        or None when no event says so. Events come oldest first, 100 per request."""
        listing = self._issue(repo, number).get_events()
        wanted = label.casefold()

        def adder(event: IssueEvent) -> str | None:
            # ``event.event`` first: reading ``label`` on an event without one would make
            # PyGithub complete the object with a request of its own.
            if (
                event.event == "labeled"
                and event.label is not None
                and event.label.name.casefold() == wanted
            ):
                return event.actor.login if event.actor else None
            return None

        path = f"{self._paths(repo, number)}/events"
        adders = [login for login in self._pages("GET", path, listing, adder) if login]
        return adders[-1] if adders else None

    def permission(self, repo: str, login: str) -> str:
        """``login``'s permission on ``repo`` as GitHub names it (admin, write, read, none);
        a login GitHub does not know (404) has none."""
        path = f"/repos/{repo}/collaborators/{login}/permission"
        try:
            return self._remote.read(
                "GET", path, lambda: self._repo(repo).get_collaborator_permission(login)
            )
        except RemoteError as exc:
            if exc.status != 404:
                raise
            return "none"

    # -- writes ---------------------------------------------------------------------------

    def create_comment(self, repo: str, number: int, body: str, marker: str) -> CommentState:
        """Post a comment that begins with ``marker``. If the answer is lost, the comments
        are read again and one already carrying the marker is taken as this one."""
        path = f"{self._paths(repo, number)}/comments"

        def post() -> CommentState:
            return comment_state(self._issue(repo, number).create_comment(body))

        def took_effect() -> CommentState | None:
            return find_comment(self.bot_comments(repo, number), marker)

        return self._remote.create("POST", path, post, took_effect)

    def edit_comment(self, repo: str, number: int, comment_id: int, body: str) -> CommentState:
        def patch() -> CommentState:
            comment = self._issue(repo, number).get_comment(comment_id)  # lazy
            comment.edit(body)
            return comment_state(comment)

        return self._remote.write("PATCH", f"/repos/{repo}/issues/comments/{comment_id}", patch)

    def delete_comment(self, repo: str, number: int, comment_id: int) -> bool:
        """Delete a comment; False when it was gone already (404), as after a run that
        deleted it and died before it heard the answer. Sending it twice changes nothing."""
        path = f"/repos/{repo}/issues/comments/{comment_id}"
        try:
            self._remote.write(
                "DELETE", path, lambda: self._issue(repo, number).get_comment(comment_id).delete()
            )
        except RemoteError as exc:
            if exc.status != 404:
                raise
            return False
        return True

    def react(self, repo: str, number: int, comment_id: int, content: str) -> None:
        """GitHub keeps one reaction of a kind per person (a second answers 200), so
        sending it twice changes nothing."""

        def post() -> None:
            self._issue(repo, number).get_comment(comment_id).create_reaction(content)  # lazy

        self._remote.write("POST", f"/repos/{repo}/issues/comments/{comment_id}/reactions", post)

    def rewrite_body(
        self,
        repo: str,
        number: int,
        rewrite: Callable[[str], str],
        relabel: Callable[[tuple[str, ...]], tuple[str, ...]] | None = None,
    ) -> tuple[IssueState, bool]:
        """Edit the issue's body by ``rewrite``; True when it was edited. ``rewrite`` is
        given the body as read right before the edit, so an edit the author made since the
        run began is kept, and nothing is sent when it returns the body unchanged. With
        ``relabel`` the same ``PATCH`` carries the labels: GitHub replaces the issue's
        labels with the list given, so the list is ``relabel`` of the labels that same read
        found (ADR 8)."""
        current = self.issue(repo, number)
        body = rewrite(current.body)
        if body == current.body:
            return current, False
        labels = current.labels if relabel is None else relabel(current.labels)
        if labels == current.labels:
            return self._edit_issue(repo, number, lambda issue: issue.edit(body=body)), True
        edit = partial(Issue.edit, body=body, labels=list(labels))
        return self._edit_issue(repo, number, edit), True

    def set_state(self, repo: str, number: int, state: Literal["open", "closed"]) -> IssueState:
        return self._edit_issue(repo, number, lambda issue: issue.edit(state=state))

    def _edit_issue(self, repo: str, number: int, edit: Callable[[Issue], None]) -> IssueState:
        def patch() -> IssueState:
            issue = self._issue(repo, number)
            edit(issue)  # PATCH; PyGithub takes the issue as GitHub answers it
            return issue_state(repo, issue)

        return self._remote.write("PATCH", self._paths(repo, number), patch)

    def add_labels(self, repo: str, number: int, labels: Sequence[str]) -> None:
        """Adding labels an issue already has changes nothing, so this may be retried."""
        if not labels:
            return
        path = f"{self._paths(repo, number)}/labels"
        self._remote.write("POST", path, lambda: self._issue(repo, number).add_to_labels(*labels))

    def remove_label(self, repo: str, number: int, label: str) -> None:
        """A label already gone (404) counts as removed."""
        path = f"{self._paths(repo, number)}/labels/{label}"
        try:
            self._remote.write(
                "DELETE", path, lambda: self._issue(repo, number).remove_from_labels(label)
            )
        except RemoteError as exc:
            if exc.status != 404:
                raise

    def repo_labels(self, repo: str) -> set[str]:
        """The repository's label names, case-folded (GitHub compares them so); listed once
        per run, 100 per request, and kept up to date by ``ensure_repo_label``."""
        if repo not in self._labels:
            listing = self._repo(repo).get_labels()

            def folded(label: Label) -> str:
                return label.name.casefold()

            self._labels[repo] = set(self._pages("GET", f"/repos/{repo}/labels", listing, folded))
        return self._labels[repo]

    def ensure_repo_label(self, repo: str, name: str, color: str, description: str) -> bool:
        """Create a repository label unless it exists; True if created. Only a label the
        run's listing lacks costs a request (one that appeared meanwhile answers 422)."""
        known = self.repo_labels(repo)
        if name.casefold() in known:
            return False
        try:
            self._remote.write(
                "POST",
                f"/repos/{repo}/labels",
                lambda: self._repo(repo).create_label(name, color, description),
            )
        except RemoteError as exc:
            if exc.status != 422:
                raise
            created = False
        else:
            created = True
        known.add(name.casefold())
        return created

    def create_issue(
        self, repo: str, title: str, body: str, labels: Sequence[str], marker: str
    ) -> IssueState:
        """Open an issue whose body begins with ``marker`` and that carries ``labels[0]``.
        If the answer is lost, the issues with that label are read again and one whose
        body carries the marker is taken as this one."""

        def post() -> IssueState:
            return issue_state(
                repo, self._repo(repo).create_issue(title, body=body, labels=list(labels))
            )

        def took_effect() -> IssueState | None:
            found = [
                issue
                for issue in self.issues_with_label(repo, labels[0])
                if has_marker(issue.body, marker)
            ]
            return min(found, key=lambda issue: issue.number, default=None)

        return self._remote.create("POST", f"/repos/{repo}/issues", post, took_effect)

    def edit_issue(self, repo: str, number: int, *, title: str, body: str) -> IssueState:
        return self._edit_issue(repo, number, lambda issue: issue.edit(title=title, body=body))
