"""PyGithub's answers in pmsync's terms: errors for the retry policy, issues and comments as
state models, and the pages of a listing. Each reads only what the answer holds, so that no
lazy PyGithub object is completed with a request of its own (ADR 5).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from github import GithubException
from github.Commit import CommitSearchResult
from github.GithubObject import GithubObject
from github.Issue import Issue
from github.IssueComment import IssueComment
from github.PaginatedList import PaginatedList

from pmsync.adapters.retry import Failure, connection_failure
from pmsync.core.domain.state import CommentState, CommitState, IssueState

T = TypeVar("T")
Obj = TypeVar("Obj", bound=GithubObject)


def classify(exc: BaseException) -> Failure | None:
    """The retry policy's view of what PyGithub raised."""
    if isinstance(exc, GithubException):
        headers = {k.lower(): str(v) for k, v in (exc.headers or {}).items()}
        return Failure(exc.status, headers, _detail(exc.data))
    return connection_failure(exc)


def _detail(data: Any) -> str:
    """GitHub's own message, with the field errors of a 422."""
    if not isinstance(data, dict):
        return "no details"
    parts = [str(data.get("message") or "")]
    for error in data.get("errors") or ():
        if isinstance(error, dict):
            parts.append(str(error.get("message") or error.get("code") or ""))
    # Whole: only the outputs, which mask it first, may cut it (pmsync.config.redact).
    return "; ".join(part for part in parts if part) or "no details"


def issue_state(repo: str, issue: Issue) -> IssueState:
    return IssueState(
        repo=repo,
        number=issue.number,
        title=issue.title,
        body=issue.body or "",
        state="closed" if issue.state == "closed" else "open",
        labels=tuple(label.name for label in issue.labels),
        author=issue.user.login,
        author_association=issue.author_association or "NONE",
        created_at=issue.created_at,
        updated_at=issue.updated_at,
        html_url=issue.html_url,
        closed_at=issue.closed_at,
        state_reason=state_reason_as_answered(issue),
    )


def state_reason_as_answered(issue: Issue) -> str | None:
    """The issue's ``state_reason`` as GitHub's answer gave it. Older GitHub Enterprise
    answers lack it, and the public ``Issue.state_reason`` would then complete the issue
    with a request of its own (uncounted); the attribute behind it does not (ADR 5)."""
    return issue._state_reason.value


def comment_state(comment: IssueComment) -> CommentState:
    return CommentState(
        id=comment.id,
        author=comment.user.login,
        body=comment.body or "",
        created_at=comment.created_at,
        updated_at=comment.updated_at,
    )


def commit_state(found: CommitSearchResult) -> CommitState:
    """A commit search result, dated by its committer (for a merge commit, a squash or a
    rebase: when the change reached the branch). GitHub's description lets the committer,
    the author and their dates be absent (``nullable-git-user``): the first date given
    stands, and a commit with none has no date."""
    git = found.commit
    people = (git.committer, git.author)
    when = next((p.date for p in people if p is not None and p.date is not None), None)
    return CommitState(
        repo=found.repository.full_name,
        sha=found.sha,
        message=git.message or "",
        html_url=found.html_url,
        committed_at=when,
    )


def read_page(
    listing: PaginatedList[Obj], index: int, convert: Callable[[Obj], T]
) -> tuple[list[T], bool]:
    """One page of ``listing``, converted, and whether another follows it."""
    objects = listing.get_page(index)
    return [convert(obj) for obj in objects], bool(objects) and names_next_page(objects[0])


def names_next_page(obj: GithubObject) -> bool:
    """Whether the response ``obj`` came in carried ``Link: <…>; rel="next"``. The headers
    are read through the base class's property: a listed object's own ``raw_headers``
    would first complete it with a request of its own, one per page (ADR 5)."""
    headers = GithubObject.raw_headers.__get__(obj)
    link = next((str(v) for k, v in headers.items() if k.casefold() == "link"), "")
    return 'rel="next"' in link
