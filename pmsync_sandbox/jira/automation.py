"""Jira automation's "Send web request" action, as far as pmsync's documented rule uses it
(docs/jira-site.md, "Status in seconds"): the rule's custom body with its smart values
filled in for one ticket.

Atlassian documents the action at
https://support.atlassian.com/cloud-automation/docs/jira-automation-actions/#Send-web-request
and smart values at
https://support.atlassian.com/cloud-automation/docs/jira-smart-values-issues/ and
https://support.atlassian.com/cloud-automation/docs/jira-smart-values-text-fields/. Taken
from there: a smart value is ``{{...}}``; ``issue.key``, ``issue.status.name`` and
``issue.description`` (the description as wiki markup) name fields of the ticket;
``match("regex")`` on a text gives the first capturing group of each match (the whole
match without a group), one match as itself, several as a comma-separated list, none as
nothing; a smart value Jira cannot fill becomes empty text. Custom data is sent as
written, smart values in place: nothing is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit

_SMART_VALUE = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.S)
_MATCH = re.compile(r'^(issue\.[\w.]+)\.match\("((?:[^"\\]|\\.)*)"\)$', re.S)


def fill(template: str, fields: Mapping[str, str]) -> str:
    """``template`` with each smart value replaced by what Jira would put there; ``fields``
    maps ``issue.key``, ``issue.status.name``, ``issue.description`` … to their text."""
    return _SMART_VALUE.sub(lambda found: _value(found.group(1), fields), template)


def _value(expression: str, fields: Mapping[str, str]) -> str:
    call = _MATCH.match(expression)
    if call is None:
        return fields.get(expression, "")
    text = fields.get(call.group(1), "")
    pattern = call.group(2).replace('\\"', '"')
    try:
        regex = re.compile(pattern)
    except re.error:
        return ""
    found = [m.group(1) if regex.groups else m.group(0) for m in regex.finditer(text)]
    return ", ".join(found)


class Deliver(Protocol):
    """The sandbox's own request path (server.SandboxApp.dispatch): method, target, headers,
    body, host; the service's answer as (status, body)."""

    def __call__(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes, host: str
    ) -> tuple[int | None, Any]: ...


def send(
    deliver: Deliver,
    fields: Callable[[], Mapping[str, str]],
    url: str,
    headers: Mapping[str, str],
    body: str,
    origin: str,
) -> dict[str, Any]:
    """Send the rule's web request (``POST``, custom body filled for the ticket whose
    smart-value ``fields`` are given) through the sandbox, as Jira would send it over the
    network; what was sent and the answer. ``url`` must lead to this sandbox (``origin``),
    whose services take it like any other request: faults, the request log and
    authentication included."""
    split = urlsplit(url)
    if f"{split.scheme}://{split.netloc}" != origin:
        raise ValueError(
            f"the sandbox sends web requests only to itself: the URL must start with {origin}/ "
            f"(e.g. {origin}/github/repos/OWNER/NAME/dispatches), not {url}"
        )
    filled = fill(body, fields())
    sent = {"content-type": "application/json", **{k.lower(): v for k, v in headers.items()}}
    target = split.path + (f"?{split.query}" if split.query else "")
    status, answer = deliver("POST", target, sent, filled.encode("utf-8"), split.netloc)
    return {"url": url, "body": filled, "status": status, "answer": answer}
