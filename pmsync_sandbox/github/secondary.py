"""GitHub's secondary rate limits on content creation, per token, with GitHub's numbers by
default and GitHub's answers when one is hit.

docs.github.com, "Rate limits for the REST API", About secondary rate limits: "no more than
80 content-generating requests per minute and no more than 500 content-generating requests
per hour"; exceeding one is answered with "a 403 or 429 response and an error message that
indicates that you exceeded a secondary rate limit", with a ``retry-after`` header or
without one ("wait for at least one minute before retrying"). The message is GitHub's:
"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.
If you reach out to GitHub Support for help, please include the request ID …". The search
limit (30 a minute) is the search bucket of ``ratelimit``.

Content-generating requests are POST, PATCH, PUT and DELETE (the docs' best practices
name those methods for pacing). Windows slide with the sandbox clock, so a test moves the
clock on to free them. GitHub does not say which of its four answers it gives when; the
sandbox goes round them in turn (403 with ``retry-after``, 429 with, 403 without, 429
without), so every run that meets a limit sees more than one kind.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

CONTENT_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
DOCS = (
    "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api"
    "#about-secondary-rate-limits"
)
MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try "
    "again. If you reach out to GitHub Support for help, please include the request ID {id}."
)
# GitHub's numbers.
DEFAULTS = {"content_per_minute": 80, "content_per_hour": 500, "search_per_minute": 30}
# (status, whether retry-after is sent), in the order the sandbox answers with them.
ANSWERS = ((403, True), (429, True), (403, False), (429, False))


@dataclass(frozen=True)
class LimitRefusal:
    status: int
    retry_after: int | None  # seconds, when the answer says

    def body(self, request_id: str) -> dict[str, str]:
        return {"message": MESSAGE.format(id=request_id), "documentation_url": DOCS}


@dataclass
class SecondaryLimits:
    content_per_minute: int = DEFAULTS["content_per_minute"]
    content_per_hour: int = DEFAULTS["content_per_hour"]
    _writes: dict[str, deque[float]] = field(default_factory=dict)  # token holder -> times
    _refusals: int = 0

    def reset(self) -> None:
        self.content_per_minute = DEFAULTS["content_per_minute"]
        self.content_per_hour = DEFAULTS["content_per_hour"]
        self._writes.clear()
        self._refusals = 0

    def forget_writes(self) -> None:
        self._writes.clear()

    def describe(self) -> dict[str, int]:
        return {
            "content_per_minute": self.content_per_minute,
            "content_per_hour": self.content_per_hour,
        }

    def check(self, login: str, method: str, now: float) -> LimitRefusal | None:
        """None when this request may go ahead (a content request is then counted), else
        how GitHub refuses it. A refused request counts for nothing."""
        if method not in CONTENT_METHODS:
            return None
        times = self._writes.setdefault(login.lower(), deque())
        while times and times[0] <= now - 3600:
            times.popleft()
        in_minute = [t for t in times if t > now - 60]
        wait = 0.0
        if len(in_minute) >= self.content_per_minute:
            wait = in_minute[-self.content_per_minute] + 60 - now
        if len(times) >= self.content_per_hour:
            wait = max(wait, times[-self.content_per_hour] + 3600 - now)
        if wait <= 0:
            times.append(now)
            return None
        status, says = ANSWERS[self._refusals % len(ANSWERS)]
        self._refusals += 1
        return LimitRefusal(status, max(1, int(wait + 0.999)) if says else None)
