"""Shared test setup."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import jira
import pytest
import responses
from github import Github
from hypothesis import settings
from support import sandbox_pmsync
from support.lifecycle import roomy_limits

from pmsync_sandbox.runner import Sandbox, running_sandbox

# Two test workers share two cores: a wall-clock deadline per example would measure the
# machine's load, not pmsync, and fail at random.
settings.register_profile("pmsync", deadline=None)
settings.load_profile("pmsync")

# Tests in these folders run against the sandbox, whatever fixture they use.
E2E_FOLDERS = {"e2e", "sandbox"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The ``e2e`` mark goes on every test that talks to the sandbox: those in the e2e and
    sandbox folders and any that uses a sandbox fixture, so ``-m e2e`` / ``-m "not e2e"``
    split the suite by what it needs, not by what a file remembered to declare."""
    for item in items:
        folder = item.path.parent.name
        if folder in E2E_FOLDERS or "sandbox_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)


# Where the test sandbox's clock stands after every reset: tests see exact timestamps.
SANDBOX_START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

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


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    """HTTP answered by `responses`: a request nobody expected fails, and so does a test
    that leaves an expected one unsent."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield rsps


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[Sandbox]:
    """One sandbox (GitHub + Jira Cloud emulator) per test process; see docs/sandbox.md."""
    with running_sandbox(now=SANDBOX_START) as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: Sandbox) -> Sandbox:
    """The shared sandbox, reset to its fresh seed (clock at SANDBOX_START) for this test,
    with GitHub's content limits raised out of the way (``roomy_limits``)."""
    sandbox_server.reset()
    roomy_limits(sandbox_server)
    return sandbox_server


@pytest.fixture
def github_client(sandbox: Sandbox) -> Iterator[Github]:
    """PyGithub as alice (OWNER of acme/payments), without retries or self-throttling."""
    client = sandbox_pmsync.client(sandbox)
    yield client
    client.close()


@pytest.fixture
def jira_client(sandbox: Sandbox) -> Iterator[jira.JIRA]:
    """The `jira` library as alice on the Jira Cloud emulator, without retries."""
    client = sandbox_pmsync.jira_client_for(sandbox)
    yield client
    client.close()
