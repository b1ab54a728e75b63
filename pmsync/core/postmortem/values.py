"""Readers for the single values people write into a post-mortem: times, dates, owners, …

Each reader returns the value or raises ``Unreadable`` whose message quotes what was found
and says what would be accepted; the parser turns that message into a finding.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pmsync.config.jira_schema import JiraConfig
from pmsync.core.domain.model import ActionType, Priority

MAX_SPAN_DAYS = 3650  # a due date ten years out is a typo, not a plan
# Every date pmsync reads lies in these years: anything outside is a typo, and dates near
# the ends of Python's range (0001, 9999) overflow as soon as a span is added to them.
EARLIEST = date(1970, 1, 1)
LATEST = date(2199, 12, 31)


class Unreadable(ValueError):
    """A value that cannot be read; the message is meant for the post-mortem's author."""


def quoted(text: str, limit: int = 60) -> str:
    """A value as it appears in a message: quoted and cut short."""
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def plain(text: str) -> str:
    """A cell or token without surrounding emphasis, code marks or whitespace."""
    text = text.strip()
    previous = None
    while previous != text:
        previous = text
        for mark in ("**", "__", "*", "_", "`", "~~"):
            if len(text) > 2 * len(mark) and text.startswith(mark) and text.endswith(mark):
                text = text[len(mark) : -len(mark)].strip()
    return text


# --- times ----------------------------------------------------------------------------------

TIME_FORMAT_HINT = "a time such as 2026-11-20 14:02 UTC or 2026-11-20T14:02:00+01:00"
_MOMENT = re.compile(
    r"^(?P<date>\d{4}-\d{1,2}-\d{1,2})"
    r"(?:(?:T|\s+)(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?))?"
    r"\s*(?P<zone>.*)$",
    re.IGNORECASE,
)
_ZONE_NAME = re.compile(r"^[A-Za-z_]+(?:/[A-Za-z0-9_+-]+){1,2}$")
_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$")


def read_time(text: str) -> datetime:
    """`2026-11-20 14:02 UTC`, ISO 8601 with offset or Z, or an IANA zone; no zone means UTC."""
    value = plain(text)
    match = _MOMENT.match(value)
    if not match:
        raise Unreadable(f"{quoted(value)} is not a time; write {TIME_FORMAT_HINT}")
    hour, _, rest = (match.group("time") or "0:00").replace(",", ".").partition(":")
    try:
        moment = datetime.fromisoformat(f"{_padded_date(match.group('date'))}T{hour:0>2}:{rest}")
    except ValueError as exc:
        raise Unreadable(
            f"{quoted(value)} is not a real date and time; write {TIME_FORMAT_HINT}"
        ) from exc
    _in_range(moment.date(), value)
    return moment.replace(tzinfo=_zone(match.group("zone").strip(), value))


def _in_range(day: date, value: str, what: str = "") -> date:
    if not EARLIEST <= day <= LATEST:
        raise Unreadable(
            f"{what}{quoted(value)} lies outside the years {EARLIEST.year}–{LATEST.year} pmsync "
            "accepts; check the year"
        )
    return day


def _padded_date(text: str) -> str:
    year, month, day = text.split("-")
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _zone(text: str, value: str) -> tzinfo:
    if text.upper() in ("", "Z", "UTC", "GMT"):
        return UTC
    offset = _OFFSET.match(text.upper())
    if offset:
        minutes = int(offset["hours"]) * 60 + int(offset["minutes"] or 0)
        if minutes < 24 * 60:
            sign = -1 if offset["sign"] == "-" else 1
            return timezone(timedelta(minutes=sign * minutes))
    if _ZONE_NAME.match(text):
        try:
            return ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    raise Unreadable(
        f"{quoted(value)} has a time zone pmsync cannot read ({quoted(text)}); "
        f"write {TIME_FORMAT_HINT}, or name the zone as in 2026-11-20 15:02 Europe/Berlin"
    )


# --- due dates ------------------------------------------------------------------------------

DUE_HINT = "a date such as 2026-12-01, or a span from the incident start such as 3 days, 1 week, 2w"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SPAN = re.compile(
    r"^(?:in\s+)?\+?(?P<count>\d{1,6})\s*(?P<unit>d|days?|w|wks?|weeks?)$", re.IGNORECASE
)


def read_due(text: str) -> date | timedelta:
    """An absolute date, or a span still to be counted from the incident start."""
    value = plain(text)
    if _ISO_DATE.match(value):
        try:
            day = date.fromisoformat(value)
        except ValueError as exc:
            raise Unreadable(f"due date {quoted(value)} is not a real date") from exc
        return _in_range(day, value, "due date ")
    span = _SPAN.match(value)
    if not span:
        raise Unreadable(f"due {quoted(value)} cannot be read; write {DUE_HINT}")
    days = int(span["count"]) * (7 if span["unit"].lower().startswith("w") else 1)
    if days > MAX_SPAN_DAYS:
        raise Unreadable(f"due {quoted(value)} is more than ten years out; write {DUE_HINT}")
    return timedelta(days=days)


