"""The sandbox's server core and its /_sandbox control API: reset, state, clock, request
log, faults, latency, seeding, the state file and `pmsync sandbox serve`.

Most tests run a sandbox whose Jira side is a recording fake, so they check what the
server does around any service, independently of the Jira emulator.
"""

from __future__ import annotations

import errno
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jira
import pytest
import requests
from github import Auth, Github, GithubException

from pmsync.entry.cli import main
from pmsync.errors import ConfigError
from pmsync_sandbox import serve as sandbox_serve
from pmsync_sandbox.http import SandboxRequest, SandboxResponse
from pmsync_sandbox.runner import Sandbox, SandboxControlError, running_sandbox

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class RecordingJira:
    """A stand-in Jira service: answers with what it was asked and records every call."""

    deployment = "Cloud"  # which credentials the sandbox hands out (GET /_sandbox/env)

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.data: dict[str, Any] = {"tickets": 0}

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        if request.method == "POST":
            self.data["tickets"] += 1
        return SandboxResponse(200, {"path": request.path, "base_url": request.base_url})

    def snapshot(self) -> dict[str, Any]:
        return dict(self.data)

    def restore(self, data: dict[str, Any]) -> None:
        self.data = dict(data)

    def reset(self) -> None:
        self.calls.append(("reset",))
        self.data = {"tickets": 0}

    def add_user(
        self, account_id: str, name: str, display_name: str, email: str, token: str | None = None
    ) -> None:
        self.calls.append(("add_user", account_id, name, display_name, email, token))

    def add_project(self, key: str, name: str) -> None:
        self.calls.append(("add_project", key, name))

    def credentials(self, account_id: str) -> tuple[str, str]:
        return f"{account_id}@example.com", f"jira-token-{account_id}"

    def error_response(self, status: int, message: str) -> SandboxResponse:
        return SandboxResponse(status, {"errorMessages": [message], "errors": {}})


FAKE_JIRA = RecordingJira()


@pytest.fixture(scope="module")
def core_server() -> Iterator[Sandbox]:
    with running_sandbox(now=START, jira_service=FAKE_JIRA) as server:
        yield server


@pytest.fixture
def core(core_server: Sandbox) -> Sandbox:
    core_server.reset()
    FAKE_JIRA.calls.clear()
    return core_server


@pytest.fixture
def gh(core: Sandbox) -> Iterator[Github]:
    client = Github(
        base_url=core.github_url,
        auth=Auth.Token(core.github_token),
        retry=None,
        seconds_between_requests=0,
        seconds_between_writes=0,
    )
    yield client
    client.close()


def issue_count(sandbox: Sandbox) -> int:
    return len(sandbox.state()["github"]["repos"]["acme/payments"]["issues"])


# --- environment, reset, state ----------------------------------------------------------


def test_env_names_the_five_variables(core: Sandbox) -> None:
    assert core.env() == {
        "GITHUB_API_URL": f"http://127.0.0.1:{core.port}/github",
        "GITHUB_TOKEN": core.github_token,
        "JIRA_URL": f"http://127.0.0.1:{core.port}/jira",
        "JIRA_EMAIL": "alice@example.com",
        "JIRA_API_TOKEN": "jira-token-alice",
    }
    assert core.github_token == "ghp_sandbox_alice_token"


def test_services_get_their_path_and_base_url(core: Sandbox) -> None:
    answer = requests.get(f"{core.jira_url}/rest/api/2/serverInfo", timeout=5).json()
    assert answer == {"path": "/rest/api/2/serverInfo", "base_url": core.jira_url}


def test_reset_returns_to_the_seed(core: Sandbox, gh: Github) -> None:
    gh.get_repo("acme/payments").create_issue(title="t")
    core.set_clock(START + timedelta(days=3))
    core.set_latency(5)
    core.add_fault(nth=99)
    core.reset()
    assert issue_count(core) == 0
    assert core.clock() == START
    assert core.faults() == []
    assert core.requests() == []
    assert core.call("GET", "/latency") == {"ms": 0}
    assert ("reset",) in FAKE_JIRA.calls


