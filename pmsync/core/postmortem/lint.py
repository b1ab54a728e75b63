"""Warnings: what good post-mortem practice asks for, beyond what the parser requires.

Warnings never stop ticket creation. Each has a stable code and a switch in ``LintConfig``
of the same name (``vague-action`` <-> ``lint.vague_action``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from pmsync.config.schema import Config, FollowupConfig, LintConfig
from pmsync.core.domain.model import ActionItem, Finding, ParseResult, TimelineEntry
from pmsync.core.postmortem.blame import blame_phrases, people_names
from pmsync.core.postmortem.form import Form
from pmsync.core.postmortem.parse import Draft, read_draft
from pmsync.core.postmortem.vague import Kind, vagueness
from pmsync.core.postmortem.values import Unreadable, plain, quoted, read_owner


def check_postmortem(
    body: str | None, form: Form | None, config: Config, title: str = ""
) -> ParseResult:
    """Parse a body and add the warnings: the one call the CLI and the engine make."""
    draft, errors = read_draft(
        body,
        form,
        title=title,
        max_action_items=config.lint.max_action_items,
        max_services=config.lint.max_services,
    )
    return ParseResult(
        postmortem=None if errors else draft.postmortem(),
        errors=errors,
        warnings=(
            *lint_draft(draft, config.lint, people_names(config.people)),
            *born_late(draft, config.followup),
        ),
    )


def lint_draft(
    draft: Draft, config: LintConfig, people: frozenset[str] = frozenset()
) -> tuple[Finding, ...]:
    """The warnings for a draft; ``people`` are the words that name someone (``people_names``)."""
    findings: list[Finding] = []
    for row in draft.action_rows:  # rows with errors still get advice on what they say
        if config.vague_action:
            findings.extend(_vague(row.row, plain(row.values.get("action", ""))))
        if config.team_owner:
            findings.extend(_team_owner(row.row, row.values.get("owner", "")))
    for item in draft.action_items:
        if config.due_far and draft.incident_start is not None:
            days = (item.due - draft.incident_start.date()).days
            if days > config.due_far_days:
                findings.append(_due_far(item, days, config.due_far_days))
    if (
        config.many_action_items
        and config.many_action_items_threshold < len(draft.action_rows) <= config.max_action_items
    ):
        findings.append(_many(len(draft.action_rows), config.many_action_items_threshold))
    if config.blame_language:
        findings.extend(blame_findings(draft.texts.get("root_cause", ""), people))
    if config.timeline_detection and not any(map(is_detection, draft.timeline)):
        findings.append(_no_detection(draft.timeline))
    if config.unknown_heading:
        findings.extend(
            _unknown_heading(written, nearest) for written, nearest in draft.unknown_headings
        )
    return tuple(findings)


def _unknown_heading(written: str, nearest: str) -> Finding:
    return warning(
        "unknown-heading",
        "body",
        f"the heading {quoted(written)} is not a section of the post-mortem form, so pmsync "
        f"does not read it as one; the nearest section is {quoted(nearest)}: rename it to "
        "that if it is meant to be, or leave it as part of the section above it",
    )


def due_passed(draft_items: Iterable[ActionItem], today: date) -> tuple[Finding, ...]:
    """Due dates already behind ``today``: such an item is overdue from its first sync on.
    Only `pmsync validate` asks, before the body is filed: once filed, a passed due date is
    the overdue nudge's business."""
    return tuple(
        warning(
            "due-passed",
            "action_items",
            f"due {item.due.isoformat()} has already passed ({(today - item.due).days} "
            f"day{'' if (today - item.due).days == 1 else 's'} ago): the item would be overdue "
            "on its first sync; give a date ahead of today",
            item.row,
        )
        for item in draft_items
        if item.due < today
    )


def warning(code: str, field: str, message: str, row: int | None = None) -> Finding:
    return Finding(level="warning", code=code, field=field, row=row, message=message)


# --- vague actions ------------------------------------------------------------------------

