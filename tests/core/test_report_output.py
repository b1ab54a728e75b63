"""The report as markdown, JSON and CSV: same numbers, stable keys, no mentions."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

from support.github_markdown import TEMPLATE_LINK, stray_links
from support.report_history import HISTORY, make_report

from pmsync.core.render import ZWJ
from pmsync.core.report.contents import Period
from pmsync.core.report.output import CSV_COLUMNS, JSON_VERSION, render_report

EMPTY = Period.model_validate({"since": "2030-01-01", "until": "2030-01-31"})


def test_markdown_shows_the_headline_numbers_against_their_targets() -> None:
    text = render_report(make_report(), "markdown")
    assert "| Action-item completion within 28 days | **46.7%** (7 of 15) ❌ | ≥ 90% |" in text
    assert (
        "| Action-item completion within 28 days, windows ended in the period | no data | ≥ 90% "
        "| 0 post-mortems |" in text
    )
    assert "| P0/P1 items done on time | **66.7%** (4 of 6) ❌ | ≥ 80% |" in text
    assert "pending: 1 (P0/P1 items still open before their due date)" in text
    assert "| Repeat incidents | **50%** (2 of 4) |" in text
    assert "median | **3** business days ✅" in text
    assert "90th percentile | **6** business days ❌" in text
    assert "1 of 4 (25%) with more than 5" in text
    assert "[acme/payments#4: Post-mortem: cache stampede (draft)]" in text  # left out


def test_markdown_mentions_nobody_and_links_only_where_the_template_does() -> None:
    title = "Outage @everyone <!-- pmsync:status --> other/repo#1 GH-2 [x](https://evil.example)"
    hostile = tuple(replace(pm, title=title) if pm.name == "A" else pm for pm in HISTORY)
    text = render_report(make_report(hostile), "markdown")
    assert "@someone" not in text and f"@{ZWJ}someone" in text  # E's lessons
    assert "@carol" not in text and f"@{ZWJ}carol" in text  # overdue owner
    assert "@everyone" not in text
    assert "<!--" not in text
    assert "other/repo#" in text  # the title is there, inert
    links = {url for _, url in TEMPLATE_LINK.findall(render_report(make_report(), "markdown"))}
    assert stray_links(text, links) == []


def test_markdown_for_an_empty_period_says_so() -> None:
    text = render_report(make_report(period=EMPTY), "markdown")
    assert "**No post-mortems in this period**" in text
    assert "| Action-item completion within 28 days | no data |" in text
    assert "| Time from incident to post-mortem, median | no data |" in text
    assert "division" not in text and "nan" not in text.casefold().split()


def test_json_has_the_same_numbers_under_the_documented_keys() -> None:
    document = json.loads(render_report(make_report(), "json"))
    assert document["version"] == JSON_VERSION
    assert document["period"] == {"since": "2026-10-01", "until": "2026-10-31"}
    completion = document["completion"]
    assert completion["key"] == "completion_within_window"
    assert (completion["numerator"], completion["denominator"], completion["percent"]) == (
        7,
        15,
        46.7,
    )
    assert completion["postmortems"] == 4 and completion["no_data"] is False
    assert document["time_to_postmortem"]["p90_business_days"] == 6
    assert document["overdue"]["owners"][0]["owner"] == "carol"
    assert document["dropped"]["items"][0]["resolution"] == "Won't Do"
    assert [b["group"] for b in document["by_severity"]] == ["SEV1", "SEV2", "SEV3"]
    assert set(document) == {
        "version",
        "period",
        "generated_at",
        "repositories",
        "postmortem_count",
        "postmortems",
        "completion_window_days",
        "completion",
        "completion_window_ended",
        "on_time",
        "repeats",
        "preventable_repeat_rate",
        "shipped_evidence",
        "time_to_postmortem",
        "action_items",
        "overdue",
        "dropped",
        "lessons",
        "by_service",
        "by_severity",
        "charts",
        "unreadable",
        "waiting_for_approval",
    }


def test_json_of_an_empty_period_has_nulls_not_zeros() -> None:
    document = json.loads(render_report(make_report(period=EMPTY), "json"))
    assert document["completion"]["percent"] is None
    assert document["completion"]["no_data"] is True
    assert document["time_to_postmortem"]["median_business_days"] is None


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_one_row_per_metric_and_breakdown() -> None:
    rows = _rows(render_report(make_report(), "csv"))
    assert tuple(rows[0]) == CSV_COLUMNS
    by_key = {(r["section"], r["group"], r["metric"]): r for r in rows}
    overall = by_key[("overall", "", "completion_within_window")]
    assert (overall["value"], overall["numerator"], overall["denominator"]) == ("46.7", "7", "15")
    assert overall["meets_target"] == "false" and overall["postmortems"] == "4"
    ended = by_key[("overall", "", "completion_window_ended_in_period")]
    assert (ended["value"], ended["postmortems"]) == ("", "0")  # no window ended in October
    assert by_key[("severity", "SEV2", "p0_p1_on_time")]["value"] == "66.7"
    assert by_key[("service", "indexer", "overdue_items")]["value"] == "3"
    assert by_key[("overdue_by_owner", "carol", "oldest_days_overdue")]["value"] == "30"
    assert by_key[("completion_by_month", "2026-08", "completion_within_window")]["value"] == (
        "100.0"
    )
    assert len(by_key) == len(rows)  # no row twice


def test_csv_cells_cannot_start_a_formula() -> None:
    hostile = tuple(
        replace(pm, items=tuple(replace(i, owner="=cmd") for i in pm.items))
        if pm.name == "F"
        else pm
        for pm in HISTORY
    )
    rows = _rows(render_report(make_report(hostile), "csv"))
    owners = {r["group"] for r in rows if r["section"] == "overdue_by_owner"}
    assert owners == {"'=cmd"}


def test_the_markdown_leads_with_one_row_per_postmortem() -> None:
    report = make_report()
    text = render_report(report, "markdown")
    table = text.index("| Post-mortem | Severity | Incident | Services | Items done |")
    assert table < text.index("| Metric | Value | Target | Rests on |")
    for row in report.postmortems:
        assert f"[{row.postmortem}: " in text[table:]
    assert [
        (row.postmortem, row.severity, row.items, row.done, row.dropped, row.overdue, row.repeat)
        for row in report.postmortems
    ] == [  # by incident start; counts as of the report's day
        ("acme/payments#3", "SEV2", 4, 3, 1, 0, False),
        ("acme/search#2", "SEV3", 2, 2, 0, 0, True),
        ("acme/payments#5", "SEV2", 3, 2, 0, 0, True),
        ("acme/search#3", "SEV1", 6, 2, 0, 3, False),
    ]
    assert "| 3 of 4 (1 dropped) | 0 | no |" in text
    assert "| 2 of 6 | ⚠️ 3 | no |" in text


def test_csv_has_the_postmortem_rows() -> None:
    rows = list(csv.DictReader(io.StringIO(render_report(make_report(), "csv"))))
    done = [r for r in rows if r["section"] == "postmortem" and r["metric"] == "items_done"]
    assert [r["group"] for r in done] == [pm.postmortem for pm in make_report().postmortems]
    assert all(int(r["numerator"]) <= int(r["denominator"]) for r in done)
