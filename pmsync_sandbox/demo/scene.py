"""What GitHub and Jira hold at one moment, and what changed between two moments.

The narration reads the sandbox's state (``GET /_sandbox/state``, which is neither logged
nor counted) before and after each pmsync run, and says in one line per change what a
person watching the issue and the tickets would notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pmsync.core.domain import markers
from pmsync_sandbox.demo import StoryBroke

_LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*\)")
_JIRA_LINK = re.compile(r"\[([^\]|]*)\|[^\]]*\]")  # Jira wiki markup: [text|url]
_JIRA_ESCAPE = re.compile(r"\\(\S)")  # … and \# for a literal #


@dataclass(frozen=True)
class IssueView:
    repo: str
    number: int
    title: str
    body: str
    state: str
    labels: tuple[str, ...]
    user: str

    @property
    def ref(self) -> str:
        return f"{self.repo}#{self.number}"


@dataclass(frozen=True)
class CommentView:
    id: int
    repo: str
    number: int
    user: str
    body: str

    @property
    def headline(self) -> str:
        return headline(self.body)


@dataclass(frozen=True)
class TicketView:
    key: str
    summary: str
    assignee: str | None
    due: str | None
    labels: tuple[str, ...]
    comments: tuple[tuple[str, str], ...]  # (author, first line), oldest first
    remote_links: int


@dataclass(frozen=True)
class Scene:
    issues: dict[tuple[str, int], IssueView]
    comments: dict[int, CommentView]
    tickets: dict[str, TicketView]
    links: frozenset[tuple[str, str]]  # (ticket key, ticket key), as Jira links them

    @classmethod
    def of(cls, state: dict[str, Any]) -> Scene:
        """Read the sandbox state (docs/sandbox.md, "Reset and state")."""
        issues: dict[tuple[str, int], IssueView] = {}
        comments: dict[int, CommentView] = {}
        for repo, held in state["github"]["repos"].items():
            for raw in held["issues"].values():
                issues[repo, raw["number"]] = IssueView(
                    repo=repo,
                    number=raw["number"],
                    title=raw["title"],
                    body=raw["body"] or "",
                    state=raw["state"],
                    labels=tuple(raw["labels"]),
                    user=raw["user"],
                )
            for raw in held["comments"].values():
                comments[raw["id"]] = CommentView(
                    raw["id"], repo, raw["issue_number"], raw["user"], raw["body"]
                )
        jira = state["jira"]
        tickets = {
            key: TicketView(
                key=key,
                summary=raw["summary"],
                assignee=raw["assignee"],
                due=raw["due"],
                labels=tuple(raw["labels"]),
                comments=tuple((c["author"], _first_line(c["body"])) for c in raw["comments"]),
                remote_links=len(raw["remote_links"]),
            )
            for key, raw in jira["issues"].items()
        }
        key_of = {raw["id"]: key for key, raw in jira["issues"].items()}
        links = frozenset((key_of[lk["outward"]], key_of[lk["inward"]]) for lk in jira["links"])
        return cls(issues, comments, tickets, links)

    def comments_on(self, repo: str, number: int) -> list[CommentView]:
        return [c for c in self.comments.values() if (c.repo, c.number) == (repo, number)]

    def marked(self, repo: str, number: int, marker: str) -> CommentView:
        """The comment on that issue that carries pmsync's hidden ``marker``."""
        for comment in self.comments_on(repo, number):
            if markers.has_marker(comment.body, marker):
                return comment
        raise StoryBroke(f"{repo}#{number} has no comment marked {marker}")


def _first_line(body: dict[str, Any]) -> str:
    """A Jira comment's first line as text (the sandbox keeps wiki markup, or ADF)."""
    wiki = body.get("wiki") or ""
    line = next((line.strip() for line in wiki.splitlines() if line.strip()), "")
    return _JIRA_ESCAPE.sub(r"\1", _JIRA_LINK.sub(r"\1", line))


def headline(body: str) -> str:
    """A comment's first heading, else its first line of text: what catches the eye."""
    lines = [line.strip() for line in body.splitlines()]
    text = [line for line in lines if line and not line.startswith("<!--")]
    heading = next((line for line in text if line.startswith("#")), None)
    chosen = heading or (text[0] if text else "")
    return plain(chosen.lstrip("#").strip())


