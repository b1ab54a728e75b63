"""Holding the Jira emulator's answers against Atlassian's Jira Cloud OpenAPI description
(the cut in tests/data/openapi), and raw HTTP to the emulator, for the fidelity tests of
the default site and of each site profile.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import requests

from pmsync_sandbox.runner import Sandbox
from support.openapi_schema import check, resolve
from support.realdata import load_json

# Atlassian's description cut to what these tests read (scripts/cut-openapi).
SPEC = "openapi/jira-cloud-platform-rest-v3.cut.json"

# Keys real answers carry that the published schema does not list.
UNDOCUMENTED = {
    "defaultLocale",  # serverInfo: in every real answer and in Atlassian's own examples
    "untranslatedName",  # statuses on Cloud
    "isLooped",  # transitions (the schema says "looped")
}


@cache
def spec() -> dict[str, Any]:
    document: dict[str, Any] = load_json(SPEC)
    return document


def schema_for(template: str, method: str, status: int) -> dict[str, Any]:
    operation = spec()["paths"][template][method.lower()]
    answer = resolve(operation["responses"][str(status)], spec())
    schema: dict[str, Any] = answer["content"]["application/json"]["schema"]
    return schema


def component(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def unknown_keys(instance: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Keys in ``instance`` that a closed schema (additionalProperties: false) does not list."""
    schema = resolve(schema, spec())
    problems: list[str] = []
    for part in schema.get("allOf", []):
        problems += unknown_keys(instance, part, where)
    if isinstance(instance, dict):
        listed = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            problems += [
                f"{where}.{k}" for k in instance if k not in listed and k not in UNDOCUMENTED
            ]
        for name, sub in listed.items():
            if name in instance:
                problems += unknown_keys(instance[name], sub, f"{where}.{name}")
    if isinstance(instance, list) and "items" in schema:
        for index, item in enumerate(instance):
            problems += unknown_keys(item, schema["items"], f"{where}[{index}]")
    return problems


def conforms(instance: Any, schema: dict[str, Any]) -> list[str]:
    return check(instance, schema, spec()) + unknown_keys(instance, schema)


class Api:
    """Raw HTTP to the emulator, so the test sees exactly what a client receives."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.base = f"{sandbox.jira_url}/rest/api"
        self.session = requests.Session()
        if sandbox.jira_email:  # Cloud: e-mail and API token
            self.session.auth = (sandbox.jira_email, sandbox.jira_token)
        else:  # Data Center: a personal access token
            self.session.headers["Authorization"] = f"Bearer {sandbox.jira_token}"

    def __call__(
        self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None
    ) -> requests.Response:
        return self.session.request(method, f"{self.base}{path}", json=json, params=params)

    def ok(self, method: str, path: str, json: Any = None, **params: Any) -> Any:
        response = self(method, path, json=json, params=params or None)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None


# (method, the description's path template, the path asked, status, JSON body, query)
Case = tuple[str, str, str, int, Any, dict[str, Any]]


def createmeta_cases(issue_type_id: str) -> list[Case]:
    """The create screen of project OPS: its issue types, and the fields of one."""
    base = "/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes"
    return [
        ("GET", base, "/3/issue/createmeta/OPS/issuetypes", 200, None, {}),
        (
            "GET",
            base + "/{issueTypeId}",
            f"/3/issue/createmeta/OPS/issuetypes/{issue_type_id}",
            200,
            None,
            {},
        ),
    ]


def assert_answers_conform(api: Api, cases: list[Case]) -> None:
    """Each case answers with its status, in the shape Atlassian's description gives it."""
    for method, template, path, status, body, params in cases:
        answer = api(method, path, json=body, params=params or None)
        assert answer.status_code == status, (path, answer.text)
        problems = conforms(answer.json(), schema_for(template, method, status))
        assert problems == [], (path, problems)
