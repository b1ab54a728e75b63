"""Jira site profiles: how one emulated site is configured, for testing code against the ways
real sites differ (docs/sandbox.md, "Site profiles").

A profile fixes the priority scheme, the issue types (the site's shared ones and those a
team-managed project keeps to itself), the create screen (the fields a create or edit may
set, which are required, and the select fields with their options), whether the pmsync
account may browse users, and, for some, the deployment. ``default`` is the site the sandbox
has always been; every other profile changes only what its description says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pmsync_sandbox.jira import catalog
from pmsync_sandbox.jira.catalog import IssueType, JiraPriority

Deployment = Literal["Cloud", "Server"]

# The system fields a create (or edit) may set on the default screen, in createmeta's order.
FULL_SCREEN = (
    "issuetype",
    "project",
    "summary",
    "description",
    "priority",
    "labels",
    "duedate",
    "assignee",
    "reporter",
)
REQUIRED_SYSTEM_FIELDS = frozenset({"issuetype", "project", "summary", "reporter"})
SELECT_TYPE = "com.atlassian.jira.plugin.system.customfieldtypes:select"


@dataclass(frozen=True)
class SelectOption:
    id: str
    value: str


@dataclass(frozen=True)
class SelectField:
    """A single-choice select custom field, as Jira describes one in createmeta and
    ``/field`` (atlassian/gajira-create#33 shows a real one: schema type ``option``, custom
    type ``…:select``, ``customId``, options as ``{self, value, id}``)."""

    id: str  # "customfield_10010"
    name: str
    options: tuple[SelectOption, ...]
    required: bool

    @property
    def custom_id(self) -> int:
        return int(self.id.removeprefix("customfield_"))

    @property
    def schema(self) -> dict[str, object]:
        return {"type": "option", "custom": SELECT_TYPE, "customId": self.custom_id}

    def option(self, ref: str, *, by: Literal["id", "value"]) -> SelectOption | None:
        return next((o for o in self.options if getattr(o, by) == ref), None)


@dataclass(frozen=True)
class ScreenProfile:
    """The fields on a project's create and edit screens (the sandbox gives both the same)."""

    system_fields: tuple[str, ...] = FULL_SCREEN
    select_fields: tuple[SelectField, ...] = ()

    def select_field(self, field_id: str) -> SelectField | None:
        return next((f for f in self.select_fields if f.id == field_id), None)


@dataclass(frozen=True)
class SiteProfile:
    name: str
    summary: str  # one line, for --help and errors
    priorities: tuple[JiraPriority, ...] = catalog.PRIORITIES
    default_priority: JiraPriority = catalog.DEFAULT_PRIORITY
    screen: ScreenProfile = field(default_factory=ScreenProfile)
    # The seeded project's own issue types when it is team-managed (empty: company-managed,
    # it uses the site's shared types).
    team_managed_types: tuple[IssueType, ...] = ()
    browse_users: bool = True  # the account holds "Browse users and groups"
    deployment: Deployment | None = None  # the deployment it needs (None: either)

    # ---- issue types ----------------------------------------------------------------------

    def team_managed(self, project_key: str) -> bool:
        return bool(self.team_managed_types) and project_key == TEAM_MANAGED_PROJECT

    def issue_types_of(self, project_key: str) -> tuple[IssueType, ...]:
        """The issue types a create in this project may use."""
        if self.team_managed(project_key):
            return self.team_managed_types
        return catalog.ISSUE_TYPES

    @property
    def all_issue_types(self) -> tuple[IssueType, ...]:
        """Every issue type on the site: project-scoped ones first, so that a JQL name such
        as ``issuetype = Task`` means the team-managed project's own type there."""
        return self.team_managed_types + catalog.ISSUE_TYPES


# ---- the profiles ------------------------------------------------------------------------

