"""The plumbing every Jira endpoint shares: one call's context, and Jira's error answers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pmsync_sandbox.http import SandboxRequest, SandboxResponse
from pmsync_sandbox.jira.shapes import View
from pmsync_sandbox.jira.store import JiraStore, JiraUser, Ticket

JSON_TYPE = "application/json;charset=UTF-8"
ISSUE_NOT_FOUND = "Issue does not exist or you do not have permission to see it."


def error_body(messages: list[str], errors: dict[str, str] | None = None) -> dict[str, Any]:
    return {"errorMessages": messages, "errors": errors or {}}


class JiraHttpError(Exception):
    """Stops a handler and answers with Jira's error shape."""

    def __init__(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}

    def response(self) -> SandboxResponse:
        return respond(self.status, self.body, self.headers)

    @classmethod
    def bad_request(
        cls, messages: list[str], errors: dict[str, str] | None = None
    ) -> JiraHttpError:
        return cls(400, error_body(messages, errors))

    @classmethod
    def not_found(cls, message: str) -> JiraHttpError:
        return cls(404, error_body([message]))


def respond(
    status: int, body: object = None, headers: dict[str, str] | None = None
) -> SandboxResponse:
    all_headers = {"Content-Type": JSON_TYPE} if body is not None else {}
    all_headers.update(headers or {})
    return SandboxResponse(status=status, body=body, headers=all_headers)


@dataclass
class JiraCall:
    """One authenticated request, with what its handler needs to answer it."""

    request: SandboxRequest
    store: JiraStore
    view: View
    actor: JiraUser
    now: datetime

    @property
    def cloud(self) -> bool:
        return self.view.cloud

    def body(self) -> Any:
        """The JSON body; a missing or malformed one is Jira's 400."""
        if not self.request.body.strip():
            raise JiraHttpError.bad_request(["No content to map to Object due to end of input"])
        try:
            return json.loads(self.request.body)
        except (ValueError, UnicodeDecodeError) as error:
            raise JiraHttpError.bad_request(
                [f"Unexpected character in the JSON body: {error}"]
            ) from None

    def object_body(self) -> dict[str, Any]:
        body = self.body()
        if not isinstance(body, dict):
            raise JiraHttpError.bad_request(["The request body must be a JSON object."])
        return body

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.request.arg(name, default)

    def list_arg(self, name: str) -> list[str]:
        """A parameter given repeatedly and/or comma-separated, as Jira reads ``fields``."""
        return [
            part for value in self.request.query.get(name, []) for part in value.split(",") if part
        ]

    def int_arg(self, name: str, default: int) -> int:
        raw = self.arg(name)
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise JiraHttpError.bad_request([f"The '{name}' parameter must be a number."]) from None

    def page_window(self, default_size: int) -> tuple[int, int]:
        """``startAt`` and ``maxResults`` of a paged list; Jira reads a negative one as 0."""
        start_at = max(self.int_arg("startAt", 0), 0)
        return start_at, max(self.int_arg("maxResults", default_size), 0)

    def ticket(self, ref: str) -> Ticket:
        found = self.store.ticket(ref)
        if found is None:
            raise JiraHttpError.not_found(ISSUE_NOT_FOUND)
        return found
