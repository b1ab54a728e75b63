"""A small path router for the sandbox's services.

Patterns are paths with ``{name}`` placeholders, each matching one path segment:
``/repos/{owner}/{repo}/issues/{number}``. Matched values are url-decoded, because clients
quote label names and the like (``/labels/sev%3A1``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar
from urllib.parse import unquote

Params = dict[str, str]
H = TypeVar("H")  # whatever a service routes to: a handler, or a handler with metadata

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class Miss(Enum):
    """Why no route answered: no pattern fits the path, or none for this method."""

    NOT_FOUND = "not found"
    METHOD_NOT_ALLOWED = "method not allowed"


@dataclass(frozen=True)
class Route(Generic[H]):
    method: str
    pattern: re.Pattern[str]
    target: H


def compile_pattern(pattern: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(pattern)
    # split() alternates literal text and placeholder names.
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/]+)"
        for index, part in enumerate(parts)
    )
    return re.compile(f"{regex}/?")


class Router(Generic[H]):
    """Routes are tried in the order they were added; the first that fits wins."""

    def __init__(self) -> None:
        self._routes: list[Route[H]] = []

    def add(self, method: str, pattern: str, target: H) -> None:
        self._routes.append(Route(method.upper(), compile_pattern(pattern), target))

    def match(self, method: str, path: str) -> tuple[H, Params] | Miss:
        path_fits = False
        for route in self._routes:
            found = route.pattern.fullmatch(path)
            if found is None:
                continue
            path_fits = True
            if route.method == method.upper():
                params = {name: unquote(value) for name, value in found.groupdict().items()}
                return route.target, params
        return Miss.METHOD_NOT_ALLOWED if path_fits else Miss.NOT_FOUND
