"""A :class:`~pmsync.core.report.contents.Report` as markdown (with Mermaid charts), JSON or CSV.

Markdown comes from ``templates/report.md.j2`` through the shared template environment, so
user text passes the same ``neutralise`` / ``quiet_handle`` filters as every comment: a
report never mentions anyone. Chart labels travel inside Mermaid's quoted strings, where
those filters do not help; :func:`mermaid_text` keeps only characters that cannot end a
string or start Mermaid syntax. JSON keys and CSV columns are documented in docs/report.md.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Literal

from pmsync.core.domain.model import Frozen
from pmsync.core.render import render
from pmsync.core.report.contents import Breakdown, Rate, Report

Format = Literal["markdown", "json", "csv"]
FORMATS: tuple[Format, ...] = ("markdown", "json", "csv")
JSON_VERSION = 2  # bumped only when a key changes meaning or disappears
CSV_COLUMNS = (
    "section",
    "group",
    "metric",
    "value",
    "numerator",
    "denominator",
    "target",
    "meets_target",
    "postmortems",
    "pending",
    "since",
    "until",
)
MERMAID_LABEL_MAX = 40
MERMAID_TITLE_MAX = 80
# Letters, digits, spaces and a few marks that mean nothing to Mermaid inside quotes.
_MERMAID_UNSAFE = re.compile(r"[^\w .,:/()+\-–']", re.UNICODE)


def mermaid_text(value: object, limit: int = MERMAID_LABEL_MAX) -> str:
    """Text for a quoted Mermaid label: no quote, no ``#`` (entity), no line break, no
    ``%%`` (comment), no brackets; cut to a length a chart axis can show."""
    text = " ".join(_MERMAID_UNSAFE.sub(" ", str(value)).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text or "(unnamed)"


# --- charts ----------------------------------------------------------------------------------


# Bars and the target line in colours that read on GitHub's light and dark themes (the
# default theme draws bars in a near-white tint).
CHART_INIT = (
    "%%{init: {'theme': 'base', 'themeVariables': {'xyChart': "
    "{'plotColorPalette': '#1f6feb, #d1242f'}, 'pie1': '#1f6feb', 'pie2': '#bf8700', "
    "'pie3': '#1a7f37', 'pie4': '#8250df', 'pie5': '#d1242f', 'pie6': '#6e7781'}}}%%"
)
# Below this many items d3, which draws Mermaid's axes, ticks counts in halves (0.5, 1.5).
_INTEGER_TICKS_FROM = 10
# Empty categories at both ends of a chart with a target line, so the line crosses the whole
# chart: a line through one month alone would be a dot nobody sees.
_EDGE_LEFT, _EDGE_RIGHT = " ", "  "


class BarChart(Frozen):
    title: str
    labels: tuple[str, ...]  # already safe for Mermaid
    y_title: str
    y_max: float
    bars: tuple[float, ...]
    line: tuple[float, ...] = ()  # e.g. the target, one value per label


class PieChart(Frozen):
    title: str
    slices: tuple[tuple[str, int], ...]  # (safe label, value > 0), two or more


class SingleSlice(Frozen):
    """What a pie of one slice would say at 100%, said in words instead."""

    label: str  # safe for Mermaid and markdown
    value: int


class MermaidCharts(Frozen):
    """The report's charts as drawn from its
    :class:`~pmsync.core.report.contents.ChartData`; None: nothing to draw."""

    completion: BarChart | None
    open_by_age: BarChart | None
    repeats: PieChart | None
    repeats_in_one: SingleSlice | None = None  # when every repeat was on one service


def charts(report: Report) -> MermaidCharts:
    data = report.charts
    target = report.completion.target_percent or 0
    months = [m for m in data.completion_by_month if m.percent is not None]
    completion = (
        BarChart(
            title=mermaid_text(
                f"Action items done within {report.completion_window_days} days, by incident month",
                MERMAID_TITLE_MAX,
            ),
            labels=(
                _EDGE_LEFT,
                *(mermaid_text(f"{m.month} ({m.postmortems})") for m in months),
                _EDGE_RIGHT,
            ),
            y_title="% done",
            y_max=100,
            bars=(0.0, *(m.percent or 0.0 for m in months), 0.0),
            line=tuple(float(target) for _ in range(len(months) + 2)),
        )
        if months
        else None
    )
    ages = data.open_by_age
    open_by_age = (
        BarChart(
            title="Open action items by days since the incident",
            labels=tuple(mermaid_text(bucket.label) for bucket in ages),
            y_title="items",
            y_max=max(_INTEGER_TICKS_FROM, *(bucket.items for bucket in ages)),
            bars=tuple(float(bucket.items) for bucket in ages),
        )
        if any(bucket.items for bucket in ages)
        else None
    )
    slices = tuple((mermaid_text(s.service), s.repeats) for s in data.repeats_by_service)
    repeats = PieChart(title="Repeat incidents by service", slices=slices)
    return MermaidCharts(
        completion=completion,
        open_by_age=open_by_age,
        repeats=repeats if len(slices) > 1 else None,
        repeats_in_one=SingleSlice(label=slices[0][0], value=slices[0][1])
        if len(slices) == 1
        else None,
    )


# --- the three formats -----------------------------------------------------------------------


def to_markdown(report: Report, *, stamped: bool = True) -> str:
    """``stamped``: say when the report was made (the digest issue leaves it out, so a rerun
    that finds nothing new leaves its text as it was)."""
    context = {
        "report": report,
        "charts": charts(report),
        "stamped": stamped,
        "chart_init": CHART_INIT,
    }
    return render("report.md.j2", context)


def to_json(report: Report) -> str:
    document = {"version": JSON_VERSION, **report.model_dump(mode="json")}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


Row = dict[str, object]


# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """User text (an owner, a service) as a CSV cell no spreadsheet takes for a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _number(value: float | int | None) -> object:
    return "" if value is None else value


