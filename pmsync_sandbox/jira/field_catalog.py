"""The fields of an issue on the emulated Jira site: their ids, names, schemas and JQL
clause names, as ``/rest/api/2/field`` lists them, and the neutral values of the fields
Jira always returns but the sandbox does not model.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldInfo:
    id: str
    name: str
    schema: dict[str, object]
    clause_names: tuple[str, ...]
    navigable: bool = True
    orderable: bool = True
    searchable: bool = True
    on_issue: bool = True  # False for the JQL-only pseudo-fields (issuekey, statusCategory)
    custom: bool = False  # a site's own field (profiles.SelectField)


def _system(type_: str, system: str, **extra: str) -> dict[str, object]:
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
