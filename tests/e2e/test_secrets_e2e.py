"""Tokens never show: `pmsync sync` fails in every way we can make it fail, with known
token values, and no form of any token (plain, percent-encoded, base64, Basic pair,
JSON-escaped) appears in anything it produced: stdout, stderr, the log at debug level,
the job summary, the step outputs, the comments and tickets it wrote, the exception text.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from github import GithubException
from github.Requester import Requester
from jira import JIRAError
from jira.resilientsession import ResilientSession
from pydantic import SecretStr
from support.sandbox_pmsync import BODY, REPO, Site, write_config

from pmsync.config.redact import secret_forms
from pmsync.config.settings import Settings
from pmsync.entry import run as run_module
from pmsync.entry.cli import main
from pmsync_sandbox.runner import Sandbox

GITHUB_TOKEN = "ghp_KnownSecretForTheLeakTest0123456789"
JIRA_EMAIL = "pmbot@example.com"
JIRA_TOKEN = "jira-known-secret-4f7c2a91-e5d3"
WRONG_GITHUB_TOKEN = "ghp_WrongButStillSecret9876543210abcdef"
WRONG_JIRA_TOKEN = "jira-wrong-secret-0b1c2d3e4f"


def leaked_forms() -> set[str]:
    """Every form in which one of the test's secrets could show."""
    settings = Settings(
        github_token=SecretStr(GITHUB_TOKEN),
        jira_email=JIRA_EMAIL,
        jira_api_token=SecretStr(JIRA_TOKEN),
        jira_token=SecretStr(WRONG_JIRA_TOKEN),
        github_app_private_key=SecretStr(WRONG_GITHUB_TOKEN),
    )
    secrets = [*settings.secret_values(), f"{JIRA_EMAIL}:{WRONG_JIRA_TOKEN}"]
    return {form for secret in secrets for form in secret_forms(secret)}


@dataclass
class Outcome:
    code: int | str
    texts: dict[str, str]  # where -> what was there


@dataclass
class Harness:
    site: Site
    tmp_path: Path
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]
    caplog: pytest.LogCaptureFixture

    def run_sync(self) -> Outcome:
        """`pmsync -v sync` as a workflow runs it; every place output can go is read."""
        config = write_config(self.tmp_path, people=True)
        with (
            self.caplog.at_level(logging.DEBUG),
            self.caplog.at_level(logging.DEBUG, logger="github"),
        ):
            try:
                code: int | str = main(["-v", "sync", "--config", str(config), "--repo", REPO])
            except BaseException as exc:  # the test reports it with its text
                code = f"raised {type(exc).__name__}: {exc}"
        out, err = self.capsys.readouterr()
        state = self.site.sandbox.state()
        return Outcome(
            code,
            {
                "exit or exception": str(code),
                "stdout": out,
                "stderr": err,
                "log": self.caplog.text,
                "job summary": (self.tmp_path / "summary.md").read_text(encoding="utf-8"),
                "step outputs": (self.tmp_path / "outputs.txt").read_text(encoding="utf-8"),
                "github": json.dumps(state["github"]["repos"][REPO]),
                "jira": json.dumps(state["jira"]["issues"]),
            },
        )


