"""The sandbox's HTTP server: one port, GitHub under ``/github``, Jira under ``/jira``,
test controls under ``/_sandbox``.

``SandboxApp`` is everything but the sockets: it routes a request to a service, applies
injected faults and latency, keeps the request log and saves the state file. The HTTP
handler below only reads requests and writes answers (or drops the connection), speaking
HTTP/1.1 with keep-alive as GitHub and Jira do.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import socket
import struct
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol, cast
from urllib.parse import parse_qs, urlsplit

from pmsync.errors import ConfigError
from pmsync_sandbox.clock import SandboxClock
from pmsync_sandbox.control import ControlApi, JiraControls
from pmsync_sandbox.faults import Fault, FaultPlan
from pmsync_sandbox.github.service import GithubService
from pmsync_sandbox.http import SandboxRequest, SandboxResponse
from pmsync_sandbox.jira import automation

logger = logging.getLogger(__name__)

HEX = "0123456789abcdefABCDEF"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SANDBOX_USER = "alice"  # whose credentials the sandbox hands out


class Service(Protocol):
    def handle(self, request: SandboxRequest) -> SandboxResponse: ...
    def snapshot(self) -> dict[str, Any]: ...
    def restore(self, data: dict[str, Any]) -> None: ...
    def reset(self) -> None: ...


class JiraLike(Service, JiraControls, Protocol):
    """What the server and the control API need from the Jira emulator."""

    @property
    def deployment(self) -> str:
        """ "Cloud" or "Server" (Data Center): which credentials the site takes."""
        ...

    def credentials(self, account_id: str) -> tuple[str, str]: ...
    def automation_fields(self, key: str) -> dict[str, str]: ...


@dataclass
class DispatchOutcome:
    """What to send back: ``response`` after ``delay_s`` seconds, or drop the connection."""

    response: SandboxResponse | None
    delay_s: float = 0.0


class SandboxApp:
    def __init__(
        self,
        github: GithubService,
        jira: JiraLike,
        clock: SandboxClock,
        state_file: Path | None = None,
    ) -> None:
        self.github = github
        self.jira = jira
        self.services: dict[str, Service] = {"github": github, "jira": jira}
        self.clock = clock
        self.faults = FaultPlan()
        self.latency_ms = 0
        self.requests: list[dict[str, Any]] = []
        self.state_file = state_file
        self.lock = threading.RLock()
        self.control = ControlApi(self)
        if state_file is not None and state_file.exists():
            self.restore(read_state_file(state_file))
        self.save_state()

    # --- what the control API drives -------------------------------------------------

    def environment(self, origin: str) -> dict[str, str]:
        """The variables pmsync reads, pointing at this sandbox as ``origin`` reaches it: a
        Data Center site's personal access token (``JIRA_TOKEN``) when the Jira site runs as
        Data Center, else Cloud's e-mail and API token."""
        email, token = self.jira.credentials(SANDBOX_USER)
        variables = {
            "GITHUB_API_URL": f"{origin}/github",
            "GITHUB_TOKEN": self.github.token_of(SANDBOX_USER),
            "JIRA_URL": f"{origin}/jira",
        }
        if self.jira.deployment == "Server":
            return variables | {"JIRA_TOKEN": token}
        return variables | {"JIRA_EMAIL": email, "JIRA_API_TOKEN": token}

    def reset(self) -> None:
        """Back to a fresh sandbox: seed data, clock, no faults, no latency, empty log."""
        for service in self.services.values():
            service.reset()
        self.clock.reset()
        self.faults.clear()
        self.latency_ms = 0
        self.requests.clear()

    def state(self) -> dict[str, Any]:
        moment = self.clock.now().isoformat() if self.clock.frozen else None
        state: dict[str, Any] = {"clock": {"now": moment}}
        for name, service in self.services.items():
            state[name] = service.snapshot()
        return state

    def restore(self, data: Mapping[str, Any]) -> None:
        clock = data.get("clock") or {}
        moment = clock.get("now")
        self.clock.set(datetime.fromisoformat(moment) if moment else None)
        for name, service in self.services.items():
            if name in data:
                service.restore(data[name])

    def send_web_request(
        self, issue: str, url: str, headers: Mapping[str, str], body: str, origin: str
    ) -> dict[str, Any]:
        """Jira automation's web request for the ticket ``issue`` (jira/automation.py)."""

        def deliver(
            method: str, target: str, headers: Mapping[str, str], body: bytes, host: str
        ) -> tuple[int | None, Any]:
            response = self.dispatch(method, target, headers, body, host).response
            return (None, None) if response is None else (response.status, response.body)

        fields = functools.partial(self.jira.automation_fields, issue)
        return automation.send(deliver, fields, url, headers, body, origin)

    def save_state(self) -> None:
        if self.state_file is None:
            return
        temporary = self.state_file.with_name(self.state_file.name + ".tmp")
        try:
            temporary.write_text(json.dumps(self.state()), encoding="utf-8")
            os.replace(temporary, self.state_file)
        except OSError as exc:
            raise ConfigError(
                f"cannot write the sandbox state file {self.state_file} (--state-file): "
                f"{exc.strerror or exc}; create its folder or pass a --state-file path "
                "in a folder you can write to"
            ) from exc

    def _save_after_change(self) -> None:
        """The request was served either way: a state file that cannot be written is
        logged, not turned into a broken answer."""
        try:
            self.save_state()
        except ConfigError as exc:
            logger.error("%s", exc)

    # --- one request ------------------------------------------------------------------

    def dispatch(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes, host: str
    ) -> DispatchOutcome:
        split = urlsplit(target)
        prefix, _, rest = split.path.lstrip("/").partition("/")
        request = SandboxRequest(
            method=method,
            path="/" + rest,
            query=parse_qs(split.query, keep_blank_values=True),
            headers=headers,
            body=body,
            base_url=f"http://{host}/{prefix}",
        )
        if prefix == "_sandbox":
            with self.lock:
                response = self.control.handle(request)
                if method not in SAFE_METHODS:
                    self._save_after_change()
            return DispatchOutcome(response)
        service = self.services.get(prefix)
        if service is None:
            return DispatchOutcome(
                SandboxResponse(404, {"message": f"Not Found: no service at /{prefix}"})
            )
        with self.lock:
            return self._serve(prefix, service, request)

    def _serve(self, name: str, service: Service, request: SandboxRequest) -> DispatchOutcome:
        delay_s = self.latency_ms / 1000
        fault = self.faults.pick(name, request.method, request.path)
        if fault is not None and fault.spec.action == "reset":
            self._log(name, request, None, fault)
            return DispatchOutcome(None, delay_s)
        if fault is not None and fault.spec.action == "status":
            response = fault_response(service, fault)
        else:
            response = self._call(service, request)
            if request.method not in SAFE_METHODS:
                self._save_after_change()
            if fault is not None:
                delay_s += fault.spec.delay_ms / 1000
        self._log(name, request, response.status, fault)
        return DispatchOutcome(response, delay_s)

    @staticmethod
    def _call(service: Service, request: SandboxRequest) -> SandboxResponse:
        try:
            return service.handle(request)
        except Exception:
            logger.exception("sandbox service failed on %s %s", request.method, request.path)
            return SandboxResponse(500, {"message": "sandbox service error (see server log)"})

    def _log(
        self, service: str, request: SandboxRequest, status: int | None, fault: Fault | None
    ) -> None:
        self.requests.append(
            {
                "service": service,
                "method": request.method,
                "path": request.path,
                "query": {name: list(values) for name, values in request.query.items()},
                "status": status,
                "at": self.clock.now().isoformat(),
                "fault": fault.spec.action if fault is not None else None,
            }
        )


