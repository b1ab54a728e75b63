"""Body -> PostMortem and errors: every field, every error, and bodies from the real world."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from support.postmortem_bodies import (
    ACTION_HEADER,
    EXAMPLES,
    FIXTURES,
    GOOD,
    actions,
    good_body,
    render,
)

from pmsync.core.domain.changes import TicketCell
from pmsync.core.domain.model import ActionType, Finding, ParseResult, Priority, TimelineEntry
from pmsync.core.postmortem.action_items import fill_ticket_cells, set_ticket_cells
from pmsync.core.postmortem.form import form_from_yaml
from pmsync.core.postmortem.parse import MAX_BODY_CHARACTERS, parse_postmortem
from pmsync.core.render import quiet_handle


def errors_of(result: ParseResult) -> list[tuple[str, str, int | None]]:
    return [(f.code, f.field, f.row) for f in result.errors]


def only_error(body: str, **kwargs: int) -> Finding:
    result = parse_postmortem(body, **kwargs)  # type: ignore[arg-type]
    assert len(result.errors) == 1, result.errors
    assert result.postmortem is None
    return result.errors[0]


# --- a good body --------------------------------------------------------------------------


def test_good_body_reads_every_field() -> None:
    result = parse_postmortem(good_body(), title="Payments outage")
    assert result.ok and result.errors == ()
    pm = result.postmortem
    assert pm is not None
    assert pm.title == "Payments outage"
    assert pm.incident_start == datetime(2026, 11, 20, 14, 2, tzinfo=UTC)
    assert pm.incident_end == datetime(2026, 11, 20, 15, 47, tzinfo=UTC)
    assert pm.severity == 2
    assert pm.services == ("payments-api", "payments-db")
    assert pm.root_cause_category == "Capacity"
    assert pm.summary == GOOD["summary"]
    assert pm.root_cause == GOOD["root_cause"]
    assert pm.contributing_factors == ""
    assert pm.timeline[1] == TimelineEntry(
        time="14:09", event="Alert PaymentsErrorRateHigh pages on-call"
    )
    assert pm.blameless == ("The root cause describes systems and processes, not individuals",)
    first, second = pm.action_items
    assert (first.row, first.type, first.priority, first.owner, first.due) == (
        1,
        ActionType.DETECT,
        Priority.P1,
        "bob",
        date(2026, 11, 27),
    )
    assert first.action == "Alert when pool usage stays above 80% for 5 minutes"
    assert second.due == date(2026, 12, 4)  # "2 weeks" from the incident start
    assert first.ticket is None and not first.owner_is_team


def test_examples() -> None:
    good = parse_postmortem((EXAMPLES / "postmortem.md").read_text(encoding="utf-8"))
    assert good.ok and good.postmortem is not None and len(good.postmortem.action_items) == 4
    bad = parse_postmortem((EXAMPLES / "postmortem-invalid.md").read_text(encoding="utf-8"))
    assert errors_of(bad) == [
        ("action-owner-missing", "action_items", 1),
        ("action-priority-invalid", "action_items", 2),
        ("action-due-invalid", "action_items", 3),
    ]


def test_crlf_body_reads_the_same() -> None:
    body = good_body()
    assert parse_postmortem(body.replace("\n", "\r\n")) == parse_postmortem(body)


# --- single fields ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20 14:02 UTC", datetime(2026, 11, 20, 14, 2, tzinfo=UTC)),
        ("2026-11-20 14:02", datetime(2026, 11, 20, 14, 2, tzinfo=UTC)),
        ("2026-11-20T14:02:00Z", datetime(2026, 11, 20, 14, 2, tzinfo=UTC)),
        ("2026-11-20T14:02:30.5+00:00", datetime(2026, 11, 20, 14, 2, 30, 500000, tzinfo=UTC)),
        (
            "2026-11-20T15:02+01:00",
            datetime(2026, 11, 20, 15, 2, tzinfo=timezone(timedelta(hours=1))),
        ),
        ("2026-11-20 9:02 -0530", datetime(2026, 11, 20, 14, 32, tzinfo=UTC)),
        ("2026-11-20", datetime(2026, 11, 20, tzinfo=UTC)),
        ("`2026-11-20 14:02 UTC`", datetime(2026, 11, 20, 14, 2, tzinfo=UTC)),
        ("2026-11-20 15:02 Europe/Berlin", datetime(2026, 11, 20, 14, 2, tzinfo=UTC)),
    ],
)
def test_incident_time_formats(text: str, expected: datetime) -> None:
    pm = parse_postmortem(good_body(incident_start=text, incident_end="")).postmortem
    assert pm is not None and pm.incident_start == expected


@pytest.mark.parametrize("text", ["yesterday", "14:02 UTC", "2026-13-40 10:00", "2026-11-20 CET"])
def test_unreadable_incident_time(text: str) -> None:
    finding = only_error(good_body(incident_start=text, incident_end=""))
    assert (finding.code, finding.field) == ("invalid-time", "incident_start")
    assert repr(text) in finding.message and "2026-11-20 14:02 UTC" in finding.message


def test_incident_end_before_start() -> None:
    finding = only_error(good_body(incident_end="2026-11-20 13:00 UTC"))
    assert (finding.code, finding.field) == ("end-before-start", "incident_end")


@pytest.mark.parametrize(
    ("text", "expected"), [("SEV1", 1), ("SEV4", 4), ("sev 2", 2), ("SEV-3 (minor)", 3)]
)
def test_severity(text: str, expected: int) -> None:
    pm = parse_postmortem(good_body(severity=text)).postmortem
    assert pm is not None and pm.severity == expected


def test_unknown_severity() -> None:
    finding = only_error(good_body(severity="SEV5"))
    assert (finding.code, finding.field) == ("invalid-severity", "severity")
    assert "'SEV5'" in finding.message and "SEV1, SEV2, SEV3, SEV4" in finding.message


def test_services_are_trimmed_deduplicated_and_ordered() -> None:
    pm = parse_postmortem(good_body(services=" web , api,, Web ,db, api ")).postmortem
    assert pm is not None and pm.services == ("web", "api", "db")


def test_root_cause_category_must_be_a_form_option() -> None:
    pm = parse_postmortem(good_body(root_cause_category="code defect")).postmortem
    assert pm is not None and pm.root_cause_category == "Code defect"
    finding = only_error(good_body(root_cause_category="Aliens"))
    assert (finding.code, finding.field) == ("invalid-choice", "root_cause_category")
    assert "'Aliens'" in finding.message and "Config change" in finding.message


@pytest.mark.parametrize(
    "field_id",
    ["incident_start", "severity", "services", "root_cause_category", "summary", "root_cause"],
)
def test_required_field_left_empty(field_id: str) -> None:
    finding = only_error(good_body(**{field_id: ""}))
    assert (finding.code, finding.field) == ("required-missing", field_id)
    assert "required but empty" in finding.message


def test_required_section_removed() -> None:
    body = good_body().replace("### Severity\n\nSEV2\n\n", "")
    finding = only_error(body)
    assert (finding.code, finding.field) == ("required-missing", "severity")
    assert "no '### Severity' section" in finding.message and "SEV1" in finding.message


def test_action_items_left_empty() -> None:
    result = parse_postmortem(good_body(action_items=""))
    assert errors_of(result) == [("required-missing", "action_items", None)]


def test_action_table_without_rows() -> None:
    finding = only_error(good_body(action_items=actions()))
    assert (finding.code, finding.field) == ("action-items-empty", "action_items")


def test_body_too_long() -> None:
    body = good_body(impact="x" * MAX_BODY_CHARACTERS)
    finding = only_error(body)
    assert (finding.code, finding.field) == ("body-too-long", "body")
    assert f"{len(body):,}" in finding.message and "65,536" in finding.message


# --- action items: the table --------------------------------------------------------------

ROW = "| Add alert at 80% | Detect | P1 | @bob | 2026-12-01 | |"


@pytest.mark.parametrize(
    ("row", "code", "words"),
    [
        ("| | Detect | P1 | @bob | 1w | |", "action-action-missing", ["no action text"]),
        ("| Add alert at 80% | | P1 | @bob | 1w | |", "action-type-missing", ["Prevent, Detect"]),
        ("| Add alert at 80% | Fix | P1 | @bob | 1w | |", "action-type-invalid", ["'Fix'"]),
        ("| Add alert at 80% | Detect | | @bob | 1w | |", "action-priority-missing", ["P0"]),
        (
            "| Add alert at 80% | Detect | High | @bob | 1w | |",
            "action-priority-invalid",
            ["'High'"],
        ),
        ("| Add alert at 80% | Detect | P1 | | 1w | |", "action-owner-missing", ["@github"]),
        ("| Add alert at 80% | Detect | P1 | Bob Smith | 1w | |", "action-owner-invalid", ["'Bob"]),
        ("| Add alert at 80% | Detect | P1 | bob | 1w | |", "action-owner-invalid", ["@bob"]),
        ("| Add alert at 80% | Detect | P1 | @bob | | |", "action-due-missing", ["3 days"]),
        ("| Add alert at 80% | Detect | P1 | @bob | soon | |", "action-due-invalid", ["'soon'"]),
        ("| Add alert at 80% | Detect | P1 | @bob | 2026-02-30 | |", "action-due-invalid", []),
        (
            "| Add alert at 80% | Detect | P1 | @bob | 2026-11-01 | |",
            "action-due-before-incident",
            ["2026-11-01", "2026-11-20", "such as 2026-12-04"],  # a date after the start
        ),
    ],
)
def test_action_row_errors(row: str, code: str, words: list[str]) -> None:
    finding = only_error(good_body(action_items=actions(ROW, row)))
    assert (finding.code, finding.field, finding.row) == (code, "action_items", 2)
    for word in words:
        assert word in finding.message


def test_every_problem_of_a_row_is_reported() -> None:
    result = parse_postmortem(good_body(action_items=actions("| Do it | Fix | High | | later | |")))
    assert [f.code for f in result.errors] == [
        "action-type-invalid",
        "action-priority-invalid",
        "action-owner-missing",
        "action-due-invalid",
    ]


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("3 days", date(2026, 11, 23)),
        ("1 week", date(2026, 11, 27)),
        ("2w", date(2026, 12, 4)),
        ("10d", date(2026, 11, 30)),
        ("**2 weeks**", date(2026, 12, 4)),
    ],
)
def test_due_dates_and_spans(due: str, expected: date) -> None:
    row = f"| Add alert at 80% | Detect | P1 | @bob | {due} | |"
    pm = parse_postmortem(good_body(action_items=actions(row))).postmortem
    assert pm is not None and pm.action_items[0].due == expected


def test_spans_count_from_the_incident_date_where_it_was_written() -> None:
    row = "| Add alert at 80% | Detect | P1 | @bob | 1d | |"
    body = good_body(
        action_items=actions(row), incident_start="2026-11-20 23:30 -05:00", incident_end=""
    )
    pm = parse_postmortem(body).postmortem
    assert pm is not None and pm.action_items[0].due == date(2026, 11, 21)


def test_span_without_incident_start_reports_only_the_start() -> None:
    result = parse_postmortem(good_body(incident_start="", incident_end=""))
    assert errors_of(result) == [("required-missing", "incident_start", None)]


def test_columns_in_any_order_any_case_with_extra_columns_and_no_ticket() -> None:
    table = (
        "| OWNER | due date | Notes | action | Priority | type |\n"
        "|:--|:-:|---|---|--:|---|\n"
        "| @bob | 1w | ignored | Add alert at 80% | p2 | detect |"
    )
    pm = parse_postmortem(good_body(action_items=table)).postmortem
    assert pm is not None
    item = pm.action_items[0]
    assert (item.action, item.type, item.priority, item.owner, item.ticket) == (
        "Add alert at 80%",
        ActionType.DETECT,
        Priority.P2,
        "bob",
        None,
    )


def test_missing_columns_are_reported_once() -> None:
    table = "| Action | Owner |\n|---|---|\n| Add alert at 80% | @bob |\n| Add pager | @amy |"
    result = parse_postmortem(good_body(action_items=table))
    assert [(f.code, f.row) for f in result.errors] == [("action-table-column-missing", None)] * 3
    assert "no Type column" in result.errors[0].message
    assert "'Action', 'Owner'" in result.errors[0].message


@pytest.mark.parametrize(
    ("cell", "key"),
    [
        ("OPS-12", "OPS-12"),
        ("[OPS-12](https://acme.atlassian.net/browse/OPS-12)", "OPS-12"),
        ("https://jira.acme.com/browse/PAY-7", "PAY-7"),
        ("", None),
        ("pending", None),
    ],
)
def test_ticket_key_from_the_ticket_cell(cell: str, key: str | None) -> None:
    row = f"| Add alert at 80% | Detect | P1 | @bob | 1w | {cell} |"
    pm = parse_postmortem(good_body(action_items=actions(row))).postmortem
    assert pm is not None and pm.action_items[0].ticket == key


def test_team_owner_is_accepted() -> None:
    row = "| Add alert at 80% | Detect | P1 | @acme/sre | 1w | |"
    pm = parse_postmortem(good_body(action_items=actions(row))).postmortem
    assert pm is not None
    assert (pm.action_items[0].owner, pm.action_items[0].owner_is_team) == ("acme/sre", True)


def test_an_owner_copied_from_pmsyncs_own_comment_is_read() -> None:
    # pmsync's comments quote handles as "@\u200dbob" so that they ping nobody; an owner
    # copied from there into the table keeps the invisible character.
    copied = quiet_handle("bob")
    assert copied != "@bob" and "\u200d" in copied
    row = f"| Add alert at 80% | Detect | P1 | {copied} | 1w | |"
    result = parse_postmortem(good_body(action_items=actions(row)))
    assert result.errors == ()
    assert result.postmortem is not None and result.postmortem.action_items[0].owner == "bob"


def test_escaped_pipes_and_rows_without_outer_pipes() -> None:
    table = (
        "Action | Type | Priority | Owner | Due\n"
        "---|---|---|---|---\n"
        "Alert on 5xx \\| 4xx above 1% | Detect | P1 | @bob | 1w"
    )
    pm = parse_postmortem(good_body(action_items=table)).postmortem
    assert pm is not None and pm.action_items[0].action == "Alert on 5xx | 4xx above 1%"


def test_blank_rows_are_skipped_but_keep_their_number() -> None:
    table = actions("| | | | | | |", ROW)
    pm = parse_postmortem(good_body(action_items=table)).postmortem
    assert pm is not None and [i.row for i in pm.action_items] == [2]


def test_text_around_the_table_is_ignored() -> None:
    value = f"We agreed on these:\n\n{actions(ROW)}\n\nReviewed on Monday."
    pm = parse_postmortem(good_body(action_items=value)).postmortem
    assert pm is not None and len(pm.action_items) == 1


@pytest.mark.parametrize(("count", "limit", "ok"), [(10, 10, True), (11, 10, False), (3, 2, False)])
def test_too_many_action_items(count: int, limit: int, ok: bool) -> None:
    table = actions(*[ROW] * count)
    result = parse_postmortem(good_body(action_items=table), max_action_items=limit)
    assert result.ok is ok
    if not ok:
        assert errors_of(result) == [("action-items-too-many", "action_items", None)]
        assert f"{count} action items" in result.errors[0].message
        assert f"at most {limit}" in result.errors[0].message


@pytest.mark.parametrize(("count", "limit", "ok"), [(20, 20, True), (21, 20, False), (3, 2, False)])
def test_too_many_services(count: int, limit: int, ok: bool) -> None:
    services = ", ".join(f"service-{n}" for n in range(count))
    result = parse_postmortem(good_body(services=services), max_services=limit)
    assert result.ok is ok
    if not ok:
        assert errors_of(result) == [("services-too-many", "services", None)]
        assert f"{count} affected services; at most {limit}" in result.errors[0].message
        assert "lint.max_services" in result.errors[0].message


# --- action items: the task list ----------------------------------------------------------


def test_task_list_items() -> None:
    items = (
        "- [ ] Add pool alert at 80% — Detect, P1, @bob, due 1 week\n"
        "- [x] Cap report queries at 20 connections - Prevent, P2, @alice, 2026-12-01\n"
        "* [ ] Runbook - with a dash in it – owner: @amy, type: Process, priority P3, due: 3d, "
        "OPS-7"
    )
    pm = parse_postmortem(good_body(action_items=items)).postmortem
    assert pm is not None
    first, second, third = pm.action_items
    assert (first.action, first.type, first.priority, first.owner, first.due) == (
        "Add pool alert at 80%",
        ActionType.DETECT,
        Priority.P1,
        "bob",
        date(2026, 11, 27),
    )
    assert (second.action, second.due) == (
        "Cap report queries at 20 connections",
        date(2026, 12, 1),
    )
    assert (third.action, third.type, third.ticket) == (
        "Runbook - with a dash in it",
        ActionType.PROCESS,
        "OPS-7",
    )


def test_task_list_problems() -> None:
    items = (
        "- [ ] Add pool alert at 80% — Detect, P1, @bob, due 1 week, banana\n"
        "- [ ] Cap report queries — Prevent, P1, P2, @alice, 1w\n"
        "- [ ] Something without attributes"
    )
    result = parse_postmortem(good_body(action_items=items))
    assert errors_of(result) == [
        ("action-attribute-unknown", "action_items", 1),
        ("action-attribute-repeated", "action_items", 2),
        ("action-type-missing", "action_items", 3),
        ("action-priority-missing", "action_items", 3),
        ("action-owner-missing", "action_items", 3),
        ("action-due-missing", "action_items", 3),
    ]
    assert "'banana'" in result.errors[0].message
    assert "'P1' and 'P2'" in result.errors[1].message


# --- timeline -----------------------------------------------------------------------------


def test_timeline_list_with_times_in_many_styles() -> None:
    value = (
        "- 14:02 First timeouts\n"
        "- **14:09 UTC** - Alert fired\n"
        "- 2026-11-20 14:30 — Pool raised\n"
        "* 3:26pm: noticed\n"
        "1. Without a time"
    )
    pm = parse_postmortem(good_body(timeline=value)).postmortem
    assert pm is not None
    assert pm.timeline == (
        TimelineEntry(time="14:02", event="First timeouts"),
        TimelineEntry(time="14:09 UTC", event="Alert fired"),
        TimelineEntry(time="2026-11-20 14:30", event="Pool raised"),
        TimelineEntry(time="3:26pm", event="noticed"),
        TimelineEntry(time="", event="Without a time"),
    )


def test_timeline_table_by_header() -> None:
    value = "| What | Who | When |\n|---|---|---|\n| Alert fired | bot | 14:09 |\n| | | |"
    pm = parse_postmortem(good_body(timeline=value)).postmortem
    assert pm is not None
    assert pm.timeline == (TimelineEntry(time="14:09", event="Alert fired"),)


def test_prefilled_empty_timeline_has_no_entries() -> None:
    pm = parse_postmortem(good_body(timeline="| Time (UTC) | Event |\n|---|---|")).postmortem
    assert pm is not None and pm.timeline == ()


# --- a team's own form --------------------------------------------------------------------

TEAM_FORM = """
name: Incident review
description: x
body:
  - {type: input, id: incident_start, attributes: {label: "When did it start?"}}
  - {type: dropdown, id: severity, attributes: {label: Sev, options: [SEV1, SEV2]}}
  - {type: input, id: services, attributes: {label: Systems}}
  - {type: input, id: root_cause_category, attributes: {label: Category}}
  - {type: textarea, id: summary, attributes: {label: TL;DR}}
  - {type: textarea, id: root_cause, attributes: {label: Why}}
  - {type: textarea, id: action_items, attributes: {label: Follow-ups}}
  - type: textarea
    id: customer_comms
    attributes: {label: Customer comms}
    validations: {required: true}
