"""The fixed configuration of the emulated Jira site: the metadata every project shares.

Ids and names follow a fresh Jira Cloud site with a company-managed software project,
so that code written against the sandbox meets the same values on a real site.
The workflow is the one pmsync cares about: To Do → In Progress → Done, with the
resolutions Done and Won't Do, and Reopen back to To Do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, TypeVar


@dataclass(frozen=True)
class StatusCategory:
    id: int
    key: str  # "new", "indeterminate" or "done": the stable way to tell done-ness
    name: str
    color_name: str


@dataclass(frozen=True)
class Status:
    id: str
    name: str
    description: str
    icon: str
    category: StatusCategory


@dataclass(frozen=True)
class JiraPriority:
    id: str
    name: str
    description: str
    color: str
    icon: str
    rank: int  # higher is more urgent; ORDER BY priority DESC puts Highest first


@dataclass(frozen=True)
class Resolution:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class IssueType:
    id: str
    name: str
    description: str
    avatar_id: int
    hierarchy_level: int
    # Set only on a team-managed project's own types (profiles.TEAM_MANAGED_TYPES).
    scope_project_id: str | None = None
    entity_id: str | None = None


@dataclass(frozen=True)
class LinkType:
    id: str
    name: str
    inward: str
    outward: str


@dataclass(frozen=True)
class Transition:
    id: str
    name: str
    sources: frozenset[str]  # status ids it is available from
    to: str  # target status id
    resolution: str | None = None  # resolution id set on arrival (None: clear it)
    resolution_settable: bool = False  # whether `fields.resolution` may override it


UNDEFINED = StatusCategory(1, "undefined", "No Category", "medium-gray")
TO_DO_CATEGORY = StatusCategory(2, "new", "To Do", "blue-gray")
DONE_CATEGORY = StatusCategory(3, "done", "Done", "green")
IN_PROGRESS_CATEGORY = StatusCategory(4, "indeterminate", "In Progress", "yellow")
STATUS_CATEGORIES = (UNDEFINED, TO_DO_CATEGORY, DONE_CATEGORY, IN_PROGRESS_CATEGORY)

TO_DO = Status("10000", "To Do", "", "/images/icons/status_generic.gif", TO_DO_CATEGORY)
IN_PROGRESS = Status(
    "3",
    "In Progress",
    "This issue is being actively worked on at the moment by the assignee.",
    "/images/icons/statuses/inprogress.png",
    IN_PROGRESS_CATEGORY,
)
DONE = Status("10001", "Done", "", "/images/icons/status_generic.gif", DONE_CATEGORY)
STATUSES = (TO_DO, IN_PROGRESS, DONE)
INITIAL_STATUS = TO_DO

PRIORITIES = (
    JiraPriority(
        "1",
        "Highest",
        "This problem will block progress.",
        "#d04437",
        "/images/icons/priorities/highest.svg",
        5,
    ),
    JiraPriority(
        "2",
        "High",
        "Serious problem that could block progress.",
        "#f15C75",
        "/images/icons/priorities/high.svg",
        4,
    ),
    JiraPriority(
        "3",
        "Medium",
        "Has the potential to affect progress.",
        "#f79232",
        "/images/icons/priorities/medium.svg",
        3,
    ),
    JiraPriority(
        "4",
        "Low",
        "Minor problem or easily worked around.",
        "#707070",
        "/images/icons/priorities/low.svg",
        2,
    ),
    JiraPriority(
        "5",
        "Lowest",
        "Trivial problem with little or no impact on progress.",
        "#999999",
        "/images/icons/priorities/lowest.svg",
        1,
    ),
)
DEFAULT_PRIORITY = PRIORITIES[2]

RESOLUTION_DONE = Resolution("10000", "Done", "Work has been completed on this issue.")
RESOLUTION_WONT_DO = Resolution("10001", "Won't Do", "This issue won't be actioned.")
RESOLUTIONS = (
    RESOLUTION_DONE,
    RESOLUTION_WONT_DO,
    Resolution("10002", "Duplicate", "The problem is a duplicate of an existing issue."),
    Resolution(
        "10003",
        "Cannot Reproduce",
        "All attempts at reproducing this issue failed, or not enough information was "
        "available to reproduce the issue.",
    ),
)

ISSUE_TYPES = (
    IssueType("10000", "Epic", "A big user story that needs to be broken down.", 10307, 1),
    IssueType("10001", "Story", "Functionality or a feature expressed as a user goal.", 10315, 0),
    IssueType("10002", "Task", "A small, distinct piece of work.", 10318, 0),
    IssueType("10004", "Bug", "A problem or error.", 10303, 0),
)

LINK_TYPES = (
    LinkType("10000", "Blocks", "is blocked by", "blocks"),
    LinkType("10001", "Cloners", "is cloned by", "clones"),
    LinkType("10002", "Duplicate", "is duplicated by", "duplicates"),
    LinkType("10003", "Relates", "relates to", "relates to"),
)

_OPEN = frozenset({TO_DO.id, IN_PROGRESS.id})
TRANSITIONS = (
    Transition("11", "Stop Progress", frozenset({IN_PROGRESS.id}), TO_DO.id),
    Transition("21", "Start Progress", frozenset({TO_DO.id}), IN_PROGRESS.id),
    Transition("31", "Done", _OPEN, DONE.id, RESOLUTION_DONE.id, resolution_settable=True),
    Transition("41", "Won't Do", _OPEN, DONE.id, RESOLUTION_WONT_DO.id),
    Transition("51", "Reopen", frozenset({DONE.id}), TO_DO.id),
)


class CatalogEntry(Protocol):
    """What every catalog entry has."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


_E = TypeVar("_E", bound=CatalogEntry)


def by_id_or_name(items: tuple[_E, ...], ref: str) -> _E | None:
    """Find a catalog entry by id, or by name as Jira does (ignoring case)."""
    folded = ref.casefold()
    return next((i for i in items if i.id == ref or i.name.casefold() == folded), None)


def find_by_id(items: tuple[_E, ...], item_id: str) -> _E | None:
    return next((i for i in items if i.id == item_id), None)


def by_id(items: tuple[_E, ...], item_id: str) -> _E:
    """The entry with this id; the store only holds ids it took from the catalog."""
    found = find_by_id(items, item_id)
    if found is None:
        raise KeyError(item_id)
    return found


def transitions_from(status_id: str) -> list[Transition]:
    return [t for t in TRANSITIONS if status_id in t.sources]