def _rate_row(section: str, group: str, rate: Rate) -> Row:
    return {
        "section": section,
        "group": _cell(group),
        "metric": rate.key,
        "value": _number(rate.percent),
        "numerator": rate.numerator,
        "denominator": rate.denominator,
        "target": _number(rate.target_percent),
        "meets_target": "" if rate.meets_target is None else str(rate.meets_target).lower(),
        "postmortems": rate.postmortems,
        "pending": rate.pending,
        "since": rate.since.isoformat(),
        "until": rate.until.isoformat(),
    }


def _value_row(
    section: str,
    group: str,
    metric: str,
    value: float | int | None,
    report: Report,
    **extra: object,
) -> Row:
    row: Row = {
        "section": section,
        "group": _cell(group),
        "metric": metric,
        "value": _number(value),
        "postmortems": report.postmortem_count,
        "since": report.period.since.isoformat(),
        "until": report.period.until.isoformat(),
    }
    return row | extra


def _breakdown_rows(section: str, part: Breakdown, report: Report) -> Iterator[Row]:
    for rate in (part.completion, part.on_time, part.repeats):
        yield _rate_row(section, part.group, rate)
    time = part.time_to_postmortem
    yield _value_row(
        section,
        part.group,
        "time_to_postmortem_median_business_days",
        time.median_business_days,
        report,
        target=time.target_business_days,
        postmortems=time.postmortems,
    )
    yield _value_row(
        section,
        part.group,
        "overdue_items",
        part.overdue_items,
        report,
        postmortems=part.postmortems,
    )


def csv_rows(report: Report) -> Iterator[Row]:
    """One row per metric, then per breakdown group, owner and month (docs/report.md)."""
    yield _value_row("overall", "", "postmortems", report.postmortem_count, report)
    headline = (
        report.completion,
        report.completion_window_ended,
        report.on_time,
        report.repeats,
        report.preventable_repeat_rate,
        report.shipped_evidence,
    )
    for rate in headline:
        yield _rate_row("overall", "", rate)
    time = report.time_to_postmortem
    target = time.target_business_days
    days = "time_to_postmortem"
    yield _value_row(
        "overall", "", f"{days}_median_business_days", time.median_business_days, report,
        target=target, postmortems=time.postmortems,
        meets_target=_flag(time.median_meets_target),
    )  # fmt: skip
    yield _value_row(
        "overall", "", f"{days}_p90_business_days", time.p90_business_days, report,
        target=target, postmortems=time.postmortems, meets_target=_flag(time.p90_meets_target),
    )  # fmt: skip
    yield _value_row(
        "overall", "", f"{days}_within_target", time.within_target_percent, report,
        numerator=time.within_target, denominator=time.postmortems, target=target,
        postmortems=time.postmortems,
    )  # fmt: skip
    items = report.action_items
    yield _value_row("overall", "", "action_items_mean", items.mean, report)
    yield _value_row("overall", "", "action_items_median", items.median, report)
    yield _value_row(
        "overall", "", "action_items_more_than_healthy", items.more_percent, report,
        numerator=items.more, denominator=items.postmortems, target=items.healthy_max,
    )  # fmt: skip
    yield _value_row("overall", "", "overdue_items", report.overdue.items, report)
    yield _value_row("overall", "", "dropped_items", len(report.dropped.items), report)
    for part in report.by_service:
        yield from _breakdown_rows("service", part, report)
    for part in report.by_severity:
        yield from _breakdown_rows("severity", part, report)
    for owner in report.overdue.owners:
        yield _value_row("overdue_by_owner", owner.owner, "overdue_items", len(owner.items), report)
        yield _value_row(
            "overdue_by_owner",
            owner.owner,
            "oldest_days_overdue",
            owner.oldest_days_overdue,
            report,
        )
    for pm in report.postmortems:
        ref = pm.postmortem
        yield _value_row(
            "postmortem", ref, "items_done", pm.done, report,
            numerator=pm.done, denominator=pm.items, postmortems=1,
        )  # fmt: skip
        yield _value_row("postmortem", ref, "overdue_items", pm.overdue, report, postmortems=1)
        yield _value_row("postmortem", ref, "repeat", int(pm.repeat), report, postmortems=1)
    for waiting in report.waiting_for_approval:
        # The day it was opened, in the value column.
        row = _value_row("waiting_for_approval", waiting.postmortem, "opened", None, report)
        yield row | {"value": waiting.opened.isoformat()}
    for month in report.charts.completion_by_month:
        yield _value_row(
            "completion_by_month", month.month, "completion_within_window", month.percent, report,
            numerator=month.done_in_window, denominator=month.items, postmortems=month.postmortems,
        )  # fmt: skip


def _flag(value: bool | None) -> str:
    return "" if value is None else str(value).lower()


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    for row in csv_rows(report):
        writer.writerow(row)
    return out.getvalue()


def render_report(report: Report, fmt: Format) -> str:
    if fmt == "json":
        return to_json(report)
    if fmt == "csv":
        return to_csv(report)
    return to_markdown(report)