def test_state_holds_both_services_and_restores(core: Sandbox, gh: Github) -> None:
    gh.get_repo("acme/payments").create_issue(title="kept", labels=["postmortem"])
    requests.post(f"{core.jira_url}/rest/api/2/issue", json={}, timeout=5)
    saved = core.state()
    github = saved["github"]
    assert github["repos"]["acme/payments"]["roles"] == {"alice": "OWNER", "bob": "MEMBER"}
    assert github["repos"]["acme/payments"]["issues"]["1"]["labels"] == ["postmortem"]
    assert saved["jira"] == {"tickets": 1}
    assert saved["clock"] == {"now": START.isoformat()}
    core.reset()
    assert issue_count(core) == 0
    core.restore(saved)
    assert core.state() == saved
    assert gh.get_repo("acme/payments").get_issue(1).title == "kept"


def test_restoring_something_else_is_refused(core: Sandbox) -> None:
    with pytest.raises(SandboxControlError, match="400"):
        core.call("PUT", "/state", {"other": 1})


# --- clock ------------------------------------------------------------------------------


def test_clock_stamps_what_is_created(core: Sandbox, gh: Github) -> None:
    assert core.call("GET", "/clock") == {"now": START.isoformat(), "frozen": True}
    later = START + timedelta(days=14, hours=2)
    core.set_clock(later)
    issue = gh.get_repo("acme/payments").create_issue(title="t")
    assert issue.created_at == later
    assert core.requests()[-1]["at"] == later.isoformat()


def test_clock_can_follow_the_wall_clock(core: Sandbox) -> None:
    core.set_clock(None)
    moment = core.clock()
    assert abs(moment - datetime.now(UTC)) < timedelta(minutes=1)
    assert core.call("GET", "/clock")["frozen"] is False


def test_clock_needs_a_zone(core: Sandbox) -> None:
    with pytest.raises(SandboxControlError, match="zone"):
        core.call("PUT", "/clock", {"now": "2026-12-01T09:00:00"})


# --- request log ------------------------------------------------------------------------


def test_request_log(core: Sandbox, gh: Github) -> None:
    repo = gh.get_repo("acme/payments")
    list(repo.get_issues(state="all"))
    requests.get(f"{core.jira_url}/rest/api/2/search?jql=project%3DOPS", timeout=5)
    log = core.requests()
    assert log == [
        {
            "service": "github",
            "method": "GET",
            "path": "/repos/acme/payments",
            "query": {},
            "status": 200,
            "at": START.isoformat(),
            "fault": None,
        },
        {
            "service": "github",
            "method": "GET",
            "path": "/repos/acme/payments/issues",
            "query": {"state": ["all"]},
            "status": 200,
            "at": START.isoformat(),
            "fault": None,
        },
        {
            "service": "jira",
            "method": "GET",
            "path": "/rest/api/2/search",
            "query": {"jql": ["project=OPS"]},
            "status": 200,
            "at": START.isoformat(),
            "fault": None,
        },
    ]
    assert [entry["service"] for entry in core.requests("jira")] == ["jira"]
    core.clear_requests()
    assert core.requests() == []  # control calls are never logged


# --- faults -----------------------------------------------------------------------------


def test_status_fault_answers_the_nth_matching_request_without_doing_it(
    core: Sandbox, gh: Github
) -> None:
    repo = gh.get_repo("acme/payments")
    core.add_fault(service="github", method="POST", path_regex=r"/issues$", nth=2, status=502)
    repo.create_issue(title="first")
    with pytest.raises(GithubException) as raised:
        repo.create_issue(title="second")
    assert raised.value.status == 502
    assert raised.value.data["message"] == "Bad Gateway"
    repo.create_issue(title="third")
    titles = [
        i["title"] for i in core.state()["github"]["repos"]["acme/payments"]["issues"].values()
    ]
    assert titles == ["first", "third"]
    statuses = [(e["method"], e["status"], e["fault"]) for e in core.requests()]
    assert statuses[-3:] == [("POST", 201, None), ("POST", 502, "status"), ("POST", 201, None)]
    (fault,) = core.faults()
    assert (fault["seen"], fault["fired"]) == (3, 1)


