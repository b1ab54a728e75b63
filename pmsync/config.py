"""The configuration model: every key has a default where one makes sense.

Secrets never live here; they come from the environment (see ``pmsync.settings``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pmsync.model import Priority


class Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GitHubConfig(Section):
    repositories: list[str] = Field(
        default_factory=list, description="Repositories whose post-mortems pmsync reconciles."
    )
    api_url: str | None = Field(
        default=None,
        description="GitHub API base URL; GITHUB_API_URL overrides; default https://api.github.com.",
    )
    throttle: bool = Field(
        default=True,
        description="Pause between requests as GitHub asks of integrations (off for the sandbox).",
    )

    @field_validator("repositories")
    @classmethod
    def _owner_slash_name(cls, value: list[str]) -> list[str]:
        for repo in value:
            owner, _, name = repo.partition("/")
            if not owner or not name or "/" in name:
                raise ValueError(f"{repo!r} is not of the form owner/name")
        return value


SyncDirection = Literal["both", "github", "jira"]


class JiraConfig(Section):
    url: str | None = Field(default=None, description="Jira site URL; JIRA_URL overrides.")
    deployment: Literal["auto", "cloud", "datacenter"] = Field(
        default="auto", description="Cloud or Data Center; auto reads serverInfo."
    )
    project: str = Field(default="OPS", description="Default Jira project key for tickets.")
    projects_by_service: dict[str, str] = Field(
        default_factory=dict, description="Service name -> project key, overriding the default."
    )
    issue_type: str = Field(default="Task", description="Issue type of created tickets.")
    priorities: dict[Priority, str] = Field(
        default_factory=lambda: {
            Priority.P0: "Highest",
            Priority.P1: "High",
            Priority.P2: "Medium",
            Priority.P3: "Low",
        },
        description="Action-item priority -> Jira priority name.",
    )
    dropped_resolutions: list[str] = Field(
        default_factory=lambda: ["Won't Do"],
        description="Resolutions that mean the item was dropped rather than done.",
    )
    sync_direction: dict[Literal["action", "priority", "owner", "due"], SyncDirection] = Field(
        default_factory=dict,
        description="Per field: both (three-way merge, default), github, or jira.",
    )
    link_repeats: bool = Field(
        default=True, description="Link new tickets to open tickets of earlier, related incidents."
    )


class Person(Section):
    jira_account: str | None = Field(
        default=None, description="accountId on Jira Cloud, username on Data Center."
    )
    email: str | None = Field(default=None, description="Used for a Jira user search.")


class LabelsConfig(Section):
    postmortem: str = "postmortem"
    needs_fix: str = "pm:needs-fix"
    complete: str = "pm:complete"
    overdue: str = "pm:overdue"
    repeat: str = "repeat-incident"
    approved: str = "pm:approved"
    digest: str = "pm:digest"
    service_prefix: str = "service:"
    root_cause_prefix: str = "root-cause:"
    severity_prefix: str = "sev:"


class FollowupConfig(Section):
    milestones_days: list[int] = Field(default_factory=lambda: [14, 28])
    skip_weekends: bool = True
    nudge_overdue: bool = False
    close_when_complete: bool = False


class RepeatsConfig(Section):
    rule: Literal["service", "service+root-cause", "root-cause"] = "service"
    lookback_days: int = Field(default=180, ge=1)


class TrustConfig(Section):
    author_associations: list[str] = Field(
        default_factory=lambda: ["OWNER", "MEMBER", "COLLABORATOR"]
    )


class LintConfig(Section):
    max_action_items: int = Field(default=10, ge=1, description="More rows than this is an error.")
    vague_action: bool = True
    team_owner: bool = True
    due_far: bool = True
    due_far_days: int = Field(default=30, ge=1)
    many_action_items: bool = True
    many_action_items_threshold: int = Field(default=5, ge=1)
    blame_language: bool = True
    timeline_detection: bool = True


class Config(Section):
    github: GitHubConfig = Field(default_factory=GitHubConfig)
    jira: JiraConfig = Field(default_factory=JiraConfig)
    people: dict[str, Person] = Field(default_factory=dict)
    labels: LabelsConfig = Field(default_factory=LabelsConfig)
    followup: FollowupConfig = Field(default_factory=FollowupConfig)
    repeats: RepeatsConfig = Field(default_factory=RepeatsConfig)
    trust: TrustConfig = Field(default_factory=TrustConfig)
    lint: LintConfig = Field(default_factory=LintConfig)
    form: Path | None = Field(
        default=None,
        description="Issue form to read field labels from; default: the repository's "
        ".github/ISSUE_TEMPLATE/postmortem.yml, else the form shipped with pmsync.",
    )

    def project_for(self, services: tuple[str, ...]) -> str:
        """The Jira project for a post-mortem: the first routed service wins."""
        for service in services:
            if service in self.jira.projects_by_service:
                return self.jira.projects_by_service[service]
        return self.jira.project
