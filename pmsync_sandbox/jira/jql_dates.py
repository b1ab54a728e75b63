"""JQL's date values as instants (UTC): ``"2026-11-20"``, ``"2026-11-20 14:00"``, periods
such as ``-1d`` or ``4w 2d`` relative to the sandbox clock, epoch milliseconds, and the
functions ``now()``, ``startOfDay()`` and ``endOfDay()``."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from pmsync_sandbox.jira.jql_errors import JqlValidationError
from pmsync_sandbox.jira.jql_syntax import Function

_RELATIVE = re.compile(r"^([-+]?)((?:\d+[wdhm]\s*)+)$")
_RELATIVE_PART = re.compile(r"(\d+)([wdhm])")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
_DATE_FORMATS = ("%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d")


def parse_date_value(text: str, now: datetime) -> datetime | None:
    """A JQL date value as an instant (UTC), or None when Jira would not read it."""
    stripped = text.strip()
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(stripped, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    relative = _RELATIVE.match(stripped)
    if relative:
        return now + _period(relative.group(2), negative=relative.group(1) == "-")
    if stripped.isdigit():
        return datetime.fromtimestamp(int(stripped) / 1000, UTC)
    return None


def _period(text: str, *, negative: bool) -> timedelta:
    delta = sum(
        (timedelta(**{_UNITS[unit]: int(amount)}) for amount, unit in _RELATIVE_PART.findall(text)),
        timedelta(),
    )
    return -delta if negative else delta


def date_function(function: Function, now: datetime) -> datetime:
    name = function.name.casefold()
    offset = timedelta()
    if function.args:
        argument = function.args[0].strip()
        match = _RELATIVE.match(argument if argument[-1:].isalpha() else argument + "d")
        if match is None:
            raise JqlValidationError(
                [f"The argument '{argument}' of the function '{function.name}' is invalid."]
            )
        offset = _period(match.group(2), negative=match.group(1) == "-")
    midnight = datetime.combine(date(now.year, now.month, now.day), time(), UTC)
    if name == "now":
        return now + offset
    if name == "startofday":
        return midnight + offset
    if name == "endofday":
        return midnight + offset + timedelta(days=1) - timedelta(milliseconds=1)
    raise JqlValidationError([f"Unable to find JQL function '{function.name}()'."])