def test_429_fault_with_retry_after_and_times(core: Sandbox) -> None:
    core.add_fault(service="jira", status=429, retry_after=1, times=2)
    answers = [requests.get(f"{core.jira_url}/rest/api/2/myself", timeout=5) for _ in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].headers["Retry-After"] == "1"
    # The service's own error shape (Jira's here).
    assert answers[0].json() == {"errorMessages": ["Too Many Requests"], "errors": {}}


def test_faults_match_by_service_method_and_path(core: Sandbox, gh: Github) -> None:
    core.add_fault(service="jira", status=500)
    core.add_fault(service="github", method="PATCH", status=500)
    core.add_fault(service="github", path_regex=r"^/users/", status=500)
    repo = gh.get_repo("acme/payments")
    repo.create_issue(title="t")  # none of the faults match
    assert [f["seen"] for f in core.faults()] == [0, 0, 0]


def test_reset_fault_drops_the_connection(core: Sandbox, gh: Github) -> None:
    repo = gh.get_repo("acme/payments")
    core.add_fault(action="reset", method="POST")
    with pytest.raises(requests.exceptions.ConnectionError):
        repo.create_issue(title="lost")
    assert issue_count(core) == 0
    repo.create_issue(title="kept")  # the client reconnects
    assert issue_count(core) == 1
    assert [(e["status"], e["fault"]) for e in core.requests()][-2:] == [
        (None, "reset"),
        (201, None),
    ]


def test_reset_fault_on_a_raw_keep_alive_connection(core: Sandbox) -> None:
    core.add_fault(action="reset", nth=2)
    connection = http.client.HTTPConnection("127.0.0.1", core.port, timeout=5)
    headers = {"Authorization": f"token {core.github_token}"}
    connection.request("GET", "/github/user", headers=headers)
    assert connection.getresponse().read()
    connection.request("GET", "/github/user", headers=headers)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        connection.getresponse()
    connection.close()


def test_delay_fault_does_the_work_then_answers_late(core: Sandbox) -> None:
    core.add_fault(action="delay", delay_ms=400, method="POST")
    headers = {"Authorization": f"token {core.github_token}"}
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(
            f"{core.github_url}/repos/acme/payments/issues",
            json={"title": "slow"},
            headers=headers,
            timeout=0.15,
        )
    assert issue_count(core) == 1  # stored although the client gave up
    time.sleep(0.3)  # let the delayed answer go out before the next test resets


def test_invalid_fault_is_400_naming_the_field(core: Sandbox) -> None:
    with pytest.raises(SandboxControlError, match="nth"):
        core.call("POST", "/faults", {"nth": 0})
    with pytest.raises(SandboxControlError, match="action"):
        core.call("POST", "/faults", {"action": "explode"})
    with pytest.raises(SandboxControlError, match="path_regex"):
        core.call("POST", "/faults", {"path_regex": "("})
    core.clear_faults()


def test_latency_is_added_to_every_answer(core: Sandbox) -> None:
    # Half a second, so that a busy machine cannot make the control call look slowed.
    core.set_latency(500)
    started = time.monotonic()
    requests.get(f"{core.jira_url}/rest/api/2/myself", timeout=5)
    assert time.monotonic() - started >= 0.5
    started = time.monotonic()
    core.state()  # the control API itself is not slowed down
    assert time.monotonic() - started < 0.5


# --- seeding ----------------------------------------------------------------------------


def test_add_github_user_with_roles(core: Sandbox) -> None:
    added = core.add_github_user("carol", token="ghp_carol", repos={"acme/ledger": "COLLABORATOR"})
    assert added["token"] == "ghp_carol"
    with Github(base_url=core.github_url, auth=Auth.Token("ghp_carol"), retry=None) as carol:
        issue = carol.get_repo("acme/ledger").create_issue(title="t")
        assert issue.raw_data["author_association"] == "COLLABORATOR"
    with pytest.raises(SandboxControlError, match="already belongs to carol"):
        core.add_github_user("dave", token="ghp_carol")
    with pytest.raises(SandboxControlError, match="repos"):
        core.call("POST", "/github/users", {"login": "erin", "repos": {"acme/payments": "BOSS"}})