# Why an item is vague, in the author's terms, and what a specific one looks like instead.
_WHY: dict[Kind, tuple[str, str]] = {
    "no-target": (
        "no target: {words} says which way, not how far or when it is done",
        "give it a number or a threshold, e.g. 'Page on-call when 5xx on checkout exceed 1% "
        "for 5 minutes' rather than 'Better monitoring of checkout'",
    ),
    "no-deliverable": (
        "no deliverable: {words} names nothing that will exist or have changed when it is done",
        "name the change, e.g. 'Add a liveness probe that checks Fluentd's /metrics' rather "
        "than 'Look into Fluentd health'; if a question must be answered first, make that the "
        "item and say what the answer decides",
    ),
    "meeting": (
        "a meeting rather than a change: {words}",
        "name what it must produce, e.g. 'Write the out-of-hours escalation rota into the "
        "on-call runbook' rather than 'Discuss out-of-hours support'",
    ),
    "topic": (
        "a topic, not an action: {words} has no verb saying what to do",
        "start with a verb and say what will exist, e.g. 'Page on-call when the oldest queued "
        "job is older than 10 minutes' rather than 'Queue dashboards and paging'",
    ),
}


def _vague(row: int, action: str) -> Iterator[Finding]:
    found = vagueness(action)
    if found is not None:
        why, instead = _WHY[found.kind]
        yield warning(
            "vague-action",
            "action_items",
            f"action {quoted(action)} is vague — {why.format(words=quoted(found.words, 40))}; "
            f"{instead}",
            row,
        )


# --- owners and dates ---------------------------------------------------------------------


def _team_owner(row: int, text: str) -> Iterator[Finding]:
    try:
        owner, is_team = read_owner(text)
    except Unreadable:
        return  # an error already, when the row needs an owner
    if is_team:
        yield warning(
            "team-owner",
            "action_items",
            f"owner @{owner} is a team; name one person who is accountable for the item "
            "(the team can still do the work)",
            row,
        )


def _due_far(item: ActionItem, days: int, limit: int) -> Finding:
    return warning(
        "due-far",
        "action_items",
        f"due {item.due.isoformat()} is {days} days after the incident started (more than "
        f"{limit}); split the work so a first step lands within {limit} days",
        item.row,
    )


def born_late(draft: Draft, policy: FollowupConfig) -> tuple[Finding, ...]:
    """Rows due later than the due-date policy (``followup.due_policy``) allows for their
    priority or the incident's severity, counted from the incident start."""
    if not policy.due_policy or draft.incident_start is None:
        return ()
    start = draft.incident_start.date()
    findings = []
    for item in draft.action_items:
        limit = policy.due_limit(item.priority, draft.severity)
        days = (item.due - start).days
        if limit is not None and days > limit[0]:
            most, key = limit
            findings.append(
                warning(
                    "due-after-policy",
                    "action_items",
                    f"due {item.due.isoformat()} is {days} days after the incident started; "
                    f"the team's due-date policy gives {key} "
                    f"{'items' if key.startswith('P') else 'incidents'} at most {most} days: "
                    f"set a date on or before {(start + timedelta(days=most)).isoformat()}, "
                    "or split the work so a first step lands by then",
                    item.row,
                )
            )
    return tuple(findings)


def _many(count: int, threshold: int) -> Finding:
    return warning(
        "many-action-items",
        "action_items",
        f"{count} action items (more than {threshold}); a few focused items get finished — "
        "keep the ones that prevent a repeat and track the rest elsewhere",
    )


# --- blame --------------------------------------------------------------------------------


def blame_findings(root_cause: str, people: frozenset[str] = frozenset()) -> list[Finding]:
    """The blame warning, if the root cause names a person as the cause (see ``blame``)."""
    phrases = blame_phrases(root_cause, people)
    if not phrases:
        return []
    found = ", ".join(quoted(phrase) for phrase in phrases[:5])
    return [
        warning(
            "blame-language",
            "root_cause",
            f"the root cause reads as blaming a person ({found}); describe the conditions that let "
            "the mistake happen instead, e.g. 'the deploy tool allowed a config change without "
            "review' rather than 'X should have checked the config'",
        )
    ]


# --- timeline -----------------------------------------------------------------------------

_DETECTION = re.compile(
    r"\b(detect\w*|alert\w*|alarm\w*|page[ds]?|paging|pager\w*|notic\w+|report(?:s|ed)?|"
    r"discover\w*|spott\w*|on-?call|first sign)\b",
    re.IGNORECASE,
)


def is_detection(entry: TimelineEntry) -> bool:
    return bool(_DETECTION.search(entry.event))


def _no_detection(timeline: tuple[TimelineEntry, ...]) -> Finding:
    what = (
        "the timeline is empty" if not timeline else "no timeline entry says when it was detected"
    )
    return warning(
        "timeline-detection",
        "timeline",
        f"{what}; add the moment the problem was detected and how (e.g. '14:09 Alert "
        "PaymentsErrorRateHigh paged on-call'), so time to detect can be measured",
    )
