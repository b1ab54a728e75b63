"""The configuration model: every key, its default where one makes sense, and its checks.

Secrets never live here; they come from the environment (see ``pmsync.config.settings``).
Finding and reading the file is ``pmsync.config.loading``; the checked kinds of value the
keys are made of are ``pmsync.config.field_types``.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from pmsync.config.evidence_schema import EvidenceConfig
from pmsync.config.field_types import (
    AuthorAssociation,
    GitHubLogin,
    GitHubRepository,
    HttpUrl,
    Label,
    same_ignoring_case,
)
from pmsync.config.jira_schema import JiraConfig as JiraConfig  # where tests and tools find it
from pmsync.config.section import ConfigSection

SCHEMA_PATH = Path("config/pmsync.schema.json")

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class GitHubConfig(ConfigSection):
    repositories: list[GitHubRepository] = Field(
        default_factory=list,
        description="Repositories (owner/name) whose post-mortems pmsync reconciles.",
    )
    api_url: HttpUrl = Field(
        default=None,
        description="GitHub API base URL; GITHUB_API_URL overrides; default "
        "https://api.github.com (GitHub Enterprise: https://HOST/api/v3).",
    )
    throttle: bool = Field(
        default=True,
        description="Pause between requests as GitHub asks of integrations (off for the sandbox).",
    )

    @field_validator("repositories")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if twice := same_ignoring_case((repo, repo) for repo in value):
            raise ValueError(f"expected each repository once; {twice[1]!r} is listed twice")
        return value


class Person(ConfigSection):
    jira_account: str | None = Field(
        default=None, description="accountId on Jira Cloud, username on Data Center."
    )
    email: str | None = Field(
        default=None, description="Email address; used to find the Jira user when no account."
    )

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.fullmatch(value):
            raise ValueError("expected an email address, e.g. alice@example.com")
        return value

    @model_validator(mode="after")
    def _reachable(self) -> Person:
        if not self.jira_account and not self.email:
            raise ValueError("expected jira_account or email (or both) for this person")
        return self


class LabelsConfig(ConfigSection):
    postmortem: Label = Field(default="postmortem", description="Marks a post-mortem issue.")
    needs_fix: Label = Field(
        default="pm:needs-fix", description="The body has errors that stop ticket creation."
    )
    complete: Label = Field(default="pm:complete", description="Every action item is done.")
    overdue: Label = Field(default="pm:overdue", description="An action item is past its due.")
    repeat: Label = Field(
        default="repeat-incident", description="An earlier post-mortem hit the same service."
    )
    approved: Label = Field(
        default="pm:approved", description="A maintainer approved a post-mortem from outside."
    )
    digest: Label = Field(default="pm:digest", description="Marks the monthly digest issue.")
    blocked: Label = Field(
        default="pm:blocked",
        description="Jira refused a ticket of this post-mortem; removed once a run succeeds.",
    )
    service_prefix: Label = Field(default="service:", description="Prefix of service labels.")
    root_cause_prefix: Label = Field(
        default="root-cause:", description="Prefix of root-cause category labels."
    )
    severity_prefix: Label = Field(default="sev:", description="Prefix of severity labels.")

    @model_validator(mode="after")
    def _distinct(self) -> LabelsConfig:
        labels = self.model_dump()
        if twice := same_ignoring_case(labels.items()):
            earlier, later = twice
            raise ValueError(
                f"expected distinct labels; labels.{earlier} and labels.{later} are both "
                f"{labels[later]!r}"
            )
        return self


_POLICY_KEY = re.compile(r"(?:(p)\s*([0-3])|sev\s*[-_ ]?\s*([1-4]))", re.IGNORECASE)


def policy_key(text: str) -> str | None:
    """A ``followup.due_policy`` key as pmsync spells it (``P1``, ``SEV2``), or None."""
    found = _POLICY_KEY.fullmatch(text.strip())
    if found is None:
        return None
    return f"P{found.group(2)}" if found.group(1) else f"SEV{found.group(3)}"


class FollowupConfig(ConfigSection):
    milestones_days: list[int] = Field(
        default_factory=lambda: [14, 28],
        description="Days after the incident at which a follow-up review checklist is posted.",
    )
    skip_weekends: bool = Field(
        default=True, description="A milestone on a Saturday or Sunday moves to Monday."
    )
    nudge_overdue: bool = Field(
        default=False,
        description="Post one comment per overdue item and due date, mentioning its owner.",
    )
    close_when_complete: bool = Field(
        default=False,
        description="Close the issue with a closing comment once every action item is done "
        "and the last follow-up review has been posted.",
    )
    completion_target_percent: int = Field(
        default=90,
        ge=1,
        le=100,
        description="Share of action items that should be done by the last review, in percent.",
    )
    due_policy: dict[str, int] = Field(
        default_factory=dict,
        description="Most days from the incident start to an item's due date, by the item's "
        "priority (P0-P3) or the incident's severity (SEV1-SEV4), e.g. {P0: 7, P1: 14}; a row "
        "due later gets a warning. Empty: no policy.",
        json_schema_extra={
            "propertyNames": {"pattern": r"^\s*(?:[Pp]\s*[0-3]|[Ss][Ee][Vv]\s*[-_ ]?\s*[1-4])\s*$"},
            "additionalProperties": {"type": "integer", "minimum": 1},
        },
    )
    remind_before_days: int | None = Field(
        default=None,
        ge=1,
        description="Post one reminder this many days before an open item's due date, "
        "mentioning its owner (once per item and due date). null: no reminders.",
    )
    evidence: EvidenceConfig = Field(
        default_factory=EvidenceConfig,
        description="Shipped evidence: merged pull requests, else default-branch commits, "
        "that name a done item's Jira key.",
    )

    @field_validator("due_policy")
    @classmethod
    def _policy_keys(cls, value: dict[str, int]) -> dict[str, int]:
        policy: dict[str, int] = {}
        for key, days in value.items():
            name = policy_key(key)
            if name is None:
                raise ValueError(
                    f"{key!r} is neither a priority (P0, P1, P2, P3) nor a severity "
                    "(SEV1, SEV2, SEV3, SEV4)"
                )
            if name in policy:
                raise ValueError(f"{name} is listed twice")
            if isinstance(days, bool) or days < 1:
                raise ValueError(f"{key}: expected a positive number of days, e.g. 14")
            policy[name] = days
        return policy

    def due_limit(self, priority: str, severity: int | None) -> tuple[int, str] | None:
        """The most days the policy allows from the incident start to the due date of an
        item of ``priority`` in an incident of ``severity``, and the key that sets it (the
        stricter one when both the priority and the severity are listed); None: no limit."""
        keys = [priority.upper(), *([f"SEV{severity}"] if severity is not None else [])]
        limits = [(self.due_policy[key], key) for key in keys if key in self.due_policy]
        return min(limits) if limits else None

    @field_validator("milestones_days")
    @classmethod
    def _positive_ascending(cls, value: list[int]) -> list[int]:
        if any(days < 1 for days in value):
            raise ValueError("expected positive numbers of days, e.g. [14, 28]")
        if any(later <= earlier for earlier, later in itertools.pairwise(value)):
            raise ValueError("expected days in ascending order without repeats, e.g. [14, 28]")
        return value


class WorkerConfig(ConfigSection):
    sync_every_minutes: int = Field(
        default=60, ge=1, description="How often `pmsync worker` runs a sync, in minutes."
    )
    report_every_minutes: int = Field(
        default=1440,
        ge=1,
        description="How often `pmsync worker` runs the report job, in minutes.",
    )


class RepeatsConfig(ConfigSection):
    rule: Literal["service", "service+root-cause", "root-cause"] = Field(
        default="service",
        description="What makes two post-mortems related: the same service label, the same "
        "service and root-cause category, or the same root-cause category.",
    )
    lookback_days: int = Field(
        default=180, ge=1, description="How far back an earlier post-mortem counts."
    )
    max_linked: int = Field(
        default=3,
        ge=1,
        le=20,
        description="A repeat lists in full, back-links and links in Jira only this many of "
        "the most recent earlier post-mortems; older ones are summed up in one line.",
    )


class ReportConfig(ConfigSection):
    completion_window_days: int = Field(
        default=28,
        ge=1,
        description="`pmsync report`: an action item counts as completed in time when done "
        "within this many days of the incident start.",
    )
    on_time_target_percent: int = Field(
        default=80,
        ge=1,
        le=100,
        description="`pmsync report`: target share of P0/P1 action items done by their due date.",
    )
    publish_target_business_days: int = Field(
        default=5,
        ge=0,
        description="`pmsync report`: business days from the incident start within which "
        "the post-mortem issue should be opened.",
    )
    healthy_action_items_min: int = Field(
        default=3,
        ge=0,
        description="`pmsync report`: fewest action items of a healthy post-mortem (the most "
        "is lint.many_action_items_threshold).",
    )
    digest_repository: GitHubRepository | None = Field(
        default=None,
        description="Where `pmsync report --publish` keeps the monthly digest issue; default: "
        "$GITHUB_REPOSITORY, else the first repository reported on.",
    )


def _owner_only() -> list[AuthorAssociation]:
    return ["OWNER"]


class TrustConfig(ConfigSection):
    # Only OWNER by default: write access is asked of GitHub, and no other association
    # proves it (docs/adr/0007-trust-by-permission.md).
    author_associations: list[AuthorAssociation] = Field(
        default_factory=_owner_only,
        description="Authors trusted by association besides those with write access, whose "
        "post-mortems create tickets without the approved label (slash commands need write "
        "access).",
    )


class LintConfig(ConfigSection):
    max_action_items: int = Field(default=10, ge=1, description="More rows than this is an error.")
    max_services: int = Field(
        default=20,
        ge=1,
        le=90,
        description="More affected services than this is an error (each becomes a label).",
    )
    vague_action: bool = Field(default=True, description="Warn on actions without a target.")
    team_owner: bool = Field(default=True, description="Warn when a team owns an action item.")
    due_far: bool = Field(default=True, description="Warn on a due date far in the future.")
    due_far_days: int = Field(
        default=30, ge=1, description="Days after the incident that count as far."
    )
    due_passed: bool = Field(
        default=True,
        description="`pmsync validate` warns on a due date already passed (an item that "
        "would be overdue on its first sync).",
    )
    many_action_items: bool = Field(default=True, description="Warn on many action items.")
    many_action_items_threshold: int = Field(
        default=5, ge=1, description="More rows than this draws the warning."
    )
    blame_language: bool = Field(
        default=True, description="Warn when the root cause blames a person."
    )
    timeline_detection: bool = Field(
        default=True, description="Warn when the timeline has no detection time."
    )
    unknown_heading: bool = Field(
        default=True,
        description="Warn on a section heading the form does not know, naming the nearest one.",
    )

    @model_validator(mode="after")
    def _threshold_below_maximum(self) -> LintConfig:
        if self.many_action_items and self.many_action_items_threshold >= self.max_action_items:
            raise ValueError(
                f"lint.many_action_items_threshold ({self.many_action_items_threshold}) must be "
                f"below lint.max_action_items ({self.max_action_items}) or the warning can never "
                "fire; to switch it off set lint.many_action_items: false"
            )
        return self


class Config(ConfigSection):
    model_config = ConfigDict(title="pmsync configuration")

    github: GitHubConfig = Field(default_factory=GitHubConfig, description="GitHub side.")
    jira: JiraConfig = Field(default_factory=JiraConfig, description="Jira side.")
    people: dict[GitHubLogin, Person] = Field(
        default_factory=dict,
        description="GitHub login (without '@') -> Jira account and/or email.",
    )
    labels: LabelsConfig = Field(
        default_factory=LabelsConfig, description="Labels pmsync reads and sets on issues."
    )
    followup: FollowupConfig = Field(
        default_factory=FollowupConfig, description="Follow-up reviews and overdue handling."
    )
    repeats: RepeatsConfig = Field(
        default_factory=RepeatsConfig, description="Repeat-incident detection."
    )
    trust: TrustConfig = Field(
        default_factory=TrustConfig, description="Who may trigger pmsync from GitHub."
    )
    report: ReportConfig = Field(
        default_factory=ReportConfig, description="`pmsync report` and the monthly digest."
    )
    worker: WorkerConfig = Field(
        default_factory=WorkerConfig, description="Schedules of the long-running `pmsync worker`."
    )
    lint: LintConfig = Field(
        default_factory=LintConfig, description="Errors and warnings about post-mortem bodies."
    )
    form: Path | None = Field(
        default=None,
        description="Issue form to read field labels from; default: the repository's "
        ".github/ISSUE_TEMPLATE/postmortem.yml, else the form shipped with pmsync.",
    )

    @field_validator("people")
    @classmethod
    def _logins_ignore_case(cls, people: dict[str, Person]) -> dict[str, Person]:
        """GitHub logins ignore case (``@Bob`` is ``@bob``): keys are kept case-folded, and
        lookups fold the handle too."""
        if twice := same_ignoring_case((login, login) for login in people):
            raise ValueError(
                f"{twice[0]!r} and {twice[1]!r} are one GitHub login (logins ignore case); "
                "keep one of them"
            )
        return {login.casefold(): person for login, person in people.items()}

    def project_for(self, services: tuple[str, ...]) -> str:
        """The Jira project for a post-mortem: the first routed service wins."""
        for service in services:
            if service in self.jira.projects_by_service:
                return self.jira.projects_by_service[service]
        return self.jira.project


def config_json_schema() -> dict[str, Any]:
    """JSON Schema of the configuration file, for editors (yaml-language-server)."""
    schema = Config.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def config_json_schema_text() -> str:
    """The schema exactly as ``config/pmsync.schema.json`` holds it."""
    return json.dumps(config_json_schema(), indent=2, ensure_ascii=False) + "\n"
