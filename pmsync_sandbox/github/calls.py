"""One request inside the GitHub emulator: the errors a handler raises, the call it gets,
and the pieces of GitHub's answers every family of endpoints shares (JSON bodies, pages
with their ``Link`` header, numbers and times read from the request).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from pmsync_sandbox.github.records import Account, timestamp
from pmsync_sandbox.github.renderer import Renderer
from pmsync_sandbox.github.shapes import JSON
from pmsync_sandbox.http import SandboxRequest, SandboxResponse
from pmsync_sandbox.router import Params

DOCS = "https://docs.github.com/rest"

_T = TypeVar("_T")


class GithubError(Exception):
    """An answer in GitHub's error shape; raised anywhere inside a handler."""

    def __init__(
        self, status: int, message: str, errors: list[JSON] | None = None, doc: str = ""
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.doc = doc

    def body(self, doc: str) -> JSON:
        body: JSON = {"message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        body["documentation_url"] = self.doc or doc
        body["status"] = str(self.status)
        return body


def not_found() -> GithubError:
    return GithubError(404, "Not Found")


def invalid(resource: str, field: str, code: str = "invalid", **extra: Any) -> GithubError:
    return GithubError(
        422, "Validation Failed", [{"resource": resource, "code": code, "field": field, **extra}]
    )


def too_long(resource: str, field: str, maximum: int) -> GithubError:
    message = f"{field} is too long (maximum is {maximum} characters)"
    return invalid(resource, field, "custom", message=message)


@dataclass(frozen=True)
class GitHubCall:
    """One authenticated request on its way through a handler."""

    request: SandboxRequest
    params: Params
    viewer: Account
    render: Renderer
    now: str

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.request.arg(name, default)

    def body(self) -> Any:
        try:
            return self.request.json()
        except ValueError as exc:
            raise GithubError(400, "Problems parsing JSON") from exc

    def object_body(self) -> dict[str, Any]:
        body = self.body()
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise GithubError(400, "Problems parsing JSON")
        return body


Handler = Callable[[GitHubCall], SandboxResponse]


@dataclass(frozen=True)
class Endpoint:
    handler: Handler
    doc: str  # GitHub's documentation page, for documentation_url in errors


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> SandboxResponse:
    return SandboxResponse(status, body, dict(headers or {}))


def _int_arg(text: str | None, default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        return default


def page_numbers(call: GitHubCall) -> tuple[int, int]:
    """``page`` (from 1) and ``per_page`` (1 to 100, default 30) as GitHub reads them."""
    per_page = min(max(_int_arg(call.arg("per_page"), 30), 1), 100)
    return max(_int_arg(call.arg("page"), 1), 1), per_page


def page_of(call: GitHubCall, items: list[_T]) -> tuple[list[_T], dict[str, str]]:
    """One page of ``items`` and the ``Link`` header GitHub sends with it."""
    page, per_page = page_numbers(call)
    last = max(math.ceil(len(items) / per_page), 1)
    chosen = items[(page - 1) * per_page : page * per_page]
    if last == 1:
        return chosen, {}
    request = call.request

    def url(number: int) -> str:
        query = [(k, v) for k, values in request.query.items() for v in values if k != "page"]
        return f"{request.base_url}{request.path}?{urlencode([*query, ('page', str(number))])}"

    links = []
    if page > 1:
        links.append(f'<{url(min(page - 1, last))}>; rel="prev"')
    if page < last:
        links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
    if page > 1:
        links.append(f'<{url(1)}>; rel="first"')
    return chosen, {"Link": ", ".join(links)}


def since_arg(call: GitHubCall, resource: str) -> str | None:
    """The ``since`` parameter as a GitHub timestamp; 422 when it is no time."""
    text = call.arg("since")
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise invalid(resource, "since", value=text) from exc
    return timestamp(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def by_number(text: str, find: Callable[[int], _T | None]) -> _T:
    """What ``find`` gives for the number in a path; 404 when nothing, or no number."""
    found = find(int(text)) if text.isdigit() else None
    if found is None:
        raise not_found()
    return found
