"""Comments and Jira texts, rendered from the Jinja2 templates in ``pmsync/templates``.

Autoescaping is off because neither GitHub markdown nor Jira wiki markup is HTML; instead
every template passes user text through an explicit filter:

- ``neutralise`` for GitHub: the text can never mention anyone, never reference an issue or
  pull request (``#12``, ``owner/repo#12``, ``GH-12``: each adds an entry to that issue's
  timeline, under pmsync's name), never make a link, an image or an autolink (so nothing
  looks like a link pmsync made), never open or close an HTML comment (so it cannot hide
  or end pmsync's markers), never break a table cell. Commit SHAs still link, as GitHub
  links them to this repository's commits without notifying anyone or adding a timeline
  entry anywhere.
- ``jira_escape`` for Jira wiki markup: the text can never become markup, a link, an image, a
  macro or a mention.
- ``quiet_handle`` shows a GitHub handle without notifying its owner; ``mention`` notifies,
  but only people listed in the configuration.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any, Literal

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

from pmsync.core.comment_budget import at_most, shorten, within_budget
from pmsync.core.domain.model import Finding, Frozen
from pmsync.core.domain.state import ShippedChange

# Placed inside what GitHub would read as a mention, a reference or an autolink ("@bob",
# "#12", "GH-12", "https://", "www."), so it reads none; readers see nothing.
ZWJ = "\u200d"

# Markdown structure becomes text: an entity or a backslash escape is never structure.
_GITHUB_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "\\": "&#92;",
    "|": "\\|",
    "[": "\\[",  # no [link](…), ![image](…) or [reference]
    "]": "\\]",
}
# What GitHub finds in text (not markdown structure, so escaping would not help): the ZWJ
# goes after the first character.
_GITHUB_TEXT_LINKS = r"@|#(?=\d)|gh-(?=\d)|://|www\."
_GITHUB_SPECIAL = re.compile(rf"[&<>\\|\[\]]|{_GITHUB_TEXT_LINKS}", re.IGNORECASE)
_HANDLE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")

# The characters Jira's wiki renderer accepts a backslash before (its BackslashEscape
# component); escaped, none of them can start bold, lists, tables, links, images, macros,
# mentions or emoticons.
JIRA_SPECIAL = frozenset("-#*_+?^~|%{}[]()!@")
# A backslash cannot be escaped with a backslash ("\\" is a line break), and "&" could
# start an entity, so both become entities. Line-start block markup without a special
# character ("h1." … "h6.", "bq.") has its first letter written as an entity.
_JIRA_ENTITIES = {"\\": "&#92;", "&": "&amp;"}
_JIRA_BLOCK_START = re.compile(r"(?m)^([ \t]*)(h)(?=[1-6]\.)|^([ \t]*)(b)(?=q\.)")
# Jira's renderer makes a link of a bare URL (http, https, ftp, file, irc, … "://", and
# "mailto:"/"news:") without any special character; the scheme's colon as an entity reads
# the same and links nothing.
_JIRA_URL_COLON = re.compile(r"(?i):(?=//)|(?<=mailto):|(?<=news):|(?<=nntp):")


def neutralise(value: object) -> str:
    """User text made safe for one line of a GitHub comment (a table cell included)."""
    text = " ".join(str(value).split())
    return _GITHUB_SPECIAL.sub(_inert, text)


def _inert(found: re.Match[str]) -> str:
    token = found.group(0)
    return _GITHUB_ENTITIES.get(token) or token[0] + ZWJ + token[1:]


def quiet_handle(handle: object) -> str:
    """``@handle`` as text that does not notify anyone."""
    return neutralise(f"@{handle}")


def mention(handle: object, configured: Collection[str]) -> str:
    """A real ``@handle`` mention when ``handle`` is a configured person, else a quiet one."""
    name = str(handle)
    known = {person.casefold() for person in configured}
    if _HANDLE.fullmatch(name) and name.casefold() in known:
        return f"@{name}"
    return quiet_handle(name)


def _jira_block_letter(found: re.Match[str]) -> str:
    indent = found.group(1) if found.group(2) else found.group(3)
    letter = found.group(2) or found.group(4)
    return f"{indent}&#{ord(letter)};"


def jira_escape(value: object) -> str:
    """User text made inert for Jira wiki markup; line breaks are kept."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    escaped = "".join(
        _JIRA_ENTITIES.get(char) or (f"\\{char}" if char in JIRA_SPECIAL else char) for char in text
    )
    escaped = _JIRA_URL_COLON.sub("&#58;", escaped)
    return _JIRA_BLOCK_START.sub(_jira_block_letter, escaped)