@pytest.fixture
def harness(
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> Iterator[Harness]:
    """pmsync as `pmbot` on both sides (tokens known to the test), inside GitHub Actions,
    with one post-mortem waiting; retries do not really wait."""
    sandbox.add_github_user("pmbot", token=GITHUB_TOKEN, repos={REPO: "MEMBER"})
    sandbox.add_jira_user("pmbot", email=JIRA_EMAIL, token=JIRA_TOKEN)
    site = Site(sandbox)
    site.open("alice", BODY)
    environment = {
        "GITHUB_API_URL": sandbox.github_url,
        "GITHUB_TOKEN": GITHUB_TOKEN,
        "JIRA_URL": sandbox.jira_url,
        "JIRA_EMAIL": JIRA_EMAIL,
        "JIRA_API_TOKEN": JIRA_TOKEN,
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_OUTPUT": str(tmp_path / "outputs.txt"),
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "summary.md").touch()
    (tmp_path / "outputs.txt").touch()
    monkeypatch.setitem(run_module.start_run.__kwdefaults__, "sleep", lambda seconds: None)
    sandbox.clear_requests()
    yield Harness(site, tmp_path, monkeypatch, capsys, caplog)


def assert_no_secret(outcome: Outcome) -> None:
    forms = leaked_forms()
    leaks = {
        where: sorted(form for form in forms if form in text)
        for where, text in outcome.texts.items()
    }
    assert {where: found for where, found in leaks.items() if found} == {}


# -- ways to fail -------------------------------------------------------------------------------


def bad_github_token(h: Harness) -> None:
    h.monkeypatch.setenv("GITHUB_TOKEN", WRONG_GITHUB_TOKEN)


def bad_jira_token(h: Harness) -> None:
    h.monkeypatch.setenv("JIRA_API_TOKEN", WRONG_JIRA_TOKEN)


def github_forbids_comments(h: Harness) -> None:
    h.site.sandbox.add_fault(service="github", method="POST", path_regex="/comments$", status=403)


def github_fails(h: Harness) -> None:
    h.site.sandbox.add_fault(service="github", status=500, retry_after=0, times=1000)


def jira_fails(h: Harness) -> None:
    h.site.sandbox.add_fault(service="jira", status=500, retry_after=0, times=1000)


def github_drops_connections(h: Harness) -> None:
    h.site.sandbox.add_fault("reset", service="github", times=1000)


def jira_drops_connections(h: Harness) -> None:
    h.site.sandbox.add_fault("reset", service="jira", times=1000)


def jira_drops_the_create(h: Harness) -> None:
    h.site.sandbox.add_fault("reset", service="jira", method="POST", path_regex="/issue/bulk")


def github_quotes_the_token(h: Harness) -> None:
    """A proxy (or a future API) that quotes the credentials it refused."""
    original = Requester.requestJsonAndCheck

    def refusing(self: Requester, verb: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if verb == "POST":
            message = f"token {GITHUB_TOKEN} may not write (Authorization: token {GITHUB_TOKEN})"
            raise GithubException(403, {"message": message}, {})
        return original(self, verb, url, *args, **kwargs)

    h.monkeypatch.setattr(Requester, "requestJsonAndCheck", refusing)


def _jira_refuses_quoting(h: Harness, message: Callable[[str], str]) -> None:
    """Jira refuses every POST with a JIRAError whose answer holds ``message(header)``, the
    request's Basic credentials as ``header``."""
    original = ResilientSession.request

    def refusing(self: ResilientSession, method: str, url: str, **kwargs: Any) -> Any:
        if method == "POST":
            request = requests.Request(method, url, auth=(JIRA_EMAIL, JIRA_TOKEN)).prepare()
            response = requests.Response()
            response.status_code = 400
            response.request = request
            header = request.headers["Authorization"]
            response._content = json.dumps({"errorMessages": [message(header)]}).encode()
            raise JIRAError("refused", 400, url, request=request, response=response)
        return original(self, method, url, **kwargs)

    h.monkeypatch.setattr(ResilientSession, "request", refusing)


def jira_quotes_the_token(h: Harness) -> None:
    """The `jira` session raises a JIRAError whose text holds the request's headers, and
    the answer quotes the Basic credentials."""
    _jira_refuses_quoting(h, lambda header: f"refused {header}")


def jira_quotes_the_token_where_details_are_cut(h: Harness) -> None:
    """As above, with the credentials where a 500-character detail would be cut: a cut
    before masking would leave most of the base64 pair, which no form of it matches."""
    _jira_refuses_quoting(h, lambda header: f"{'x' * 480} refused {header} and more")


def pygithub_raises_unexpectedly(h: Harness) -> None:
    """A bug deep in the client: an exception pmsync does not know, quoting the token."""

    def broken(self: Requester, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"cannot send Authorization: token {GITHUB_TOKEN}")

    h.monkeypatch.setattr(Requester, "requestJsonAndCheck", broken)


def jira_raises_unexpectedly(h: Harness) -> None:
    def broken(self: ResilientSession, method: str, url: str, **kwargs: Any) -> Any:
        raise ValueError(f"bad headers {dict(self.headers)} auth={self.auth!r} {JIRA_TOKEN}")

    h.monkeypatch.setattr(ResilientSession, "request", broken)


FAILURES: dict[str, Callable[[Harness], None]] = {
    f.__name__: f
    for f in (
        bad_github_token,
        bad_jira_token,
        github_forbids_comments,
        github_fails,
        jira_fails,
        github_drops_connections,
        jira_drops_connections,
        jira_drops_the_create,
        github_quotes_the_token,
        jira_quotes_the_token,
        jira_quotes_the_token_where_details_are_cut,
        pygithub_raises_unexpectedly,
        jira_raises_unexpectedly,
    )
}


@pytest.mark.parametrize("failure", FAILURES)
def test_no_output_of_a_failing_run_holds_a_token(harness: Harness, failure: str) -> None:
    FAILURES[failure](harness)
    outcome = harness.run_sync()
    assert_no_secret(outcome)
    # It did fail, and said so (so the search looked at a real failure's output).
    if failure != "jira_drops_the_create":
        assert outcome.code not in (0, "0"), outcome.texts["stderr"]
        assert "::error" in outcome.texts["stderr"] or "failed:" in outcome.texts["stdout"]


def test_no_output_holds_a_prefix_of_a_token_cut_short(harness: Harness) -> None:
    jira_quotes_the_token_where_details_are_cut(harness)
    outcome = harness.run_sync()
    pair = base64.b64encode(f"{JIRA_EMAIL}:{JIRA_TOKEN}".encode()).decode()
    pieces = {pair[start : start + 12] for start in range(len(pair) - 11)}
    leaks = {where: [p for p in pieces if p in text] for where, text in outcome.texts.items()}
    assert {where: found for where, found in leaks.items() if found} == {}
    assert "refused Basic ***" in outcome.texts["stdout"]  # the whole answer, masked


def test_a_successful_run_shows_no_token_either(harness: Harness) -> None:
    outcome = harness.run_sync()
    assert outcome.code == 0
    assert "requests: github:" in outcome.texts["stdout"]
    assert_no_secret(outcome)


def test_the_real_process_masks_a_refused_token(harness: Harness) -> None:
    """The same as a user sees it: a separate `pmsync` process, its own logging set-up."""
    config = write_config(harness.tmp_path, people=True)
    harness.site.sandbox.add_fault(service="jira", status=500, retry_after=0, times=1000)
    done = subprocess.run(
        [sys.executable, "-m", "pmsync", "-v", "sync", "--config", str(config), "--repo", REPO],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=dict(os.environ),  # the harness's variables, known tokens included
    )
    assert done.returncode == 4, done.stderr
    assert "jira GET /rest/api/2/search/jql answered 500" in done.stderr
    outcome = Outcome(
        done.returncode,
        {
            "stdout": done.stdout,
            "stderr": done.stderr,
            "job summary": (harness.tmp_path / "summary.md").read_text(encoding="utf-8"),
        },
    )
    assert_no_secret(outcome)