def plain(markdown: str) -> str:
    """One line of markdown as text: links become their text, bold marks go."""
    return _LINK.sub(r"\1", markdown).replace("**", "")


def what_changed(before: Scene, after: Scene, bot: str) -> list[str]:
    """One line per change a person would notice, GitHub first, then Jira."""
    return [
        *_new_issues(before, after, bot),
        *_issue_changes(before, after),
        *_comment_changes(before, after, bot),
        *_ticket_changes(before, after),
    ]


def _new_issues(before: Scene, after: Scene, bot: str) -> list[str]:
    return [
        f"{issue.ref}: {bot} opened “{issue.title}”"
        for where, issue in after.issues.items()
        if where not in before.issues and issue.user == bot
    ]


def _issue_changes(before: Scene, after: Scene) -> list[str]:
    lines: list[str] = []
    for where, now in after.issues.items():
        was = before.issues.get(where)
        if was is None:
            continue
        if now.body != was.body:
            lines.append(f"{now.ref}: the issue body was edited (the Ticket column)")
        added = [label for label in now.labels if label not in was.labels]
        removed = [label for label in was.labels if label not in now.labels]
        if added or removed:
            changes = [f"+{label}" for label in added] + [f"-{label}" for label in removed]
            lines.append(f"{now.ref}: labels {' '.join(changes)}")
        if now.state != was.state:
            lines.append(f"{now.ref}: the issue is now {now.state}")
    return lines


def _comment_changes(before: Scene, after: Scene, bot: str) -> list[str]:
    lines: list[str] = []
    for comment_id, comment in after.comments.items():
        if comment.user != bot:
            continue
        ref = f"{comment.repo}#{comment.number}"
        was = before.comments.get(comment_id)
        if was is None:
            lines.append(f"{ref}: {bot} commented “{comment.headline}”")
        elif was.body != comment.body:
            lines.append(f"{ref}: {bot} updated its comment, now “{comment.headline}”")
    return lines


def _ticket_changes(before: Scene, after: Scene) -> list[str]:
    lines: list[str] = []
    for key, ticket in after.tickets.items():
        was = before.tickets.get(key)
        if was is None:
            owner = ticket.assignee or "unassigned"
            linked = ", links back to the issue" if ticket.remote_links else ""
            lines.append(
                f"Jira: {key} created, “{ticket.summary}” ({owner}, due {ticket.due}{linked})"
            )
            continue
        edited = [
            f"{name} {old or 'none'} → {new or 'none'}"
            for name, old, new in (
                ("assignee", was.assignee, ticket.assignee),
                ("due date", was.due, ticket.due),
            )
            if old != new
        ]
        if ticket.summary != was.summary:
            edited.insert(0, "summary")
        if edited:
            lines.append(f"Jira: {key} changed ({', '.join(edited)})")
        added = [label for label in ticket.labels if label not in was.labels]
        if added:
            lines.append(f"Jira: {key} labels {' '.join(f'+{label}' for label in added)}")
        if ticket.remote_links > was.remote_links:
            lines.append(f"Jira: {key} links back to the issue")
        for author, line in ticket.comments[len(was.comments) :]:
            lines.append(f"Jira: {author} commented on {key}: “{line}”")
    new_links = sorted(after.links - before.links, key=lambda pair: (pair[1], pair[0]))
    lines += [f"Jira: {inward} linked to {outward}" for outward, inward in new_links]
    return lines


def paragraphs(body: str) -> list[str]:
    """The lines of text of a comment, without its headings and hidden markers."""
    lines = [line.strip() for line in body.splitlines()]
    return [plain(line) for line in lines if line and not line.startswith(("#", "<!--"))]


def bullets(body: str) -> list[str]:
    """The list items of a comment, as plain text (for quoting them in the narration)."""
    items = [line.strip()[2:] for line in body.splitlines() if line.strip().startswith("- ")]
    return [plain(item) for item in items]


def table_rows(markdown: str, header: str = "|") -> list[str]:
    """The body rows of the first table in ``markdown`` whose header line starts with
    ``header``, each as "first cell: second cell"."""
    rows: list[str] = []
    lines = markdown.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(header)), len(lines))
    for line in lines[start:]:
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rows.append(f"{plain(cells[0])}: {plain(cells[1])}" if len(cells) > 1 else plain(cells[0]))
    return rows[2:]  # header and separator rows