def test_add_github_repo(core: Sandbox, gh: Github) -> None:
    core.add_github_repo("platform/api")
    repo = gh.get_repo("platform/api")
    assert repo.owner.type == "Organization"
    assert repo.permissions.admin is False  # alice has no role there


def test_jira_seeding_reaches_the_jira_service(core: Sandbox) -> None:
    core.add_jira_project("PAY", "Payments")
    core.add_jira_user("carol")
    assert FAKE_JIRA.calls == [
        ("add_project", "PAY", "Payments"),
        ("add_user", "carol", "carol", "carol", "carol@example.com", None),
    ]
    with pytest.raises(SandboxControlError, match="key"):
        core.add_jira_project("lower", "Bad key")


def test_unknown_paths(core: Sandbox) -> None:
    assert requests.get(f"{core.url}/nowhere/x", timeout=5).status_code == 404
    with pytest.raises(SandboxControlError, match="404"):
        core.call("GET", "/nothing")


def test_keep_alive_serves_many_requests_on_one_connection(core: Sandbox) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", core.port, timeout=5)
    for _ in range(3):
        connection.request("GET", "/github/user", headers={"Authorization": "token nope"})
        answer = connection.getresponse()
        assert answer.status == 401
        assert json.loads(answer.read())["message"] == "Bad credentials"
    connection.close()


def test_chunked_request_bodies_and_head_requests(core: Sandbox) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", core.port, timeout=5)
    headers = {"Authorization": f"token {core.github_token}", "Content-Type": "application/json"}
    chunks = iter([b'{"title": ', b'"sent in chunks"}'])
    connection.request(
        "POST",
        "/github/repos/acme/payments/issues",
        body=chunks,
        headers=headers,
        encode_chunked=True,
    )
    answer = connection.getresponse()
    assert (answer.status, json.loads(answer.read())["title"]) == (201, "sent in chunks")
    connection.request("HEAD", "/github/repos/acme/payments/issues/1", headers=headers)
    answer = connection.getresponse()
    assert (answer.status, answer.read()) == (200, b"")
    assert int(answer.headers["Content-Length"]) > 100  # the length a GET would get
    connection.close()


@pytest.mark.parametrize(
    ("framing", "says"),
    [
        ("Content-Length: abc\r\n\r\n", "Content-Length 'abc' is not a length"),
        ("Content-Length: -1\r\n\r\n", "Content-Length '-1' is not a length"),
        ("Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", "chunk size 'zz'"),
    ],
)
def test_a_request_whose_body_cannot_be_read_gets_400(
    core: Sandbox, capfd: pytest.CaptureFixture[str], framing: str, says: str
) -> None:
    with socket.create_connection(("127.0.0.1", core.port), timeout=5) as connection:
        request = f"POST /github/repos/acme/payments/issues HTTP/1.1\r\nHost: sandbox\r\n{framing}"
        connection.sendall(request.encode())
        answer = b""
        while chunk := connection.recv(65536):  # the server closes after a 400
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"\r\nConnection: close" in head
    assert says in json.loads(body)["message"]
    assert issue_count(core) == 0
    assert "Traceback" not in capfd.readouterr().err


# --- state file -------------------------------------------------------------------------


def test_state_file_survives_a_restart(tmp_path: Path) -> None:
    state_file = tmp_path / "sandbox.json"
    with (
        running_sandbox(state_file=state_file, now=START, jira_service=RecordingJira()) as first,
        Github(base_url=first.github_url, auth=Auth.Token(first.github_token), retry=None) as g,
    ):
        g.get_repo("acme/payments").create_issue(title="persisted")
    saved = json.loads(state_file.read_text())
    assert saved["github"]["repos"]["acme/payments"]["issues"]["1"]["title"] == "persisted"
    with running_sandbox(state_file=state_file, jira_service=RecordingJira()) as second:
        assert issue_count(second) == 1
        assert second.clock() == START  # a frozen clock is part of the state


def test_corrupt_state_file_is_a_clear_error(tmp_path: Path) -> None:
    state_file = tmp_path / "sandbox.json"
    state_file.write_text("{not json")
    with pytest.raises(ConfigError, match="delete it"), running_sandbox(state_file=state_file):
        pass


