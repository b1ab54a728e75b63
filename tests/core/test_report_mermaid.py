"""The report's Mermaid charts parse with Mermaid's own parser, as GitHub's renderer would.

Mermaid (with jsdom standing in for the browser) is installed by scripts/install-mermaid
into tools/mermaid/node_modules; scripts/test runs that before pytest. Every block of
several reports is parsed in one node process.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from support.report_history import HISTORY, make_report

from pmsync.core.report.contents import Period, Report
from pmsync.core.report.output import mermaid_text, to_markdown

TOOLS = Path(__file__).resolve().parents[2] / "tools" / "mermaid"
BLOCK = re.compile(r"^```mermaid\n(.*?)^```$", re.MULTILINE | re.DOTALL)
HOSTILE = 'pay"ments; %% #quot; ]] \n pie "x" : 9 <b>@bob</b>'


def parse_with_mermaid(texts: list[str]) -> list[dict[str, object]]:
    node = shutil.which("node")
    if node is None or not (TOOLS / "node_modules" / "mermaid").is_dir():
        pytest.fail("Mermaid's parser is not installed: run scripts/install-mermaid (needs node)")
    done = subprocess.run(
        [node, str(TOOLS / "parse.mjs")],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    results: list[dict[str, object]] = json.loads(done.stdout)
    return results


def blocks(report: Report) -> list[str]:
    return BLOCK.findall(to_markdown(report))


def test_every_chart_of_the_reports_parses() -> None:
    hostile = tuple(
        replace(pm, services=(HOSTILE, *pm.services[1:])) if pm.name in ("C", "D") else pm
        for pm in HISTORY
    )
    reports = {
        "history": make_report(),
        "hostile service name": make_report(hostile),
        "one month of data": make_report(
            period=Period.model_validate({"since": "2026-08-01", "until": "2026-08-31"})
        ),
        "one month in the trend": make_report(
            period=Period.model_validate({"since": "2026-07-01", "until": "2026-07-31"})
        ),
    }
    found = {name: blocks(report) for name, report in reports.items()}
    assert len(found["history"]) == 3  # completion by month, open items by age, repeats
    assert len(found["hostile service name"]) == 3
    texts = [text for texts in found.values() for text in texts]
    results = parse_with_mermaid(texts)
    failures = [(text, r["error"]) for text, r in zip(texts, results, strict=True) if not r["ok"]]
    assert not failures
    assert [r["type"] for r in results[:3]] == ["xychart", "xychart", "pie"]


def test_the_checker_itself_rejects_a_broken_chart() -> None:
    # Otherwise the test above could pass with a parser that accepts anything.
    (bad_pie, bad_bar) = parse_with_mermaid(['pie\n  "a" 3', 'xychart-beta\n  x-axis ["a" "b"]'])
    assert bad_pie["ok"] is False
    assert bad_bar["ok"] is False


def test_no_data_anywhere_gives_no_empty_chart() -> None:
    # Six months after the history's last incident: nothing in the period nor the trend.
    empty = make_report(
        period=Period.model_validate({"since": "2027-06-01", "until": "2027-06-30"})
    )
    assert blocks(empty) == []


def test_the_trend_shows_earlier_months_when_the_period_has_none() -> None:
    (trend,) = blocks(
        make_report(period=Period.model_validate({"since": "2027-01-01", "until": "2027-01-31"}))
    )
    assert 'x-axis [" ", "2026-08 (1)", "2026-10 (4)", "  "]' in trend


def test_charts_carry_the_numbers() -> None:
    completion, ages, repeats = blocks(make_report())
    # Empty categories at both ends carry the target line across the whole chart.
    assert 'x-axis [" ", "2026-08 (1)", "2026-10 (4)", "  "]' in completion
    assert "bar [0.0, 100.0, 46.7, 0.0]" in completion
    assert "line [90.0, 90.0, 90.0, 90.0]" in completion
    assert "bar [0, 0, 5, 0, 0]" in ages
    assert '"payments-db" : 1' in repeats


def test_a_single_month_still_shows_the_target_across_the_chart() -> None:
    july = Period.model_validate({"since": "2026-07-01", "until": "2026-07-31"})
    trend = blocks(make_report(period=july))[0]
    assert 'x-axis [" ", "2026-04 (2)", "  "]' in trend
    assert "line [90.0, 90.0, 90.0]" in trend  # three points: a line, not a dot


def test_counts_get_whole_number_ticks() -> None:
    # d3 ticks an axis of 0..5 in halves; from 10 up its steps are whole numbers.
    _, ages, _ = blocks(make_report())
    assert 'y-axis "items" 0 --> 10' in ages


def test_one_service_gets_a_sentence_not_a_pie_at_100_percent() -> None:
    one = tuple(replace(pm, services=("payments-db",)) for pm in HISTORY)
    text = to_markdown(make_report(one))
    assert "pie title" not in text
    assert (
        "of the period were on payments-db." in text or "of the period was on payments-db." in text
    )


def test_charts_use_a_theme_that_reads_on_github() -> None:
    for block in blocks(make_report()):
        assert block.startswith("%%{init: {'theme': 'base'")


def test_mermaid_text_keeps_labels_inside_their_quotes() -> None:
    text = mermaid_text(HOSTILE)
    assert not set(text) & set('"#%;[]<>@\n')
    assert len(mermaid_text("x" * 100)) == 40
    assert mermaid_text("###") == "(unnamed)"
