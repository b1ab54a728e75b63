"""`pmsync sandbox serve`: the emulator on a port until stopped (the command's arguments are
in pmsync.entry.commands.sandbox)."""

from __future__ import annotations

import errno
import signal
import socket
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from pmsync.errors import UsageError
from pmsync_sandbox.runner import JiraDeployment, build_app
from pmsync_sandbox.server import SandboxHTTPServer

DEPLOYMENTS: dict[str, JiraDeployment] = {"cloud": "Cloud", "datacenter": "Server"}


def serve_until_stopped(
    host: str,
    port: int,
    deployment: str | None,
    state_file: Path | None,
    jira_profile: str = "default",
) -> int:
    """Serve until SIGINT or SIGTERM, after printing the variables pmsync reads.
    ``deployment`` is ``cloud``, ``datacenter`` or None (the one the profile needs)."""
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port} is not a port; give 0 (any free port) to 65535")
    try:
        app = build_app(
            DEPLOYMENTS[deployment] if deployment else None, state_file, jira_profile=jira_profile
        )
    except ValueError as exc:
        raise UsageError(
            f"--jira-profile {jira_profile}: {exc}; leave out --jira-deployment"
        ) from exc
    try:
        server = SandboxHTTPServer((host, port), app)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; {what_to_change(exc, port)}"
        ) from exc
    stop, previous = _stop_on_signals()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        host = host if host not in ("", "0.0.0.0") else "127.0.0.1"  # noqa: S104
        for name, value in app.environment(f"http://{host}:{server.port}").items():
            print(f"{name}={value}")
        sys.stdout.flush()
        print(
            f"sandbox listening on {host}:{server.port}; Ctrl-C to stop",
            file=sys.stderr,
            flush=True,
        )
        while not stop.wait(0.5):
            pass
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def what_to_change(error: OSError, port: int) -> str:
    """The fix for a failed bind: the address (--host) or the port (--port)."""
    if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
        return (
            "give --host an IPv4 address or name of this machine: 127.0.0.1 (the default), "
            "or 0.0.0.0 for all its addresses"
        )
    if error.errno == errno.EACCES and 0 < port < 1024:
        return "ports below 1024 need privileges; choose a --port from 1024 (0 picks a free one)"
    return "choose another --port (0 picks a free one)"


def _stop_on_signals() -> tuple[threading.Event, dict[signal.Signals, Any]]:
    """An event SIGINT or SIGTERM sets, and the handlers it replaced (to put back)."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    return stop, previous


def wait_until_stopped() -> None:
    """Block until SIGINT (Ctrl-C) or SIGTERM, then put the old handlers back."""
    stop, previous = _stop_on_signals()
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