@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("missing/folder/state.json", r"--state-file\): No such file or directory; create its"),
        (".", r"--state-file .* is a folder; name a JSON file"),
    ],
)
def test_a_state_file_that_cannot_be_written_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str, says: str
) -> None:
    state_file = tmp_path / where
    assert main(["sandbox", "serve", "--state-file", str(state_file)]) == ConfigError.exit_code
    message = capsys.readouterr().err
    assert re.search(says, message), message
    assert "unexpected" not in message


def test_a_state_file_lost_while_serving_is_logged_and_the_answer_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "state"
    folder.mkdir()
    with running_sandbox(state_file=folder / "sandbox.json", jira_service=RecordingJira()) as sb:
        (folder / "sandbox.json").unlink()
        folder.rmdir()
        sb.add_github_repo("acme/ledger")
        assert "acme/ledger" in sb.state()["github"]["repos"]
    assert "cannot write the sandbox state file" in caplog.text


# --- the command ------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM")
def test_serve_prints_the_variables_and_stops_on_sigterm(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pmsync",
            "sandbox",
            "serve",
            "--port",
            "0",
            "--state-file",
            str(tmp_path / "state.json"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().strip() for _ in range(5)]
        variables = dict(line.split("=", 1) for line in lines)
        assert list(variables) == [
            "GITHUB_API_URL",
            "GITHUB_TOKEN",
            "JIRA_URL",
            "JIRA_EMAIL",
            "JIRA_API_TOKEN",
        ]
        answer = requests.get(
            f"{variables['GITHUB_API_URL']}/repos/acme/payments",
            headers={"Authorization": f"token {variables['GITHUB_TOKEN']}"},
            timeout=5,
        )
        assert answer.json()["full_name"] == "acme/payments"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_serve_refuses_a_bad_port() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pmsync", "sandbox", "serve", "--port", "70000"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "--port 70000 is not a port" in done.stderr


@pytest.mark.parametrize("host", ["999.1.1.1", "192.0.2.1", "no-such-host.invalid"])
def test_serve_names_the_host_when_the_address_is_wrong(
    host: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sandbox", "serve", "--host", host]) == 2
    message = capsys.readouterr().err
    assert f"cannot listen on {host}:0" in message
    assert "give --host an IPv4 address or name of this machine: 127.0.0.1" in message
    assert "--port" not in message


def test_serve_names_the_port_when_it_is_taken(
    core: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sandbox", "serve", "--port", str(core.port)]) == 2
    message = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{core.port}" in message
    assert "choose another --port (0 picks a free one)" in message


def test_a_privileged_port_is_explained() -> None:
    refused = PermissionError(errno.EACCES, "Permission denied")
    assert "ports below 1024 need privileges" in sandbox_serve.what_to_change(refused, 80)


# --- the same controls on the full sandbox (real Jira emulator) -------------------------


def test_seeded_jira_user_and_project_work_through_the_jira_client(
    sandbox: Sandbox, jira_client: jira.JIRA
) -> None:
    sandbox.add_jira_project("PAY", "Payments")
    sandbox.add_jira_user("carol", email="carol@example.com", token="carol-secret")
    assert jira_client.project("PAY").name == "Payments"
    carol = jira.JIRA(
        server=sandbox.jira_url, basic_auth=("carol@example.com", "carol-secret"), max_retries=0
    )
    assert carol.myself()["accountId"] == "carol"
    carol.close()


def test_jira_faults_and_log_on_the_full_sandbox(sandbox: Sandbox, jira_client: jira.JIRA) -> None:
    sandbox.clear_requests()
    sandbox.add_fault(service="jira", path_regex=r"^/rest/api/\d/myself$", status=503)
    with pytest.raises(jira.JIRAError) as raised:
        jira_client.myself()
    assert raised.value.status_code == 503
    assert jira_client.myself()["accountId"] == "alice"
    assert [(e["path"], e["status"]) for e in sandbox.requests("jira")][-2:] == [
        ("/rest/api/2/myself", 503),
        ("/rest/api/2/myself", 200),
    ]
