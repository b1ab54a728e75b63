"""The ``jira:`` part of the configuration: the site, projects, and what tickets are made of.

Real sites differ (ADR-free summary in docs/jira-site.md): issue types per project, fields a
create screen requires, the link type for repeats, and the Cloud id that scoped service-
account tokens call through. ``pmsync doctor`` checks these keys against the site.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, JsonValue, field_validator, model_validator

from pmsync.config.field_types import HttpUrl, JiraProjectKey, NonEmpty
from pmsync.config.section import ConfigSection
from pmsync.core.domain.model import Priority

SyncDirection = Literal["both", "github", "jira"]
_ATLASSIAN_CLOUD_HOST = ".atlassian.net"


class JiraConfig(ConfigSection):
    url: HttpUrl = Field(
        default=None,
        description="Jira site URL, e.g. https://acme.atlassian.net; JIRA_URL overrides.",
    )
    deployment: Literal["auto", "cloud", "datacenter"] = Field(
        default="auto",
        description="cloud (email + API token), datacenter (personal access token), "
        "or auto: decided by the credentials in the environment.",
    )
    project: JiraProjectKey = Field(default="OPS", description="Default Jira project key.")
    projects_by_service: dict[NonEmpty, JiraProjectKey] = Field(
        default_factory=dict,
        description="Service name -> Jira project key; the first routed service of a "
        "post-mortem wins over the default project.",
    )
    issue_type: NonEmpty = Field(default="Task", description="Issue type of created tickets.")
    issue_types: dict[JiraProjectKey, NonEmpty] = Field(
        default_factory=dict,
        description="Jira project key -> issue type for tickets in that project, where it "
        "differs from jira.issue_type (team-managed projects have their own types).",
    )
    fields: dict[NonEmpty, JsonValue] = Field(
        default_factory=dict,
        description="Static values for fields the create screen requires, by field id or "
        'name, in Jira\'s REST shape: {"Team": {"value": "Platform"}}, '
        '{"customfield_10010": {"id": "10020"}}; a plain string for a select field is '
        "sent as its option value. `pmsync doctor` names the fields a project requires.",
    )
    link_type: NonEmpty = Field(
        default="Relates",
        description="Name of the issue link type that joins a ticket to related earlier ones.",
    )
    cloud_id: NonEmpty | None = Field(
        default=None,
        description="Jira Cloud site id, for a service account's scoped API token, which "
        "must call https://api.atlassian.com/ex/jira/CLOUD_ID (links stay on jira.url); "
        "find it at SITE/_edge/tenant_info. JIRA_API_URL overrides. Jira Cloud only.",
    )
    priorities: dict[Priority, NonEmpty] = Field(
        default_factory=lambda: {
            Priority.P0: "Highest",
            Priority.P1: "High",
            Priority.P2: "Medium",
            Priority.P3: "Low",
        },
        description="Action-item priority (P0..P3, all four) -> Jira priority name.",
    )
    dropped_resolutions: list[NonEmpty] = Field(
        default_factory=lambda: ["Won't Do"],
        description="Jira resolutions that mean the item was dropped rather than done.",
    )
    sync_direction: dict[Literal["action", "priority", "owner", "due"], SyncDirection] = Field(
        default_factory=dict,
        description="Per field, which side wins an edit: both (three-way merge, default), "
        "github, or jira.",
    )
    link_repeats: bool = Field(
        default=True, description="Link new tickets to open tickets of earlier, related incidents."
    )

    @field_validator("priorities")
    @classmethod
    def _all_priorities(cls, value: dict[Priority, str]) -> dict[Priority, str]:
        missing = [p.value for p in Priority if p not in value]
        if missing:
            raise ValueError(
                f"expected a Jira priority name for each of P0, P1, P2, P3; "
                f"missing {', '.join(missing)}"
            )
        return value

    def issue_type_for(self, project: str) -> str:
        """The issue type of tickets created in ``project``."""
        return self.issue_types.get(project, self.issue_type)

    @model_validator(mode="after")
    def _cloud_site_is_cloud(self) -> JiraConfig:
        host = urlsplit(self.url).hostname or "" if self.url else ""
        if self.deployment == "datacenter" and host.endswith(_ATLASSIAN_CLOUD_HOST):
            raise ValueError(
                f"jira.deployment is 'datacenter' but {self.url} is a Jira Cloud site; "
                "expected deployment 'cloud' or 'auto'"
            )
        return self
