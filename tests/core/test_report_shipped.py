"""The report's shipped-evidence rate (issue #20): done items whose status comment records a
merged pull request or commit naming their key, of those the search has looked for.

October's done items (tests/support/report_history.py): PAY3-1, PAY3-2, PAY3-4 (PAY3-3 is
dropped), PAY5-1, PAY5-2, SEA2-1, SEA2-2, SEA3-1 and SEA3-6.
"""

from __future__ import annotations

from datetime import date

from support.report_history import HISTORY, NOW, OCTOBER, report_input

from pmsync.config.evidence_schema import EvidenceConfig
from pmsync.config.schema import Config, FollowupConfig
from pmsync.core.domain.model import ActionType
from pmsync.core.domain.state import ShippedChange, ShippedRecord
from pmsync.core.report.build import build_report
from pmsync.core.report.cases import ReportInput
from pmsync.core.report.contents import Report
from pmsync.core.report.output import csv_rows, render_report

SHIPPED = ShippedChange(
    ref="acme/payments#431",
    url="https://github.com/acme/payments/pull/431",
    merged=date(2026, 10, 20),
)


def _found(key: str) -> ShippedRecord:
    return ShippedRecord(key=key, pulls=(SHIPPED,))


def _nothing(key: str) -> ShippedRecord:
    return ShippedRecord(key=key)


# What each post-mortem's status comment records; search#2 has no status comment read.
RECORDS = {
    "acme/payments#2": (_nothing("PAY2-1"),),  # before the period: not counted
    "acme/payments#3": (_found("PAY3-1"), _nothing("PAY3-2"), _nothing("PAY3-3")),
    "acme/payments#5": (_found("PAY5-1"), _found("PAY5-2")),
    "acme/search#3": (_nothing("SEA3-1"), _found("SEA3-6")),
}


def _config(enabled: bool = True, exempt: tuple[ActionType, ...] = ()) -> Config:
    evidence = EvidenceConfig(enabled=enabled, exempt_types=list(exempt))
    return Config(followup=FollowupConfig(evidence=evidence))


def _inputs(process_item: tuple[str, int] | None = None) -> list[ReportInput]:
    """The history with RECORDS; ``process_item`` (post-mortem, row) is a Process item."""
    inputs = []
    for spec in HISTORY:
        given = report_input(spec)
        given = given.model_copy(update={"shipped": RECORDS.get(given.issue.ref)})
        pm = given.postmortem
        if pm is not None and process_item is not None:
            items = tuple(
                item.model_copy(update={"type": ActionType.PROCESS})
                if (given.issue.ref, item.row) == process_item
                else item
                for item in pm.action_items
            )
            given = given.model_copy(
                update={"postmortem": pm.model_copy(update={"action_items": items})}
            )
        inputs.append(given)
    return inputs


def _report(config: Config, inputs: list[ReportInput] | None = None) -> Report:
    repos = ["acme/payments", "acme/search"]
    return build_report(inputs or _inputs(), OCTOBER, NOW, config, repos)


def test_done_items_with_a_recorded_change_of_those_searched_for() -> None:
    rate = _report(_config()).shipped_evidence
    assert rate.enabled and not rate.no_data
    # Searched: PAY3-1, PAY3-2, PAY5-1, PAY5-2, SEA3-1, SEA3-6 (the dropped PAY3-3 and the
    # earlier PAY2-1 count nowhere); with a change: PAY3-1, PAY5-1, PAY5-2, SEA3-6.
    assert (rate.numerator, rate.denominator, rate.percent) == (4, 6, 66.7)
    # PAY3-4 has no record yet, and search#2's status comment was not read: pending.
    assert rate.pending == 3
    assert rate.postmortems == 4  # A, E, C and F have done items
    assert [item.key for item in rate.no_change] == ["PAY3-2", "SEA3-1"]
    assert rate.no_change[0].postmortem == "acme/payments#3"


def test_exempt_types_are_neither_counted_nor_listed() -> None:
    config = _config(exempt=(ActionType.PROCESS,))
    rate = _report(config, _inputs(process_item=("acme/search#3", 1))).shipped_evidence
    assert (rate.numerator, rate.denominator) == (4, 5)
    assert [item.key for item in rate.no_change] == ["PAY3-2"]
    assert "Process items exempt" in rate.counts


def test_off_by_default_it_is_no_data_and_the_markdown_leaves_it_out() -> None:
    report = _report(Config())
    rate = report.shipped_evidence
    assert not rate.enabled and rate.no_data
    assert (rate.numerator, rate.denominator, rate.pending, rate.no_change) == (0, 0, 0, ())
    assert "followup.evidence.enabled is off" in rate.counts
    markdown = render_report(report, "markdown")
    assert "shipped evidence" not in markdown.casefold()
    assert "no change found" not in markdown


def test_markdown_json_and_csv_show_the_rate_and_the_items_without_a_change() -> None:
    report = _report(_config())
    markdown = render_report(report, "markdown")
    assert (
        "| Done items with shipped evidence (of done items searched for) | **66.7%** (4 of 6)"
        in markdown
    )
    assert "pending: 3 (done items not searched for yet: done since the last sync" in markdown
    section = markdown.split("### Done in Jira, no change found", 1)[1].split("###", 1)[0]
    assert "PAY3-2" in section and "SEA3-1" in section and "PAY3-1" not in section
    assert '"shipped_evidence"' in render_report(report, "json")
    (row,) = [r for r in csv_rows(report) if r["metric"] == "shipped_evidence"]
    assert (row["numerator"], row["denominator"], row["pending"]) == (4, 6, 3)


def test_every_done_item_with_a_change_says_none_are_missing() -> None:
    inputs = [
        given.model_copy(
            update={
                "shipped": None
                if given.postmortem is None
                else tuple(_found(t.key) for t in given.tickets)
            }
        )
        for given in _inputs()
    ]
    report = _report(_config(), inputs)
    assert report.shipped_evidence.no_change == ()
    assert report.shipped_evidence.percent == 100.0
    assert "None: a change was found for every done item searched for." in render_report(
        report, "markdown"
    )