# Jira's classic priority scheme, as a real Data Center site (issues.apache.org) lists it in
# tests/data/jira-responses/go-jira-mock-data/all_priorities.json; incidentbot/incidentbot#339
# is a Cloud site with the same scheme whose creates failed on "Highest"/"Medium" names.
CLASSIC_PRIORITIES = (
    JiraPriority(
        "1",
        "Blocker",
        "Blocks development and/or testing work, production could not run",
        "#cc0000",
        "/images/icons/priorities/blocker.svg",
        5,
    ),
    JiraPriority(
        "2",
        "Critical",
        "Crashes, loss of data, severe memory leak.",
        "#ff0000",
        "/images/icons/priorities/critical.svg",
        4,
    ),
    JiraPriority(
        "3",
        "Major",
        "Major loss of function.",
        "#009900",
        "/images/icons/priorities/major.svg",
        3,
    ),
    JiraPriority(
        "4",
        "Minor",
        "Minor loss of function, or other problem where easy workaround is present.",
        "#006600",
        "/images/icons/priorities/minor.svg",
        2,
    ),
    JiraPriority(
        "5",
        "Trivial",
        "Cosmetic problem like misspelt words or misaligned text.",
        "#003300",
        "/images/icons/priorities/trivial.svg",
        1,
    ),
)

TEAM_FIELD = SelectField(
    "customfield_10010",
    "Team",
    (SelectOption("10020", "Platform"), SelectOption("10021", "Payments")),
    required=True,
)

# The project every seed holds (store.SEED_PROJECT), and the id the seed gives it: the
# scope of a team-managed project's issue types names the project by id.
TEAM_MANAGED_PROJECT = "OPS"
TEAM_MANAGED_PROJECT_ID = "10000"

# A team-managed project's issue types are its own: ids of their own, a ``scope`` naming
# the project, and an ``entityId`` (IssueTypeDetails in Atlassian's OpenAPI description:
# "Unique ID for next-gen projects"; "scope": "Details of the next-gen projects the issue
# type is available in"). No Bug: go-jira#265 is a create refused on such a project.
TEAM_MANAGED_TYPES = (
    IssueType(
        "10015",
        "Task",
        "A small, distinct piece of work.",
        10318,
        0,
        scope_project_id=TEAM_MANAGED_PROJECT_ID,
        entity_id="5f1d1a3c-8d0e-4c5b-9a51-0c6bb2b3a015",
    ),
    IssueType(
        "10016",
        "Epic",
        "Epics track collections of related bugs, stories, and tasks.",
        10307,
        1,
        scope_project_id=TEAM_MANAGED_PROJECT_ID,
        entity_id="5f1d1a3c-8d0e-4c5b-9a51-0c6bb2b3a016",
    ),
)

PROFILES: dict[str, SiteProfile] = {
    p.name: p
    for p in (
        SiteProfile("default", "every field on the create screen, priorities Highest…Lowest"),
        SiteProfile(
            "strict",
            "no due date on the create screen, a required select field Team, "
            "priorities Blocker…Trivial",
            priorities=CLASSIC_PRIORITIES,
            default_priority=CLASSIC_PRIORITIES[2],
            screen=ScreenProfile(
                system_fields=tuple(f for f in FULL_SCREEN if f != "duedate"),
                select_fields=(TEAM_FIELD,),
            ),
        ),
        SiteProfile(
            "team-managed",
            "project OPS is team-managed, with issue types of its own (Task, Epic; no Bug)",
            team_managed_types=TEAM_MANAGED_TYPES,
            deployment="Cloud",
        ),
        SiteProfile(
            "private-users",
            "Cloud without 'Browse users and groups': user search finds no one, e-mails hidden",
            browse_users=False,
            deployment="Cloud",
        ),
        SiteProfile(
            "datacenter",
            "Jira Data Center: users by name, /rest/api/2/search, personal access tokens",
            deployment="Server",
        ),
    )
}
DEFAULT_PROFILE = PROFILES["default"]


def site_profile(name: str) -> SiteProfile:
    """The profile called ``name``; ValueError (naming the choices) for any other name."""
    found = PROFILES.get(name)
    if found is None:
        raise ValueError(
            f"no Jira site profile {name!r}; choose one of {', '.join(sorted(PROFILES))}"
        )
    return found


def deployment_for(profile: SiteProfile, deployment: Deployment | None) -> Deployment:
    """The deployment a site of this profile runs as; ValueError when the two disagree."""
    if profile.deployment is None:
        return deployment or "Cloud"
    if deployment not in (None, profile.deployment):
        raise ValueError(
            f"the Jira site profile {profile.name!r} is a {profile.deployment} site; "
            f"it cannot run as {deployment}"
        )
    return profile.deployment
