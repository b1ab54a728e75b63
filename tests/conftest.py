"""Shared test setup."""

from __future__ import annotations

import pytest

# Variables a CI runner (GitHub Actions sets most of them for every step) or a developer's
# shell may carry that change what pmsync does: tests start without them, so they behave
# the same everywhere. A test that needs one sets it with monkeypatch.
_OUTSIDE_STATE = (
    "GITHUB_ACTIONS",
    "GITHUB_OUTPUT",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_EVENT_NAME",
    "GITHUB_EVENT_PATH",
    "GITHUB_REPOSITORY",
    "GITHUB_API_URL",
    "GITHUB_TOKEN",
    "GITHUB_APP_ID",
    "GITHUB_APP_PRIVATE_KEY",
    "GITHUB_APP_INSTALLATION_ID",
    "JIRA_URL",
    "JIRA_EMAIL",
    "JIRA_API_TOKEN",
    "JIRA_TOKEN",
    "PMSYNC_CONFIG",
)


@pytest.fixture(autouse=True)
def _no_outside_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _OUTSIDE_STATE:
        monkeypatch.delenv(name, raising=False)
