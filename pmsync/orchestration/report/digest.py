"""The monthly digest issue: one per month, labelled ``pm:digest``, edited in place.

The issue of a month is found by the label (the issues list, which shows a new issue at
once) and the hidden marker ``<!-- pmsync:digest:YYYY-MM -->`` that begins its body. It is
created once; a later run edits it only when the text changed, so a rerun with nothing new
writes nothing.
"""

from __future__ import annotations

import logging
from typing import Literal

from pmsync.config.schema import Config
from pmsync.core.domain import markers
from pmsync.core.domain.state import IssueState
from pmsync.core.render import render
from pmsync.orchestration.ports import DigestGitHub

log = logging.getLogger(__name__)

BODY_LIMIT = 65_536  # characters GitHub keeps in an issue body
# Room for the digest's own lines around the report.
_FRAME_ALLOWANCE = 1_000
LABEL_COLOR = "5319e7"
LABEL_DESCRIPTION = "The monthly post-mortem digest (pmsync report --publish)"

Outcome = Literal["created", "edited", "unchanged"]


def digest_marker(month: str) -> str:
    return markers.marker(f"digest:{month}")


def digest_title(month: str) -> str:
    return f"Post-mortem digest {month}"


def fit(report_markdown: str, limit: int) -> tuple[str, bool]:
    """The report, cut before the last section heading that still fits; True if cut."""
    if len(report_markdown) <= limit:
        return report_markdown, False
    head = report_markdown[:limit]
    cut_at = head.rfind("\n### ")
    return (head[:cut_at] if cut_at > 0 else head).rstrip() + "\n", True


def digest_body(month: str, report_markdown: str) -> str:
    text, cut = fit(report_markdown, BODY_LIMIT - _FRAME_ALLOWANCE)
    context = {"marker": digest_marker(month), "month": month, "report": text, "cut": cut}
    return render("digest.md.j2", context)


def _same(left: str, right: str) -> bool:
    """Bodies equal as GitHub shows them (it may hand back CRLF line ends)."""
    return left.replace("\r\n", "\n").strip() == right.replace("\r\n", "\n").strip()


def find_digest(github: DigestGitHub, repo: str, label: str, month: str) -> IssueState | None:
    """The month's digest issue (the oldest, should a person have copied it), open or closed."""
    wanted = digest_marker(month)
    found = [
        issue
        for issue in github.issues_with_label(repo, label)
        if markers.has_marker(issue.body, wanted)
    ]
    return min(found, key=lambda issue: issue.number, default=None)


def publish(
    github: DigestGitHub, config: Config, repo: str, month: str, body: str, *, dry_run: bool = False
) -> tuple[Outcome, IssueState | None]:
    """Create the month's digest issue, or edit it when its title or text differ. With
    ``dry_run`` only read: the outcome says what publishing would do, and the issue is the
    existing one (None when it would be created)."""
    label = config.labels.digest
    title = digest_title(month)
    existing = find_digest(github, repo, label, month)
    if existing is None:
        if dry_run:
            return "created", None
        github.ensure_repo_label(repo, label, LABEL_COLOR, LABEL_DESCRIPTION)
        created = github.create_issue(repo, title, body, [label], digest_marker(month))
        log.info("digest %s: created %s", month, created.ref)
        return "created", created
    if existing.title == title and _same(existing.body, body):
        log.info("digest %s: %s is up to date", month, existing.ref)
        return "unchanged", existing
    if dry_run:
        return "edited", existing
    edited = github.edit_issue(repo, existing.number, title=title, body=body)
    log.info("digest %s: edited %s", month, edited.ref)
    return "edited", edited
