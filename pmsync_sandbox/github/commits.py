"""Commits on a repository's default branch in the GitHub emulator: the ones a person
pushes (``POST /_sandbox/github/commits``) and the merge commit GitHub makes when it merges
a pull request. Only the default branch is kept, as it is all GitHub's commit search
looks at ("Searching commits": "only the default branch of a repository is searched");
files and trees are not modelled.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass
class Commit:
    sha: str
    message: str
    author: str  # the login of who wrote it; they committed it too
    name: str  # the author's name and e-mail as git records them
    email: str
    committed_at: str  # a GitHub timestamp
    tree: str
    parents: list[str] = field(default_factory=list)


def merge_message(number: int, owner: str, head: str, title: str) -> str:
    """The message of the merge commit GitHub makes by default: the classic title
    "Merge pull request #123 from owner/branch" (OpenAPI description, repository
    ``merge_commit_title``: ``MERGE_MESSAGE``) and, after a blank line, the pull request's
    title (``merge_commit_message``: ``PR_TITLE``). Repositories may choose the pull
    request's title and body instead; the sandbox keeps the default."""
    return f"Merge pull request #{number} from {owner}/{head}\n\n{title}"


def add_commit(
    branch: list[Commit],
    author: str,
    identity: tuple[str, str],
    message: str,
    now: str,
    merged_tip: str | None = None,
) -> Commit:
    """A commit on top of ``branch`` (with ``merged_tip`` as a second parent for a merge).
    Its sha is the SHA-1 of a git commit object made of its parts, so it is 40 hex digits
    and different for every commit, as git's are."""
    name, email = identity
    parents = [branch[-1].sha] if branch else []
    if merged_tip is not None:
        parents.append(merged_tip)
    tree = _sha1(f"tree {len(branch)} {message}")
    lines = [f"tree {tree}", *(f"parent {p}" for p in parents)]
    lines += [f"author {name} <{email}> {now}", f"committer {name} <{email}> {now}", "", message]
    body = "\n".join(lines)
    commit = Commit(
        sha=_sha1(f"commit {len(body)}\0{body}"),
        message=message,
        author=author,
        name=name,
        email=email,
        committed_at=now,
        tree=tree,
        parents=parents,
    )
    branch.append(commit)
    return commit


def branch_tip(repo_full_name: str, head: str, number: int) -> str:
    """A sha standing for the last commit of a pull request's branch (its commits are not
    kept: they reach the default branch only through the merge)."""
    return _sha1(f"{repo_full_name} {head} {number}")


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()
