"""The chapters of the demo, one module each, played in the order ``story`` lists them.

Every chapter module has ``TITLE`` (one line), ``WHEN`` (the sandbox time it starts at)
and ``play(world)``. A chapter acts only through the people (GitHub and Jira REST APIs),
the sandbox clock, and pmsync's own commands; ``World`` narrates what pmsync changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pmsync_sandbox.demo.world import World


class Chapter(Protocol):
    """What ``story`` needs of a chapter module."""

    TITLE: str
    WHEN: datetime

    def play(self, world: World) -> None: ...