def jira_inline(value: object) -> str:
    """``jira_escape`` for text that must stay on one line (a field value, a link text)."""
    return jira_escape(" ".join(str(value).split()))


def humanise_field(field_id: str) -> str:
    """A form field id as a reader would name it, when the form's own label is unknown."""
    return field_id.replace("_", " ").strip().capitalize() or "Body"


# --- the environment ---------------------------------------------------------------------------


TEMPLATES_PACKAGE = "pmsync.core"


@functools.lru_cache(maxsize=8)
def environment(package: str = TEMPLATES_PACKAGE) -> Environment:
    """The template environment: the ``templates`` folder of ``package``, then pmsync's own
    (so the demo's templates can use pmsync's macros)."""
    loaders: list[PackageLoader] = []
    if package != TEMPLATES_PACKAGE:
        loaders.append(PackageLoader(package, "templates"))
    loaders.append(PackageLoader(TEMPLATES_PACKAGE, "templates"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=False,  # noqa: S701 - markdown and wiki markup: explicit filters escape
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["neutralise"] = neutralise
    env.filters["quiet_handle"] = quiet_handle
    env.filters["mention"] = mention
    env.filters["jira_escape"] = jira_escape
    env.filters["jira_inline"] = jira_inline
    env.filters["shorten"] = shorten
    return env


def render(name: str, context: Mapping[str, Any], package: str = TEMPLATES_PACKAGE) -> str:
    """Render one template; the text always ends with exactly one newline."""
    text = environment(package).get_template(name).render(**context)
    return text.rstrip("\n") + "\n"


# --- what the templates are given -----------------------------------------------------------


class StatusRow(Frozen):
    """One action item as the status comment shows it."""

    row: int
    key: str | None  # None: no ticket found for the key the Ticket cell names
    url: str | None
    action: str
    owner: str  # a GitHub handle, or a Jira account that maps to no handle
    owner_is_handle: bool = True
    priority: str
    due: date | None
    status: str  # Jira's status name, or a word of ours when there is no ticket
    progress: str  # a pmsync.core.planning.progress.Progress value
    days_overdue: int = 0
    item_id: str | None = None  # the item's identity (pmsync.core.domain.identity)
    shipped: tuple[ShippedChange, ...] = ()  # merged pull requests or commits naming its key
    no_change: bool = False  # done, searched for, and no change found


class RemovedRow(Frozen):
    key: str
    url: str
    action: str
    status: str


class ConflictNote(Frozen):
    key: str
    field: str
    github: str  # the table's value
    jira: str  # Jira's value, which stands


# Why a ticket is unassigned: its owner is a team; a handle the people map does not list;
# one it lists by an e-mail that matches no Jira user; or someone unassigned it in Jira.
UnassignedReason = Literal["team", "unknown", "email", "jira"]


class UnassignedNote(Frozen):
    key: str
    owner: str  # the owner the table names
    reason: UnassignedReason
    email: str | None = None  # reason "email": the address the people map gives
    row: int | None = None  # the row of the table, so the note names it


class UnknownKeyNote(Frozen):
    """A row left alone: its Ticket cell names a key it does not hold."""

    row: int
    key: str
    held_by: int | None = None  # the row that holds the key, when it is this post-mortem's


class LateNote(Frozen):
    """What was late already when a post-mortem was filed: said in the status comment
    instead of a reminder for each item on the first sync."""

    filed: date
    items: tuple[str, ...]  # those past their due date then: ticket keys, else "row N"

    @property
    def overdue(self) -> int:
        return len(self.items)


class StatusView(Frozen):
    summary: str
    rows: tuple[StatusRow, ...]
    removed: tuple[RemovedRow, ...] = ()
    conflicts: tuple[ConflictNote, ...] = ()
    unassigned: tuple[UnassignedNote, ...] = ()
    unknown_keys: tuple[UnknownKeyNote, ...] = ()
    snapshot_marker: str  # the encoded snapshot, see pmsync.core.domain.markers
    late: LateNote | None = None


class FindingView(Frozen):
    level: str
    where: str  # "Action items, row 2"
    message: str


def finding_views(
    findings: tuple[Finding, ...], field_labels: Mapping[str, str]
) -> tuple[FindingView, ...]:
    views = []
    for finding in findings:
        where = field_labels.get(finding.field) or humanise_field(finding.field)
        if finding.row is not None:
            where += f", row {finding.row}"
        views.append(FindingView(level=finding.level, where=where, message=finding.message))
    return tuple(views)


# --- one function per template ------------------------------------------------------------------


def render_status(view: StatusView) -> str:
    def with_limit(limit: int) -> str:
        context: dict[str, Any] = dict(view)
        for name in ("rows", "removed", "conflicts", "unassigned", "unknown_keys"):
            context[name], context[f"{name}_more"] = at_most(context[name], limit)
        return render("status.md.j2", context)

    return within_budget(with_limit)


def render_feedback(
    state: str,
    state_marker: str,
    errors: tuple[FindingView, ...],
    warnings: tuple[FindingView, ...],
    trusted: bool = True,  # False: tickets wait for a maintainer's approval
    blocked: bool = False,  # Jira refused them: say so, never that they are being made
    tickets: int = 0,  # tickets already made: errors then hold up their updates, not them
) -> str:
    def with_limit(limit: int) -> str:
        context: dict[str, Any] = {"state": state, "state_marker": state_marker}
        context["errors"], context["errors_more"] = at_most(errors, limit)
        context["warnings"], context["warnings_more"] = at_most(warnings, limit)
        context |= {"trusted": trusted, "blocked": blocked, "tickets": tickets}
        return render("feedback.md.j2", context)

    return within_budget(with_limit)


def render_approval(approved: bool, label: str, tickets: int = 0, blocked: bool = False) -> str:
    """The approval comment; ``tickets`` counts those made while an approval stood, so a
    withdrawn approval does not claim that nothing reached Jira; ``blocked``: Jira refused
    them, so it does not claim they are being made."""
    context = {"approved": approved, "label": label, "tickets": tickets, "blocked": blocked}
    return render("approval.md.j2", context)


class DescriptionView(Frozen):
    action: str
    type: str
    priority: str
    owner: str
    due: date
    title: str
    severity: int
    services: tuple[str, ...]
    root_cause_category: str
    summary: str
    root_cause: str
    issue_ref: str
    issue_url: str


def render_ticket_description(view: DescriptionView) -> str:
    return render("ticket_description.j2", view.model_dump())


def render_ticket_removed(issue_ref: str, issue_url: str) -> str:
    context = {"issue_ref": issue_ref, "issue_url": issue_url}
    return render("ticket_removed.j2", context)


def render_ticket_duplicate(original: str, issue_ref: str, issue_url: str) -> str:
    context = {"original": original, "issue_ref": issue_ref, "issue_url": issue_url}
    return render("ticket_duplicate.j2", context)


def render_ticket_moved(origin: str, issue_ref: str, issue_url: str) -> str:
    context = {"origin": origin, "issue_ref": issue_ref, "issue_url": issue_url}
    return render("ticket_moved.j2", context)
