"""What a person would see at the end of the story, written as markdown files.

Each issue thread (the body and every comment, in order) becomes one file, every Jira
ticket goes into one file, and ``index.md`` retells the story with links to them. The
threads and tickets are read the way a person reads them: through the REST APIs, as
alice. Links into the sandbox (which is gone once the demo ends) are rewritten to point
at the files, so the folder can be browsed on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmsync.errors import UsageError
from pmsync_sandbox.demo import render_demo
from pmsync_sandbox.demo.narrator import Narrator
from pmsync_sandbox.demo.people import PROJECT, REPO, DemoPerson
from pmsync_sandbox.demo.scene import CommentView
from pmsync_sandbox.demo.world import KeptFile, RequestRow
from pmsync_sandbox.runner import SandboxControl

INDEX_FILE = "index.md"
JIRA_FILE = "jira-tickets.md"
OWNED_MARK = ".pmsync-demo"  # says a folder holds a demo's output and may be replaced
TICKET_FIELDS = (
    "summary,status,resolution,priority,assignee,reporter,duedate,labels,description,"
    "comment,issuelinks,created"
)


def thread_file(repo: str, number: int) -> str:
    return f"{repo.replace('/', '-')}-{number}.md"


@dataclass(frozen=True)
class Post:
    author: str
    created: str
    updated: str
    body: str

    @property
    def edited(self) -> bool:
        return self.updated != self.created


@dataclass(frozen=True)
class Thread:
    repo: str
    number: int
    title: str
    state: str
    labels: tuple[str, ...]
    posts: tuple[Post, ...]  # the issue body first, then the comments

    @property
    def file(self) -> str:
        return thread_file(self.repo, self.number)


@dataclass(frozen=True)
class TicketPage:
    key: str
    summary: str
    status: str
    category: str
    resolution: str | None
    priority: str
    assignee: str | None
    reporter: str | None
    due: str | None
    labels: tuple[str, ...]
    description: str
    comments: tuple[Post, ...]
    remote_links: tuple[tuple[str, str], ...]  # (title, url)
    issue_links: tuple[tuple[str, str], ...]  # ("relates to", "OPS-1")


# --- reading ------------------------------------------------------------------------------


def read_threads(reader: DemoPerson) -> list[Thread]:
    repo = reader.repo()
    threads = []
    for issue in sorted(repo.get_issues(state="all"), key=lambda found: found.number):
        opened = _when(issue.created_at)
        opening = Post(issue.user.login, opened, opened, issue.body or "")
        comments = tuple(
            Post(c.user.login, _when(c.created_at), _when(c.updated_at), c.body)
            for c in issue.get_comments()
        )
        threads.append(
            Thread(
                REPO,
                issue.number,
                issue.title,
                issue.state,
                tuple(label.name for label in issue.labels),
                (opening, *comments),
            )
        )
    return threads


def read_tickets(reader: DemoPerson) -> list[TicketPage]:
    found = reader.jira.search_issues(
        f"project = {PROJECT} ORDER BY created ASC", fields=TICKET_FIELDS, maxResults=False
    )
    return [_ticket(reader, issue) for issue in found]


def _ticket(reader: DemoPerson, issue: Any) -> TicketPage:
    fields = issue.fields
    comments = tuple(
        Post(c.author.displayName, _jira_when(c.created), _jira_when(c.updated), c.body)
        for c in fields.comment.comments
    )
    remote = tuple(
        (link.object.title, link.object.url) for link in reader.jira.remote_links(issue.key)
    )
    return TicketPage(
        key=issue.key,
        summary=fields.summary,
        status=fields.status.name,
        category=fields.status.statusCategory.name,
        resolution=fields.resolution.name if fields.resolution else None,
        priority=fields.priority.name if fields.priority else "",
        assignee=fields.assignee.displayName if fields.assignee else None,
        reporter=fields.reporter.displayName if fields.reporter else None,
        due=fields.duedate,
        labels=tuple(fields.labels),
        description=fields.description or "",
        comments=comments,
        remote_links=remote,
        issue_links=tuple(_issue_link(link) for link in fields.issuelinks),
    )


def _issue_link(link: Any) -> tuple[str, str]:
    if hasattr(link, "outwardIssue"):
        return str(link.type.outward), str(link.outwardIssue.key)
    return str(link.type.inward), str(link.inwardIssue.key)


def _when(moment: Any) -> str:
    return str(moment.strftime("%Y-%m-%d %H:%M UTC"))


def _jira_when(text: str) -> str:
    """Jira's ``2026-11-23T10:00:00.000+0000`` as the threads show times."""
    return f"{text[:10]} {text[11:16]} UTC"


