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
class Priority:
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


@dataclass(frozen=True)
class FieldInfo:
    id: str
    name: str
    schema: dict[str, str]
    clause_names: tuple[str, ...]
    navigable: bool = True
    orderable: bool = True
    searchable: bool = True
    on_issue: bool = True  # False for the JQL-only pseudo-fields (issuekey, statusCategory)


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
    Priority(
        "1",
        "Highest",
        "This problem will block progress.",
        "#d04437",
        "/images/icons/priorities/highest.svg",
        5,
    ),
    Priority(
        "2",
        "High",
        "Serious problem that could block progress.",
        "#f15C75",
        "/images/icons/priorities/high.svg",
        4,
    ),
    Priority(
        "3",
        "Medium",
        "Has the potential to affect progress.",
        "#f79232",
        "/images/icons/priorities/medium.svg",
        3,
    ),
    Priority(
        "4",
        "Low",
        "Minor problem or easily worked around.",
        "#707070",
        "/images/icons/priorities/low.svg",
        2,
    ),
    Priority(
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


def _system(type_: str, system: str, **extra: str) -> dict[str, str]:
    return {"type": type_, "system": system, **extra}


FIELDS = (
    FieldInfo("summary", "Summary", _system("string", "summary"), ("summary",)),
    FieldInfo("description", "Description", _system("string", "description"), ("description",)),
    FieldInfo("issuetype", "Issue Type", _system("issuetype", "issuetype"), ("issuetype", "type")),
    FieldInfo("project", "Project", _system("project", "project"), ("project",)),
    FieldInfo("status", "Status", _system("status", "status"), ("status",)),
    FieldInfo("priority", "Priority", _system("priority", "priority"), ("priority",)),
    FieldInfo("resolution", "Resolution", _system("resolution", "resolution"), ("resolution",)),
    FieldInfo(
        "labels",
        "Labels",
        _system("array", "labels", items="string"),
        ("labels",),
    ),
    FieldInfo("duedate", "Due date", _system("date", "duedate"), ("due", "duedate")),
    FieldInfo("assignee", "Assignee", _system("user", "assignee"), ("assignee",)),
    FieldInfo("reporter", "Reporter", _system("user", "reporter"), ("reporter",)),
    FieldInfo("creator", "Creator", _system("user", "creator"), ("creator",)),
    FieldInfo("created", "Created", _system("datetime", "created"), ("created", "createdDate")),
    FieldInfo("updated", "Updated", _system("datetime", "updated"), ("updated", "updatedDate")),
    FieldInfo(
        "resolutiondate",
        "Resolved",
        _system("datetime", "resolutiondate"),
        ("resolutiondate", "resolved"),
    ),
    FieldInfo(
        "statuscategorychangedate",
        "Status Category Changed",
        _system("datetime", "statuscategorychangedate"),
        ("statusCategoryChangedDate",),
    ),
    FieldInfo(
        "issuelinks",
        "Linked Issues",
        _system("array", "issuelinks", items="issuelinks"),
        ("issueLink",),
    ),
    FieldInfo(
        "comment",
        "Comment",
        _system("comments-page", "comment"),
        ("comment",),
        navigable=False,
    ),
    FieldInfo(
        "issuekey",
        "Key",
        {},
        ("id", "issue", "issuekey", "key"),
        orderable=False,
        on_issue=False,
    ),
    FieldInfo(
        "statusCategory",
        "Status Category",
        _system("statusCategory", "statusCategory"),
        ("statusCategory",),
        orderable=False,
        on_issue=False,
    ),
    FieldInfo("watches", "Watchers", _system("watches", "watches"), ("watchers",)),
    FieldInfo("votes", "Votes", _system("votes", "votes"), ("votes",)),
    # Always returned, never modelled: their values are NEUTRAL_FIELDS below.
    FieldInfo("timespent", "Time Spent", _system("number", "timespent"), ("timespent",)),
    FieldInfo(
        "fixVersions",
        "Fix versions",
        _system("array", "fixVersions", items="version"),
        ("fixVersion",),
    ),
    FieldInfo(
        "aggregatetimespent",
        "Σ Time Spent",
        _system("number", "aggregatetimespent"),
        (),
        searchable=False,
    ),
    FieldInfo("workratio", "Work Ratio", _system("number", "workratio"), ("workratio",)),
    FieldInfo("lastViewed", "Last Viewed", _system("datetime", "lastViewed"), ("lastViewed",)),
    FieldInfo(
        "aggregatetimeoriginalestimate",
        "Σ Original Estimate",
        _system("number", "aggregatetimeoriginalestimate"),
        (),
        searchable=False,
    ),
    FieldInfo(
        "timeestimate",
        "Remaining Estimate",
        _system("number", "timeestimate"),
        ("remainingEstimate",),
    ),
    FieldInfo(
        "versions",
        "Affects versions",
        _system("array", "versions", items="version"),
        ("affectedVersion",),
    ),
    FieldInfo(
        "components",
        "Components",
        _system("array", "components", items="component"),
        ("component",),
    ),
    FieldInfo(
        "timeoriginalestimate",
        "Original estimate",
        _system("number", "timeoriginalestimate"),
        ("originalEstimate",),
    ),
    FieldInfo("security", "Security Level", _system("securitylevel", "security"), ("level",)),
    FieldInfo(
        "attachment",
        "Attachment",
        _system("array", "attachment", items="attachment"),
        ("attachments",),
    ),
    FieldInfo(
        "aggregatetimeestimate",
        "Σ Remaining Estimate",
        _system("number", "aggregatetimeestimate"),
        (),
        searchable=False,
    ),
    FieldInfo(
        "subtasks",
        "Sub-tasks",
        _system("array", "subtasks", items="issuelinks"),
        ("subtasks",),
    ),
    FieldInfo(
        "aggregateprogress",
        "Σ Progress",
        _system("progress", "aggregateprogress"),
        (),
        searchable=False,
    ),
    FieldInfo("environment", "Environment", _system("string", "environment"), ("environment",)),
    FieldInfo("progress", "Progress", _system("progress", "progress"), ("progress",)),
    FieldInfo(
        "issuerestriction",
        "Restrict to",
        _system("issuerestriction", "issuerestriction"),
        (),
        orderable=False,
        searchable=False,
    ),
    FieldInfo(
        "timetracking",
        "Time tracking",
        _system("timetracking", "timetracking"),
        (),
        navigable=False,
        searchable=False,
    ),
    FieldInfo(
        "worklog",
        "Log Work",
        _system("array", "worklog", items="worklog"),
        (),
        navigable=False,
        searchable=False,
    ),
)

# The fields an issue answer carries that the sandbox does not model: Jira always returns
# them, with these neutral values, so clients that read them find what they expect.
NEUTRAL_FIELDS: dict[str, object] = {
    "timetracking": {},
    "worklog": {"startAt": 0, "maxResults": 20, "total": 0, "worklogs": []},
    "timespent": None,
    "fixVersions": [],
    "aggregatetimespent": None,
    "workratio": -1,
    "lastViewed": None,
    "aggregatetimeoriginalestimate": None,
    "timeestimate": None,
    "versions": [],
    "components": [],
    "timeoriginalestimate": None,
    "security": None,
    "attachment": [],
    "aggregatetimeestimate": None,
    "subtasks": [],
    "aggregateprogress": {"progress": 0, "total": 0},
    "environment": None,
    "progress": {"progress": 0, "total": 0},
    "issuerestriction": {"issuerestrictions": {}, "shouldDisplay": False},
}


FIELDS_BY_ID = {f.id: f for f in FIELDS}


class Entry(Protocol):
    """What every catalog entry has."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


_E = TypeVar("_E", bound=Entry)


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
