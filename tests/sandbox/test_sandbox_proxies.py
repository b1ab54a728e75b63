"""A proxy set for the outside world never comes between this process and its sandbox.

Every test sets ``HTTP_PROXY`` and ``HTTPS_PROXY`` (both spellings) to a local proxy that
refuses everything with 403 and counts what reached it, and clears ``NO_PROXY``: the
sandbox, its control client, the real GitHub and Jira clients and `pmsync demo` must work
and the proxy must see nothing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jira
import pytest
from github import Auth, Github, GithubException

from pmsync.entry.cli import main
from pmsync_sandbox.demo.transcript import INDEX_FILE
from pmsync_sandbox.proxies import proxies_bypassed
from pmsync_sandbox.runner import SandboxControl, running_sandbox


class RefusingProxy(ThreadingHTTPServer):
    """Answers every request (a proxy's ``GET http://…`` or ``CONNECT``) with 403."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        super().__init__(("127.0.0.1", 0), _Refuse)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Refuse(BaseHTTPRequestHandler):
    server: RefusingProxy

    def _refuse(self) -> None:
        self.server.seen.append(f"{self.command} {self.path}")
        self.send_error(403, "denied destination")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_CONNECT = _refuse

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads ``seen``."""


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[RefusingProxy]:
    server = RefusingProxy()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, server.url)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_the_refusing_proxy_refuses(proxy: RefusingProxy) -> None:
    """The other tests mean something only if the proxy is really in the way."""
    with (
        Github(base_url="http://127.0.0.1:9/github", retry=None) as client,
        pytest.raises(GithubException) as refused,
    ):
        client.get_user("alice")
    assert refused.value.status == 403
    assert proxy.seen == ["GET http://127.0.0.1:9/github/users/alice"]


def test_the_control_client_ignores_proxies(
    proxy: RefusingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_sandbox() as sandbox:
        for name in ("NO_PROXY", "no_proxy"):  # as for a sandbox served elsewhere
            monkeypatch.delenv(name)
        control = SandboxControl(sandbox.url)
        assert control.env()["GITHUB_TOKEN"] == "ghp_sandbox_alice_token"
        control.reset()
    assert proxy.seen == []


def test_the_real_clients_reach_a_sandbox_served_in_this_process(proxy: RefusingProxy) -> None:
    with running_sandbox() as sandbox:
        with Github(
            base_url=sandbox.github_url, auth=Auth.Token(sandbox.github_token), retry=None
        ) as github:
            assert github.get_repo("acme/payments").full_name == "acme/payments"
        client = jira.JIRA(
            server=sandbox.jira_url,
            basic_auth=(sandbox.jira_email, sandbox.jira_token),
            max_retries=0,
        )
        assert client.myself()["accountId"] == "alice"
        client.close()  # type: ignore[no-untyped-call]
    assert proxy.seen == []
    assert "NO_PROXY" not in os.environ  # put back as it was


def test_bypassing_adds_hosts_once_and_puts_the_variables_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_PROXY", "example.com, 127.0.0.1")
    monkeypatch.delenv("no_proxy", raising=False)
    with proxies_bypassed("sandbox.internal", "127.0.0.1", ""):
        expected = "example.com,127.0.0.1,sandbox.internal,localhost,::1"
        assert (os.environ["NO_PROXY"], os.environ["no_proxy"]) == (expected, expected)
    assert os.environ["NO_PROXY"] == "example.com, 127.0.0.1"
    assert "no_proxy" not in os.environ


def test_the_demo_runs_behind_a_proxy(
    proxy: RefusingProxy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "demo-output"
    assert main(["demo", "--output", str(output), "--quiet"]) == 0
    assert capsys.readouterr().out.strip() == str(output / INDEX_FILE)
    assert proxy.seen == []