# --- writing ------------------------------------------------------------------------------


class LinkRewriter:
    """Sandbox links -> files of the output folder (issues and Jira tickets)."""

    def __init__(self, sandbox: SandboxControl) -> None:
        self._ticket = re.compile(re.escape(sandbox.jira_url) + r"/browse/([A-Z][A-Z0-9]*-\d+)")
        self._issue = re.compile(
            re.escape(sandbox.url) + r"/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)/issues/(\d+)"
        )

    def __call__(self, text: str) -> str:
        text = self._ticket.sub(lambda m: f"{JIRA_FILE}#{m.group(1).lower()}", text)
        return self._issue.sub(
            lambda m: thread_file(f"{m.group(1)}/{m.group(2)}", int(m.group(3))), text
        )


def kept_comment(what: str, comment: CommentView) -> str:
    """A comment as it reads now, for a file of its own: the thread shows its last version."""
    context = {
        "what": what,
        "ref": f"{comment.repo}#{comment.number}",
        "thread": thread_file(comment.repo, comment.number),
        "body": quoted(comment.body),
    }
    return render_demo("kept_comment.md.j2", context)


def quoted(text: str) -> str:
    """Markdown block quote: a post reads as one box, its headings stay inside it."""
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines()) or ">"


def fenced(text: str) -> str:
    """A code fence longer than any backtick run in ``text``."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}"


def prepare_folder(output: Path) -> None:
    """Make ``output`` an empty demo folder; never delete a folder the demo did not write."""
    if output.exists() and not output.is_dir():
        raise UsageError(f"--output {output} is a file; name a folder for the demo's output")
    if output.is_dir() and any(output.iterdir()):
        if not (output / OWNED_MARK).is_file():
            raise UsageError(
                f"--output {output} is not empty and holds no earlier demo output; "
                "name a new or empty folder"
            )
        for old in output.glob("*.md"):
            old.unlink()
    output.mkdir(parents=True, exist_ok=True)
    (output / OWNED_MARK).write_text("written by `pmsync demo`\n", encoding="utf-8")


def write_output(
    output: Path,
    *,
    threads: list[Thread],
    tickets: list[TicketPage],
    kept: dict[str, KeptFile],
    narrator: Narrator,
    requests: list[RequestRow],
    links: LinkRewriter,
) -> list[str]:
    """Write every file; return their names, the index first."""
    files: dict[str, str] = {}
    for thread in threads:
        posts = [
            {"post": post, "body": quoted(links(post.body)), "first": i == 0}
            for i, post in enumerate(thread.posts)
        ]
        files[thread.file] = render_demo("thread.md.j2", {"thread": thread, "posts": posts})
    files[JIRA_FILE] = render_demo(
        "jira.md.j2",
        {
            "project": PROJECT,
            "tickets": [
                {
                    "ticket": ticket,
                    "description": fenced(links(ticket.description)),
                    "comments": [(c, fenced(links(c.body))) for c in ticket.comments],
                    "remote_links": [(title, links(url)) for title, url in ticket.remote_links],
                }
                for ticket in tickets
            ],
        },
    )
    files.update({name: links(entry.text) for name, entry in kept.items()})
    index = render_demo(
        "index.md.j2",
        {
            "chapters": narrator.chapters,
            "threads": threads,
            "jira_file": JIRA_FILE,
            "ticket_count": len(tickets),
            "kept": sorted((name, entry.title) for name, entry in kept.items()),
            "requests": requests,
        },
    )
    for name, text in {INDEX_FILE: index, **files}.items():
        (output / name).write_text(text, encoding="utf-8")
    return [INDEX_FILE, *files]
