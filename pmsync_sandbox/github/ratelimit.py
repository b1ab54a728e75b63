"""GitHub's primary rate limits, per user: ``core`` (5,000 requests an hour) and ``search``
(30 a minute), with the ``x-ratelimit-*`` headers GitHub puts on every answer.

Windows follow the sandbox clock, so a test that moves the clock an hour on gets a fresh
window, as a long-running worker would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WINDOW_SECONDS = {"core": 3600, "search": 60}
DEFAULT_LIMITS = {"core": 5000, "search": 30}
ANONYMOUS_LIMIT = 60


@dataclass
class Bucket:
    resource: str
    limit: int
    used: int
    reset: int  # epoch seconds when the window ends

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    def headers(self) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-reset": str(self.reset),
            "x-ratelimit-used": str(self.used),
            "x-ratelimit-resource": self.resource,
        }

    def as_json(self) -> dict[str, int]:
        return {
            "limit": self.limit,
            "used": self.used,
            "remaining": self.remaining,
            "reset": self.reset,
        }


class RateLimits:
    def __init__(self) -> None:
        self._buckets: dict[tuple[str, str], Bucket] = {}
        self._limits = dict(DEFAULT_LIMITS)
        self._start_used: dict[str, int] = {}

    def reset(self) -> None:
        self._buckets.clear()
        self._limits = dict(DEFAULT_LIMITS)
        self._start_used.clear()

    def configure(self, resource: str, limit: int, remaining: int | None) -> None:
        """Change a limit for everyone; ``remaining`` is where the current windows start."""
        self._limits[resource] = limit
        self._start_used[resource] = limit - min(
            remaining if remaining is not None else limit, limit
        )
        for key in [key for key in self._buckets if key[1] == resource]:
            del self._buckets[key]

    def limit(self, resource: str) -> int:
        return self._limits[resource]

    def bucket(self, login: str | None, resource: str, now: float) -> Bucket:
        """The caller's current window (``login`` None: an anonymous caller)."""
        key = (login or "", resource)
        bucket = self._buckets.get(key)
        if bucket is None or now >= bucket.reset:
            fresh = bucket is not None
            limit = self._limits[resource] if login else ANONYMOUS_LIMIT
            used = 0 if fresh or not login else self._start_used.get(resource, 0)
            bucket = Bucket(resource, limit, used, int(now) + WINDOW_SECONDS[resource])
            self._buckets[key] = bucket
        return bucket

    def overview(self, login: str, now: float) -> dict[str, Any]:
        """The body of ``GET /rate_limit``."""
        core = self.bucket(login, "core", now).as_json()
        search = self.bucket(login, "search", now).as_json()
        other = {"limit": 5000, "used": 0, "remaining": 5000, "reset": int(now) + 3600}
        return {
            "resources": {
                "core": core,
                "search": search,
                "graphql": dict(other),
                "integration_manifest": dict(other),
                "code_search": {**other, "limit": 10, "remaining": 10, "reset": int(now) + 60},
            },
            "rate": core,
        }
