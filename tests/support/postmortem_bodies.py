"""Post-mortem bodies for tests, rendered the way GitHub renders an issue form."""

from __future__ import annotations

from pathlib import Path

from pmsync.core.postmortem.form import NO_RESPONSE, Form, default_form

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bodies"
EXAMPLES = ROOT / "examples"

ACTION_HEADER = "| Action | Type | Priority | Owner | Due | Ticket |\n|---|---|---|---|---|---|"

GOOD = {
    "incident_start": "2026-11-20 14:02 UTC",
    "incident_end": "2026-11-20 15:47 UTC",
    "severity": "SEV2",
    "services": "payments-api, payments-db",
    "root_cause_category": "Capacity",
    "summary": "Card payments failed for 105 minutes when the database pool ran out.",
    "impact": "38% of card payments failed.",
    "timeline": "| Time (UTC) | Event |\n|---|---|\n"
    "| 14:02 | First requests time out |\n"
    "| 14:09 | Alert PaymentsErrorRateHigh pages on-call |\n"
    "| 15:47 | Error rate back to normal |",
    "root_cause": "The pool had 200 connections; campaign traffic needed 350.",
    "contributing_factors": "",
    "went_well": "",
    "could_improve": "",
    "action_items": ACTION_HEADER + "\n"
    "| Alert when pool usage stays above 80% for 5 minutes | Detect | P1 | @bob | 2026-11-27 | |\n"
    "| Cap report queries at 20 connections | Prevent | P2 | @alice | 2 weeks | |",
    "lessons_learned": "",
    "blameless": "- [X] The root cause describes systems and processes, not individuals\n"
    "- [ ] The people involved in the incident have reviewed this post-mortem",
}


def render(values: dict[str, str], form: Form | None = None) -> str:
    """The body GitHub writes for these field values (by id); absent or "" is `_No response_`."""
    form = form or default_form()
    return "\n\n".join(
        f"### {field.label}\n\n{values.get(field.id) or NO_RESPONSE}" for field in form.fields
    )


def good_body(**changes: str) -> str:
    """A valid body with some fields replaced (by id)."""
    return render({**GOOD, **changes})


def row(action: str = "Alert at 80%", owner: str = "@bob", due: str = "1w") -> str:
    """One action-table row (type Detect, priority P1)."""
    return f"| {action} | Detect | P1 | {owner} | {due} | |"


def actions(*rows: str) -> str:
    """An action-item table with these rows under the form's header."""
    return "\n".join([ACTION_HEADER, *rows])
