"""Injected faults: answer chosen requests with an error, drop them, or answer them late.

A fault counts the requests that match it (service, method, path) from the moment it is
added; it fires on the ``nth`` of them and on the ``times - 1`` after that. Faults are
checked in the order they were added and every matching fault counts the request, but only
the first one that fires acts on it.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class FaultSpec(BaseModel):
    """The body of ``POST /_sandbox/faults``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Literal["status", "reset", "delay"] = "status"
    service: Literal["github", "jira"] | None = None
    method: str | None = None
    path_regex: str | None = None
    nth: int = Field(default=1, ge=1)
    times: int = Field(default=1, ge=1)
    status: int = Field(default=500, ge=400, le=599)
    retry_after: int | None = Field(default=None, ge=0)
    delay_ms: int = Field(default=0, ge=0, le=600_000)

    @field_validator("method")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else None

    @field_validator("path_regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"path_regex is not a regular expression: {exc}") from exc
        return value


class Fault:
    def __init__(self, fault_id: int, spec: FaultSpec) -> None:
        self.id = fault_id
        self.spec = spec
        self._path = re.compile(spec.path_regex) if spec.path_regex else None
        self.seen = 0  # matching requests counted so far
        self.fired = 0

    def matches(self, service: str, method: str, path: str) -> bool:
        spec = self.spec
        return (
            (spec.service is None or spec.service == service)
            and (spec.method is None or spec.method == method)
            and (self._path is None or self._path.search(path) is not None)
        )

    def count(self, service: str, method: str, path: str) -> bool:
        """Count the request if it matches; True when this request is one to break."""
        if not self.matches(service, method, path):
            return False
        self.seen += 1
        return self.spec.nth <= self.seen < self.spec.nth + self.spec.times

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, **self.spec.model_dump(), "seen": self.seen, "fired": self.fired}


class FaultPlan:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._next_id = 1

    def add(self, spec: FaultSpec) -> Fault:
        fault = Fault(self._next_id, spec)
        self._next_id += 1
        self._faults.append(fault)
        return fault

    def clear(self) -> None:
        self._faults.clear()

    def describe(self) -> list[dict[str, Any]]:
        return [fault.describe() for fault in self._faults]

    def pick(self, service: str, method: str, path: str) -> Fault | None:
        chosen: Fault | None = None
        for fault in self._faults:
            if fault.count(service, method, path) and chosen is None:
                chosen = fault
        if chosen is not None:
            chosen.fired += 1
        return chosen
