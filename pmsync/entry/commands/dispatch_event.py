"""The post-mortem a ``repository_dispatch`` event names (docs/jira-site.md, "Status in
seconds"): a Jira automation rule sends one when a pmsync ticket changes status.

Whoever can send a repository dispatch chooses its whole payload, so the payload is
untrusted: of it pmsync reads only ``action`` (the event type, which must be pmsync's) and
two properties of ``client_payload``, ``repository`` and ``issue``, and each is checked
strictly. The repository must be the workflow's own (the payload's ``repository``, which
GitHub fills) or one the configuration lists; the issue a positive whole number. Anything
else is an error that says what is wrong and where to fix it, and nothing is run.
The shape of the event: https://docs.github.com/webhooks/webhook-events-and-payloads#repository_dispatch
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pmsync.errors import UsageError

EVENT_NAME = "repository_dispatch"
EVENT_TYPE = "pmsync-ticket-changed"
_REPOSITORY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")
_NUMBER = re.compile(r"[1-9][0-9]{0,9}")
_FIX = "fix the body of the Jira automation rule that sends it (docs/jira-site.md)"
_SHOWN = 60  # characters of an unexpected value a message quotes


def dispatched_issue(
    payload: Mapping[str, Any], own_repo: str | None, configured: Iterable[str]
) -> tuple[str, int]:
    """(repository, issue number) the dispatch asks pmsync to sync; UsageError otherwise.
    The repository is spelled as the configuration (or the workflow) spells it."""
    action = payload.get("action")
    if action != EVENT_TYPE:
        raise UsageError(
            f"a repository dispatch of type {_shown(action)} is not pmsync's: pmsync handles "
            f"only {EVENT_TYPE!r}; list only that type under repository_dispatch in the workflow"
        )
    client = payload.get("client_payload")
    if not isinstance(client, Mapping):
        raise UsageError(f"the repository dispatch has no client_payload object; {_FIX}")
    return _repository(client.get("repository"), own_repo, configured), _number(client.get("issue"))


def _repository(value: Any, own_repo: str | None, configured: Iterable[str]) -> str:
    if not isinstance(value, str) or not _REPOSITORY.fullmatch(value):
        raise UsageError(
            f"client_payload.repository {_shown(value)} is not a repository (OWNER/NAME); {_FIX}"
        )
    allowed = [*([own_repo] if own_repo else []), *configured]
    for repo in allowed:
        if repo.casefold() == value.casefold():
            return repo
    raise UsageError(
        f"client_payload.repository {value!r} is neither this workflow's repository nor one "
        "listed in github.repositories of the configuration; nothing is synced. Send the "
        f"post-mortem's own repository, or list it in the configuration"
    )


def _number(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**10:
        return value
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return int(value)
    raise UsageError(
        f"client_payload.issue {_shown(value)} is not an issue number (a whole number from 1); "
        f"{_FIX}"
    )


def _shown(value: Any) -> str:
    """An unexpected value, quoted and cut short for a message."""
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