def fault_response(service: Service, fault: Fault) -> SandboxResponse:
    status = fault.spec.status
    message = reason_phrase(status) or "Error"
    build = cast(
        Callable[[int, str], SandboxResponse] | None, getattr(service, "error_response", None)
    )
    response = build(status, message) if build else SandboxResponse(status, {"message": message})
    if fault.spec.retry_after is not None:
        response.headers["Retry-After"] = str(fault.spec.retry_after)
    return response


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def read_state_file(path: Path) -> dict[str, Any]:
    if path.is_dir():
        raise ConfigError(
            f"--state-file {path} is a folder; name a JSON file, e.g. {path / 'sandbox.json'}"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"cannot read the sandbox state file {path}: {exc}; "
            "delete it to start from a fresh sandbox"
        ) from exc
    if not isinstance(data, dict) or "github" not in data:
        raise ConfigError(
            f"{path} is not a sandbox state file (no 'github' key); "
            "pass another --state-file or delete it"
        )
    return data


# --- HTTP ----------------------------------------------------------------------------


class MalformedRequest(ValueError):
    """The request's framing cannot be read; the message says which part (for a 400)."""


def _length(text: str | bytes, base: int) -> int:
    """A Content-Length (base 10) or a chunk size (base 16): digits only, as HTTP says."""
    what, digits = ("Content-Length", "0123456789") if base == 10 else ("chunk size", HEX)
    shown = text.decode("latin-1") if isinstance(text, bytes) else text
    if not shown or shown.strip(digits):
        raise MalformedRequest(f"Problems parsing request: {what} {shown!r} is not a length")
    return int(shown, base)


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], app: SandboxApp) -> None:
        self.app = app
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def track(self, connection: socket.socket, open_: bool) -> None:
        with self._connections_lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def server_close(self) -> None:
        super().server_close()
        # Keep-alive connections would otherwise hold their handler threads forever.
        with self._connections_lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            self._connections.clear()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pmsync-sandbox"
    server: SandboxHTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in one write; no Nagle delay on keep-alive connections.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, open_=True)

    def finish(self) -> None:
        self.server.track(self.connection, open_=False)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """The request log lives in the app; keep stderr quiet."""

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except MalformedRequest as exc:
            # Where this body ends is unknown, so the connection cannot carry another request.
            self.close_connection = True
            self._answer(SandboxResponse(400, {"message": str(exc)}), self.command != "HEAD")
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        method = "GET" if self.command == "HEAD" else self.command
        outcome = self.server.app.dispatch(method, self.path, headers, body, host)
        if outcome.delay_s > 0:
            time.sleep(outcome.delay_s)
        if outcome.response is None:
            self._drop()
        else:
            self._answer(outcome.response, with_body=self.command != "HEAD")

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := _length(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)
        length = _length((self.headers.get("Content-Length") or "0").strip(), 10)
        return self.rfile.read(length) if length else b""

    def _answer(self, response: SandboxResponse, with_body: bool) -> None:
        payload = b"" if response.status in (204, 304) else response.encoded()
        headers = {name.lower(): (name, value) for name, value in response.headers.items()}
        if response.body is not None and not isinstance(response.body, bytes):
            headers.setdefault("content-type", ("Content-Type", "application/json; charset=utf-8"))
        headers["content-length"] = ("Content-Length", str(len(payload)))
        headers["server"] = ("Server", self.server_version)
        headers["date"] = ("Date", self.date_time_string())
        if self.close_connection:
            headers["connection"] = ("Connection", "close")
        lines = [f"HTTP/1.1 {response.status} {reason_phrase(response.status)}"]
        lines += [f"{name}: {value}" for name, value in headers.values()]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        # A HEAD answer announces the length of the body it leaves out.
        self.wfile.write(head + payload if with_body else head)

    def _drop(self) -> None:
        # SO_LINGER 0: closing sends a reset, as a dying proxy or server would.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
