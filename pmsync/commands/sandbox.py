"""`pmsync sandbox serve`: run the local GitHub + Jira emulator until stopped.

It prints the five variables pmsync reads, one ``NAME=value`` line each, so a shell can
take them with ``eval "$(pmsync sandbox serve ... | head -5)"`` or a script can read them
from the first five lines.
"""

from __future__ import annotations

import argparse
import errno
import signal
import socket
import sys
import threading
from pathlib import Path
from types import FrameType

from pmsync.errors import UsageError
from pmsync.sandbox.runner import JiraDeployment, build_app
from pmsync.sandbox.server import SandboxHTTPServer

DEPLOYMENTS: dict[str, JiraDeployment] = {"cloud": "Cloud", "datacenter": "Server"}


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    parser = subparsers.add_parser(
        "sandbox",
        parents=[common],
        help="the local GitHub + Jira emulator (no network, no real accounts)",
        description="A local emulator of the GitHub and Jira REST endpoints pmsync uses; "
        "the real clients talk to it over HTTP. See docs/sandbox.md.",
    )
    actions = parser.add_subparsers(dest="sandbox_action", metavar="ACTION", required=True)
    serve = actions.add_parser(
        "serve",
        parents=[common],
        help="serve the sandbox until Ctrl-C or SIGTERM",
        description="Serve GitHub under /github, Jira under /jira and the test controls under "
        "/_sandbox on one port, and print GITHUB_API_URL, GITHUB_TOKEN, JIRA_URL, JIRA_EMAIL "
        "and JIRA_API_TOKEN, one NAME=value line each.",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve.add_argument(
        "--port", type=int, default=0, help="port to listen on (default: 0, a free port)"
    )
    serve.add_argument(
        "--state-file",
        metavar="PATH",
        type=Path,
        help="keep the sandbox's state in this JSON file, so it survives a restart",
    )
    serve.add_argument(
        "--jira-deployment",
        choices=sorted(DEPLOYMENTS),
        default="cloud",
        help="which Jira to emulate: cloud (default) or datacenter",
    )
    serve.set_defaults(func=serve_until_stopped)


def serve_until_stopped(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port; give 0 (any free port) to 65535")
    app = build_app(DEPLOYMENTS[args.jira_deployment], args.state_file)
    try:
        server = SandboxHTTPServer((args.host, args.port), app)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}; "
            f"{what_to_change(exc, args.port)}"
        ) from exc
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        host = args.host if args.host not in ("", "0.0.0.0") else "127.0.0.1"  # noqa: S104
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
