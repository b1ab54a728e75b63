"""Create screens, learned once per run: before tickets are first created in a project and
issue type, its create metadata is read (two requests), and every ticket for it is fitted
to what the screen accepts (``pmsync.core.site.fit``). An edit of due date, priority or
assignee is fitted the same way (Jira edits through the create screen unless a site sets
another edit screen). A run that creates and edits none of those reads none.

A screen without due date or priority is warned about once per run; the tickets are
created without the field, its value in their description. Nothing is refused for it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TypeVar

from pydantic import JsonValue

from pmsync.core.domain.changes import NewTicket
from pmsync.core.domain.site import CreateScreen
from pmsync.core.site.fit import OPTIONAL, fit, left_out, left_out_warning
from pmsync.errors import RemoteError
from pmsync.orchestration.ports import ScreenReader

log = logging.getLogger(__name__)

V = TypeVar("V")


class ScreenBook:
    def __init__(self, jira: ScreenReader, fields: Mapping[str, JsonValue]) -> None:
        self._jira = jira
        self._fields = fields
        self._screens: dict[tuple[str, str], CreateScreen | None] = {}
        self.warnings: list[str] = []

    def fit(self, tickets: Sequence[NewTicket]) -> tuple[NewTicket, ...]:
        fitted = []
        for ticket in tickets:
            screen = self.screen(ticket.project, ticket.issue_type)
            fitted.append(ticket if screen is None else fit(ticket, screen, self._fields))
        return tuple(fitted)

    def fit_edit(self, project: str, issue_type: str, fields: Mapping[str, V]) -> dict[str, V]:
        """An edit's fields without the optional ones the screen does not have, whose
        values the ticket's description carries; Jira would refuse the whole edit for them."""
        if not set(fields) & set(OPTIONAL):
            return dict(fields)
        screen = self.screen(project, issue_type)
        dropped = set(left_out(screen)) if screen is not None else set()
        return {name: value for name, value in fields.items() if name not in dropped}

    def screen(self, project: str, issue_type: str) -> CreateScreen | None:
        """The screen, read on first use; None when unknown (no such type, or the read
        was refused: the create then goes as it is, and Jira's answer says what is wrong)."""
        key = (project, issue_type)
        if key not in self._screens:
            self._screens[key] = self._read(project, issue_type)
        return self._screens[key]

    def _read(self, project: str, issue_type: str) -> CreateScreen | None:
        try:
            screen = self._jira.create_screen(project, issue_type)
        except RemoteError as exc:
            if not exc.refused:
                raise
            log.warning("create metadata of %s in %s unreadable: %s", issue_type, project, exc)
            return None
        warning = left_out_warning(screen) if screen is not None else None
        if warning:
            log.warning("%s", warning)
            self.warnings.append(warning)
        return screen
