"""Plain request and response values shared by the sandbox's server and its services.

The server turns an HTTP exchange into a ``SandboxRequest`` (path already stripped of the
service prefix, e.g. ``/repos/acme/payments/issues`` for ``/github/repos/...``), asks the
service, and writes the ``SandboxResponse`` back. Services never touch sockets.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SandboxRequest:
    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]  # keys lower-cased
    body: bytes = b""
    base_url: str = ""  # e.g. http://127.0.0.1:8123/github — for URLs inside answers

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class SandboxResponse:
    status: int = 200
    body: Any = None  # JSON-serialisable, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode()
