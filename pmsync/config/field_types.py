"""The checked kinds of value the configuration is made of: GitHub logins, repositories and
labels, Jira project keys, URLs, non-empty texts, author associations.

Each is a string type with a validator whose message says what was expected, so a bad value
in any section reads the same (``pmsync.config.schema`` builds the sections from them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator

# GitHub's rules: letters, digits and single inner hyphens, at most 39 characters.
_GITHUB_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
_GITHUB_REPO_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")
# Jira's default key pattern: an upper-case letter, then upper-case letters, digits or "_".
_JIRA_PROJECT_KEY = re.compile(r"[A-Z][A-Z0-9_]{1,254}")
_GITHUB_LABEL_MAX = 50


def _github_login(value: str) -> str:
    if value.startswith("@"):
        raise ValueError(f"expected the GitHub login without '@', e.g. {value[1:]!r}")
    if not _GITHUB_LOGIN.fullmatch(value):
        raise ValueError(
            "expected a GitHub login: letters, digits and single hyphens, at most 39 characters"
        )
    return value


def _github_repository(value: str) -> str:
    owner, _, name = value.partition("/")
    if not _GITHUB_LOGIN.fullmatch(owner) or not _GITHUB_REPO_NAME.fullmatch(name):
        raise ValueError("expected a repository as owner/name, e.g. acme/payments")
    return value


def _jira_project_key(value: str) -> str:
    if not _JIRA_PROJECT_KEY.fullmatch(value):
        hint = f", e.g. {value.upper()!r}" if _JIRA_PROJECT_KEY.fullmatch(value.upper()) else ""
        raise ValueError(
            "expected a Jira project key: an upper-case letter, then upper-case letters, "
            f"digits or '_' (at least 2 characters){hint}"
        )
    return value


def _http_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("expected an http(s) URL, e.g. https://acme.atlassian.net")
    if parts.username or parts.password:
        raise ValueError(
            "expected a URL without credentials; put them in the environment "
            "(GITHUB_TOKEN, JIRA_EMAIL, JIRA_API_TOKEN or JIRA_TOKEN)"
        )
    return value.rstrip("/")


def _label(value: str) -> str:
    if not value.strip():
        raise ValueError("expected a non-empty label")
    if len(value) > _GITHUB_LABEL_MAX:
        raise ValueError(f"expected at most {_GITHUB_LABEL_MAX} characters (GitHub's limit)")
    if '"' in value:
        # Searches name labels in quotes (label:"…"), and GitHub search cannot escape one.
        raise ValueError(
            'expected a label without a double quote ("), which GitHub search cannot quote; '
            "remove it from the name"
        )
    return value


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("expected a non-empty text")
    return value


def same_ignoring_case(named: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    """The keys of the first two ``(key, name)`` pairs whose names are one, case aside
    (GitHub compares logins, repositories and labels so); None when all differ."""
    seen: dict[str, str] = {}
    for key, name in named:
        if name.casefold() in seen:
            return seen[name.casefold()], key
        seen[name.casefold()] = key
    return None


GitHubLogin = Annotated[str, AfterValidator(_github_login)]
GitHubRepository = Annotated[str, AfterValidator(_github_repository)]
JiraProjectKey = Annotated[str, AfterValidator(_jira_project_key)]
HttpUrl = Annotated[str | None, AfterValidator(_http_url)]
Label = Annotated[str, AfterValidator(_label)]
NonEmpty = Annotated[str, AfterValidator(_non_empty)]
AuthorAssociation = Literal[
    "OWNER",
    "MEMBER",
    "COLLABORATOR",
    "CONTRIBUTOR",
    "FIRST_TIME_CONTRIBUTOR",
    "FIRST_TIMER",
    "MANNEQUIN",
    "NONE",
]