"""


def test_a_team_form_with_renamed_labels() -> None:
    form = form_from_yaml(TEAM_FORM)
    values = {**GOOD, "root_cause_category": "Anything goes", "customer_comms": "Status page"}
    result = parse_postmortem(render(values, form), form)
    assert result.ok, result.errors
    assert result.postmortem is not None
    assert result.postmortem.root_cause_category == "Anything goes"
    values["customer_comms"] = ""
    assert errors_of(parse_postmortem(render(values, form), form)) == [
        ("required-missing", "customer_comms", None)
    ]


def test_a_form_without_a_required_field() -> None:
    form = form_from_yaml(TEAM_FORM.replace("  - {type: dropdown, id: severity", "  - {type: x"))
    result = parse_postmortem(render({**GOOD, "customer_comms": "Status page"}, form), form)
    assert errors_of(result) == [("required-missing", "severity", None)]
    assert "no field with id 'severity'" in result.errors[0].message


# --- public post-mortems rewritten into the form ------------------------------------------


def fixture(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


def test_dfds_coredns_task_list_and_zone_names() -> None:
    result = parse_postmortem(fixture("dfds-pm2020-004-coredns.md"))
    assert result.ok, result.errors
    pm = result.postmortem
    assert pm is not None
    assert pm.incident_start == datetime(2020, 2, 3, 10, 21, tzinfo=UTC)
    assert pm.incident_end == datetime(2020, 2, 3, 12, 30, tzinfo=UTC)
    assert pm.services == ("Hellman Kubernetes", "CoreDNS", "KIAM")
    assert [i.due for i in pm.action_items] == [date(2020, 2, 17), date(2020, 2, 13)]
    assert pm.timeline[0] == TimelineEntry(
        time="2020-02-03 11:21", event="EKS 1.14 upgrade cause CoreDNS pods to crash loop"
    )
    assert pm.blameless == ()


def test_dfds_alb_action_items_as_written_get_one_error_per_gap() -> None:
    result = parse_postmortem(fixture("dfds-pm2022-006-alb-502.md"))
    assert result.postmortem is None
    missing = ["type", "priority", "owner", "due"]
    assert errors_of(result) == [
        (f"action-{name}-missing", "action_items", row) for row in range(1, 5) for name in missing
    ]


def test_learningequality_crlf_body_with_paragraph_timeline() -> None:
    body = fixture("learningequality-004-sushibar.md")
    assert "\r\n" in body
    result = parse_postmortem(body)
    assert result.ok, result.errors
    pm = result.postmortem
    assert pm is not None
    assert [e.time for e in pm.timeline] == [
        "2018-08-22, 03:26pm",
        "2018-08-22, 04:12pm",
        "2018-08-22, 04:24pm",
        "2018-08-23, 10:08am",
    ]
    assert pm.timeline[0].event.startswith("first noticed that sushibar")
    assert pm.action_items[1].owner == "learningequality/devops"
    assert "\r" not in pm.root_cause


def test_posthog_list_timeline_reordered_columns_and_tickets() -> None:
    result = parse_postmortem(fixture("posthog-2025-09-29-flags.md"))
    assert result.ok, result.errors
    pm = result.postmortem
    assert pm is not None
    assert pm.services == ("feature-flags", "writer-db")
    assert pm.severity == 1
    assert [i.ticket for i in pm.action_items] == ["FLAGS-101", "FLAGS-102", None, None, None]
    assert [i.priority for i in pm.action_items][:2] == [Priority.P0, Priority.P1]
    assert [e.time for e in pm.timeline][:2] == ["16:58 UTC", "17:02 UTC"]
    assert len(pm.timeline) == 8  # the heading inside the log's code fence is not a section
    assert "three compounding factors" in pm.root_cause


# --- never raises -------------------------------------------------------------------------

_cell = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)
_table = st.lists(st.lists(_cell, min_size=0, max_size=8), min_size=0, max_size=12).map(
    lambda rows: "\n".join("|" + "|".join(row) + "|" for row in rows)
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_never_raises_on_any_text(text: str) -> None:
    result = parse_postmortem(text)
    assert result.postmortem is None or not result.errors


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(GOOD)), st.text(max_size=200)))
def test_parse_never_raises_on_any_field_values(values: dict[str, str]) -> None:
    parse_postmortem(render({**GOOD, **values}))


@settings(max_examples=200, deadline=None)
@given(
    _table,
    st.sampled_from(["", ACTION_HEADER + "\n"]),
)
def test_parse_never_raises_on_any_table(table: str, header: str) -> None:
    result = parse_postmortem(good_body(action_items=header + table, timeline=table))
    for finding in result.errors:
        assert finding.message and finding.field


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["### Summary", "```", "~~~", "- [x] a", "| a |", "|-|", "", "x"])))
def test_parse_never_raises_on_markdown_fragments(lines: list[str]) -> None:
    parse_postmortem("\n".join(lines))


def test_parse_accepts_none() -> None:
    result = parse_postmortem(None)
    assert result.postmortem is None and len(result.errors) == 7


def test_fixture_directory_is_present() -> None:
    assert len(list(Path(FIXTURES).glob("*.md"))) >= 4


# --- filling the Ticket column ------------------------------------------------------------

LINK = "[OPS-12](https://acme.atlassian.net/browse/OPS-12)"


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.split("\n"), after.split("\n")
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_set_ticket_cells_fills_only_the_given_cells() -> None:
    body = good_body()
    filled = set_ticket_cells(body, {2: LINK})
    assert changed_lines(body, filled) == [
        (
            "| Cap report queries at 20 connections | Prevent | P2 | @alice | 2 weeks | |",
            f"| Cap report queries at 20 connections | Prevent | P2 | @alice | 2 weeks | {LINK} |",
        )
    ]
    pm = parse_postmortem(filled).postmortem
    assert pm is not None and [i.ticket for i in pm.action_items] == [None, "OPS-12"]


def test_set_ticket_cells_is_idempotent_and_keeps_unchanged_lines_byte_for_byte() -> None:
    body = good_body()
    once = set_ticket_cells(body, {1: "OPS-1", 2: LINK})
    assert set_ticket_cells(once, {1: "OPS-1", 2: LINK}) == once
    assert set_ticket_cells(body, {}) == body


def test_set_ticket_cells_replaces_an_existing_key() -> None:
    row = "| Add alert at 80% | Detect | P1 | @bob | 1w |OPS-1|"
    filled = set_ticket_cells(good_body(action_items=actions(row)), {1: LINK})
    assert f"| @bob | 1w | {LINK} |" in filled


def test_set_ticket_cells_adds_a_missing_ticket_column() -> None:
    table = (
        "| Action | Type | Priority | Owner | Due |\n|---|---|---|---|---|\n"
        "| A at 1% | Detect | P1 | @bob | 1w |\n"
        "B at 2% | Detect | P1 | @bob | 1w\n"
        "| C at 3% | Detect | P1 | @bob | 1w |"
    )
    filled = set_ticket_cells(good_body(action_items=table), {2: "OPS-3"})
    assert "| Action | Type | Priority | Owner | Due | Ticket |" in filled
    assert "|---|---|---|---|---| --- |" in filled
    assert "B at 2% | Detect | P1 | @bob | 1w | OPS-3 |" in filled
    pm = parse_postmortem(filled).postmortem
    assert pm is not None and [i.ticket for i in pm.action_items] == [None, "OPS-3", None]


def test_set_ticket_cells_pads_short_rows() -> None:
    row = "| Add alert at 80% | Detect | P1 | @bob | 1w |"
    filled = set_ticket_cells(good_body(action_items=actions(row)), {1: "OPS-4"})
    assert "| Add alert at 80% | Detect | P1 | @bob | 1w | OPS-4 |" in filled


def test_set_ticket_cells_keeps_crlf() -> None:
    body = good_body().replace("\n", "\r\n")
    filled = set_ticket_cells(body, {1: LINK})
    assert filled.count("\r\n") == body.count("\r\n") and "\n" not in filled.replace("\r\n", "")
    assert filled.replace(f" {LINK} ", " ") == body


def test_set_ticket_cells_escapes_pipes_and_line_breaks() -> None:
    filled = set_ticket_cells(good_body(), {1: "a|b\nc"})
    assert "| a\\|b c |" in filled
    assert set_ticket_cells(filled, {1: "a|b\nc"}) == filled


def test_set_ticket_cells_on_a_task_list() -> None:
    items = (
        "- [ ] Add pool alert at 80% — Detect, P1, @bob, due 1 week\n"
        "- [ ] Cap queries at 20 — Prevent, P2, @alice, 2w, OPS-1\n"
        "- [ ] No attributes yet"
    )
    filled = set_ticket_cells(good_body(action_items=items), {1: LINK, 2: "[OPS-1](u)", 3: "X-1"})
    assert f"- [ ] Add pool alert at 80% — Detect, P1, @bob, due 1 week, {LINK}\n" in filled
    assert "- [ ] Cap queries at 20 — Prevent, P2, @alice, 2w, [OPS-1](u)\n" in filled
    assert "- [ ] No attributes yet — X-1" in filled
    valid = items.rsplit("\n", 1)[0]
    pm = parse_postmortem(set_ticket_cells(good_body(action_items=valid), {1: LINK})).postmortem
    assert pm is not None and pm.action_items[0].ticket == "OPS-12"


ALERT = "alert when pool usage stays above 80% for 5 minutes"  # row 1, normalised
CAP = "cap report queries at 20 connections"  # row 2, normalised


def test_fill_ticket_cells_finds_each_row_by_its_action_not_its_number() -> None:
    inserted = "| Page the DBA on lag | Detect | P1 | @bob | 1w | |"
    body = good_body(
        action_items=GOOD["action_items"].replace(
            ACTION_HEADER + "\n", ACTION_HEADER + "\n" + inserted + "\n"
        )
    )
    cells = (
        TicketCell(row=1, action=ALERT, text="OPS-1"),
        TicketCell(row=2, action=CAP, text="OPS-2"),
    )
    pm = parse_postmortem(fill_ticket_cells(body, cells)).postmortem
    assert pm is not None
    assert [(item.row, item.ticket) for item in pm.action_items] == [
        (1, None),
        (2, "OPS-1"),
        (3, "OPS-2"),
    ]


def test_fill_ticket_cells_skips_an_item_no_row_holds_any_more() -> None:
    body = good_body(
        action_items=GOOD["action_items"].replace("Cap report queries", "Limit report queries")
    )
    cells = (
        TicketCell(row=1, action=ALERT, text="OPS-1"),
        TicketCell(row=2, action=CAP, text="OPS-2"),
    )
    pm = parse_postmortem(fill_ticket_cells(body, cells)).postmortem
    assert pm is not None and [item.ticket for item in pm.action_items] == ["OPS-1", None]


def test_fill_ticket_cells_tells_rows_with_one_text_apart_by_occurrence() -> None:
    row = "| Cap report queries at 20 connections | Prevent | P2 | @alice | 2 weeks | |"
    body = good_body(action_items=actions(row, row))
    cells = (TicketCell(row=2, action=CAP, occurrence=2, text="OPS-9"),)
    pm = parse_postmortem(fill_ticket_cells(body, cells)).postmortem
    assert pm is not None and [item.ticket for item in pm.action_items] == [None, "OPS-9"]


def test_set_ticket_cells_without_action_items_changes_nothing() -> None:
    assert set_ticket_cells("no sections here", {1: LINK}) == "no sections here"
    body = good_body(action_items="")
    assert set_ticket_cells(body, {1: LINK}) == body


_words = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cs", "Cc", "Zl", "Zp"], blacklist_characters="|\\"
    ),
    min_size=1,
    max_size=20,
).filter(lambda text: text.strip() != "")
_columns = st.permutations(["Action", "Type", "Priority", "Owner", "Due", "Ticket", "Notes"])


@settings(max_examples=150, deadline=None)
@given(
    columns=_columns,
    drop_ticket=st.booleans(),
    actions_text=st.lists(_words, min_size=1, max_size=8),
    chosen=st.sets(st.integers(min_value=1, max_value=8)),
    crlf=st.booleans(),
)
def test_set_ticket_cells_round_trips(
    columns: list[str], drop_ticket: bool, actions_text: list[str], chosen: set[int], crlf: bool
) -> None:
    if drop_ticket:
        columns = [c for c in columns if c != "Ticket"]
    cells = {"Type": "Detect", "Priority": "P1", "Owner": "@bob", "Due": "1w", "Ticket": ""}
    rows = [
        "| " + " | ".join(action if c == "Action" else cells.get(c, "n") for c in columns) + " |"
        for action in actions_text
    ]
    table = "\n".join(["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns), *rows])
    body = good_body(action_items=table)
    if crlf:
        body = body.replace("\n", "\r\n")
    wanted = {row: f"[OPS-{row}](https://acme.atlassian.net/browse/OPS-{row})" for row in chosen}
    wanted = {row: text for row, text in wanted.items() if row <= len(rows)}
    filled = set_ticket_cells(body, wanted)

    assert set_ticket_cells(filled, wanted) == filled
    before, after = parse_postmortem(body), parse_postmortem(filled)
    assert after.postmortem is not None and before.postmortem is not None
    assert [i.ticket for i in after.postmortem.action_items] == [
        f"OPS-{i.row}" if i.row in wanted else None for i in before.postmortem.action_items
    ]
    untouched = after.postmortem.model_copy(update={"action_items": ()})
    assert untouched == before.postmortem.model_copy(update={"action_items": ()})
    ending = "\r\n" if crlf else "\n"
    old, new = body.split(ending), filled.split(ending)
    table_lines = {i for i, line in enumerate(old) if line.startswith("|")}
    assert [line for i, line in enumerate(new) if i not in table_lines] == [
        line for i, line in enumerate(old) if i not in table_lines
    ]


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("|-: aO\r\n#`[]x@")), max_size=200),
    st.dictionaries(st.integers(min_value=-1, max_value=6), st.text(max_size=10), max_size=4),
)
# A header of two cells over a delimiter of one is no table (GFM): once read as one, the
# Ticket column written into it made a real table, and a second fill changed it again.
@example(noise=":|:\r-", cells={1: "0"})
def test_set_ticket_cells_never_raises(noise: str, cells: dict[int, str]) -> None:
    for body in (noise, good_body(action_items=noise)):
        filled = set_ticket_cells(body, cells)
        assert set_ticket_cells(filled, cells) == filled


def test_column_headers_with_remarks_and_emphasis() -> None:
    table = (
        "| **Action** | Type: | Priority (P0-P3) | Owner | Due (date or span) |\n"
        "|---|---|---|---|---|\n| Add alert at 80% | Detect | P1 | @bob | 1w |"
    )
    pm = parse_postmortem(good_body(action_items=table)).postmortem
    assert pm is not None and pm.action_items[0].due == date(2026, 11, 27)


def test_errors_come_in_form_order() -> None:
    body = good_body(severity="SEV9", action_items=actions("| x | Fix | P1 | @bob | 1w | |"))
    assert [f.field for f in parse_postmortem(body).errors] == ["severity", "action_items"]
