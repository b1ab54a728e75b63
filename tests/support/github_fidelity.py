"""GitHub's OpenAPI description as the sandbox's fidelity tests read it, and raw HTTP to
the emulator, so a test sees exactly what a client receives."""

from __future__ import annotations

from functools import cache
from typing import Any

import requests

from pmsync_sandbox.runner import Sandbox
from support.openapi_schema import resolve
from support.realdata import load_json

# GitHub's description cut to the operations and examples these tests read
# (scripts/cut-openapi; tests/data/SOURCES.md).
GITHUB_OPENAPI = "openapi/github-rest-api.cut.json"


@cache
def spec() -> dict[str, Any]:
    document: dict[str, Any] = load_json(GITHUB_OPENAPI)
    return document


def response_schema(
    template: str, method: str, status: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The schema GitHub documents for this answer, and the document its $refs live in."""
    document = spec()
    operation = document["paths"].get(template, {}).get(method.lower())
    if operation is None:
        raise AssertionError(
            f"{GITHUB_OPENAPI} has no {method} {template}: add it to"
            " tests/data/openapi/cut.json and run scripts/cut-openapi"
        )
    answer = resolve(operation["responses"][str(status)], document)
    return answer["content"]["application/json"]["schema"], document


class Api:
    """Raw HTTP to the emulator, so the test sees exactly what a client receives."""

    def __init__(self, sandbox: Sandbox, token: str) -> None:
        self.base = sandbox.github_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"token {token}"

    def __call__(
        self, method: str, path: str, json: Any = None, params: dict[str, str] | None = None
    ) -> requests.Response:
        return self.session.request(method, f"{self.base}{path}", json=json, params=params)
