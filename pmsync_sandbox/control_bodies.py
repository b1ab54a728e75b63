"""What each control request under ``/_sandbox/`` must send, as pydantic models, and
reading a request's body into one (a body that does not fit is answered with 400)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pmsync_sandbox.http import SandboxRequest


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClockBody(_Body):
    now: datetime | None


class LatencyBody(_Body):
    ms: int = Field(ge=0, le=60_000)


Role = Literal["OWNER", "MEMBER", "COLLABORATOR", "PRIVATE_MEMBER", "READ_MEMBER", "NONE"]


class GithubUserBody(_Body):
    login: str = Field(pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
    token: str | None = Field(default=None, min_length=1)
    repos: dict[str, Role] = Field(default_factory=dict)
    name: str | None = None
    email: str | None = None


class GithubRepoBody(_Body):
    full_name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")


class GithubAppBody(_Body):
    slug: str = Field(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,33})$")
    repos: list[str] = Field(default_factory=list)


class GithubPullBody(_Body):
    repo: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")
    title: str = Field(min_length=1)
    body: str | None = None
    merged: bool = False
    head: str | None = Field(default=None, min_length=1)
    author: str = "alice"


class GithubCommitBody(_Body):
    repo: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")
    message: str = Field(min_length=1)
    author: str = "alice"


class GithubCommentBody(_Body):
    repo: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")
    number: int = Field(ge=1)
    body: str = Field(min_length=1)
    author: str = "alice"


class GithubTransferBody(_Body):
    repo: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")
    number: int = Field(ge=1)
    to: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")


class GithubLimitsBody(_Body):
    content_per_minute: int | None = Field(default=None, ge=1)
    content_per_hour: int | None = Field(default=None, ge=1)
    search_per_minute: int | None = Field(default=None, ge=1)


class GithubRateLimitBody(_Body):
    resource: Literal["core", "search"] = "core"
    limit: int = Field(ge=1)
    remaining: int | None = Field(default=None, ge=0)


class JiraProjectBody(_Body):
    key: str = Field(pattern=r"^[A-Z][A-Z0-9_]{1,9}$")
    name: str = Field(min_length=1)


class JiraProfileBody(_Body):
    name: str = Field(min_length=1)


class JiraUserBody(_Body):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    account_id: str = Field(alias="accountId", min_length=1)
    name: str | None = None
    display_name: str | None = Field(default=None, alias="displayName")
    email: str | None = Field(default=None, alias="emailAddress")
    token: str | None = Field(default=None, min_length=1)


class WebRequestBody(_Body):
    """Jira automation's "Send web request" for one ticket: the rule's URL, headers and
    custom body (smart values and all), as the rule's author wrote them."""

    issue: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://")
    headers: dict[str, str] = Field(default_factory=dict)
    body: str


class BadBody(Exception):
    """The control request's body does not say what it must; answered with 400."""


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], request: SandboxRequest) -> M:
    try:
        return model.model_validate_json(request.body or b"{}")
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
            for error in exc.errors()
        )
        raise BadBody(problems) from exc