def resolve_due(due: date | timedelta, incident_start: datetime) -> date:
    if isinstance(due, date):
        return due
    try:
        return incident_start.date() + due  # the incident's date where its author wrote it
    except OverflowError as exc:
        raise Unreadable("the due date lies beyond the year 9999") from exc


# --- small choices --------------------------------------------------------------------------

_SEVERITY = re.compile(r"^(?:sev(?:erity)?\s*[-_ ]?\s*)?([1-4])(?!\d)", re.IGNORECASE)
SEVERITY_HINT = "one of SEV1, SEV2, SEV3, SEV4"


def read_severity(text: str) -> int:
    match = _SEVERITY.match(plain(text))
    if not match:
        raise Unreadable(f"severity {quoted(text)} is not {SEVERITY_HINT}")
    return int(match.group(1))


_TYPE_ALIASES = {
    **{member.value.casefold(): member for member in ActionType},
    "prevention": ActionType.PREVENT,
    "detection": ActionType.DETECT,
    "mitigation": ActionType.MITIGATE,
}
TYPE_HINT = "one of Prevent, Detect, Mitigate, Process"


def read_type(text: str) -> ActionType:
    found = _TYPE_ALIASES.get(plain(text).casefold())
    if found is None:
        raise Unreadable(f"type {quoted(text)} is not {TYPE_HINT}")
    return found


_PRIORITY = re.compile(r"^p\s*([0-3])$", re.IGNORECASE)
PRIORITY_HINT = "one of P0, P1, P2, P3"


# Jira's default priority names and the levels pmsync sends them for by default
# (``jira.priorities``): an author who writes Jira's word is told the level to write. Jira's
# default scheme also has Lowest, which pmsync's four levels fold into P3.
_DEFAULT_JIRA_NAMES = {
    name.casefold(): (level.value, name) for level, name in JiraConfig().priorities.items()
}
_JIRA_DEFAULT_PRIORITIES = {**_DEFAULT_JIRA_NAMES, "lowest": _DEFAULT_JIRA_NAMES["low"]}


def read_priority(text: str) -> Priority:
    match = _PRIORITY.match(plain(text))
    if not match:
        problem = f"priority {quoted(text)} is not {PRIORITY_HINT}"
        suggestion = _JIRA_DEFAULT_PRIORITIES.get(plain(text).casefold())
        if suggestion is not None:
            level, jira_name = suggestion
            problem += (
                f"; write {level} (pmsync sends it to Jira as {jira_name} unless "
                "jira.priorities says otherwise)"
            )
        raise Unreadable(problem)
    return Priority(f"P{match.group(1)}")


# GitHub: alphanumerics and single inner hyphens, at most 39 characters; team slugs are looser.
_HANDLE = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"
_OWNER = re.compile(rf"^@(?P<handle>{_HANDLE})(?:/(?P<team>[A-Za-z0-9][A-Za-z0-9_.-]*))?$")
OWNER_HINT = "one person as @github-handle (a team as @org/team)"


# Zero-width characters no handle contains: pmsync itself puts U+200D after the `@` of the
# handles it quotes (so they ping nobody), and an owner copied from its comments keeps it.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def read_owner(text: str) -> tuple[str, bool]:
    """`@bob` -> ("bob", False); `@acme/sre` -> ("acme/sre", True)."""
    value = plain(text.translate(_INVISIBLE))
    match = _OWNER.match(value)
    if match:
        team = match.group("team")
        return (f"{match['handle']}/{team}", True) if team else (match["handle"], False)
    if re.fullmatch(_HANDLE, value):
        raise Unreadable(f"owner {quoted(value)} needs an @: write @{value}")
    raise Unreadable(f"owner {quoted(value)} is not {OWNER_HINT}")


_TICKET_KEY = re.compile(r"(?<![A-Za-z0-9_-])([A-Z][A-Z0-9_]{1,9}-[1-9]\d{0,8})(?![A-Za-z0-9_])")


def find_ticket_key(text: str) -> str | None:
    """A Jira key such as OPS-12 in a cell: bare, in a link text, or at the end of a URL."""
    match = _TICKET_KEY.search(text)
    return match.group(1) if match else None


def read_services(text: str) -> tuple[str, ...]:
    """Comma-separated names, trimmed, without repeats (compared case-insensitively), in order."""
    names: dict[str, str] = {}
    for part in re.split(r"[,;\n]", text):
        name = plain(re.sub(r"^\s*[-*+]\s+", "", part))
        if name and name.casefold() not in names:
            names[name.casefold()] = name
    return tuple(names.values())


def read_choice(text: str, options: tuple[str, ...]) -> str:
    """One of a dropdown's options, compared case-insensitively; any text when there are none."""
    value = plain(text)
    if not options:
        return value
    for option in options:
        if option.casefold() == value.casefold():
            return option
    raise Unreadable(f"{quoted(value)} is not one of {', '.join(options)}")
