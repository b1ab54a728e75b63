"""The sandbox's clock: the time it stamps on everything it creates or updates.

It follows the wall clock until a test sets it; from then on it stands still at the set
moment until it is set again (or let go), so tests and the fault sweep see exact,
repeatable timestamps.
"""

from __future__ import annotations

from datetime import UTC, datetime


class SandboxClock:
    def __init__(self, frozen_at: datetime | None = None) -> None:
        self._initial = frozen_at
        self._frozen_at = frozen_at

    def now(self) -> datetime:
        return self._frozen_at if self._frozen_at is not None else datetime.now(UTC)

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def set(self, moment: datetime | None) -> None:
        """Stand still at ``moment``; ``None`` follows the wall clock again."""
        if moment is not None and moment.tzinfo is None:
            raise ValueError(
                "the sandbox clock needs a time with a zone, e.g. 2026-12-01T09:00:00Z"
            )
        self._frozen_at = moment.astimezone(UTC) if moment is not None else None

    def reset(self) -> None:
        self._frozen_at = self._initial
