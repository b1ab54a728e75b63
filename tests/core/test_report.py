"""`pmsync report`'s numbers on a scripted history (tests/support/report_history.py).

Every expected value below is worked out by hand from the history's table, in the comment
next to it; none is computed by the code under test.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from support.report_history import (
    HISTORY,
    LONG_LESSON,
    NOW,
    OCTOBER,
    SINCE,
    UNTIL,
    ItemSpec,
    PostMortemSpec,
    make_report,
    report_input,
    spec,
)

from pmsync.config.schema import Config, RepeatsConfig
from pmsync.core.report.arithmetic import business_days_between, nearest_rank
from pmsync.core.report.build import build_report
from pmsync.core.report.cases import ReportInput
from pmsync.core.report.contents import Breakdown, Period, Report
from pmsync.core.report.metrics import Scope, one_line
from pmsync.core.report.periods import default_period


@pytest.fixture(scope="module")
def report() -> Report:
    return make_report()


def test_population_is_the_readable_postmortems_whose_incident_is_in_the_period(
    report: Report,
) -> None:
    # A (Oct 5), C (Oct 9), E (Oct 20), F (Oct 28); B, D, G before, H after; I unreadable.
    assert report.postmortem_count == 4
    assert [u.postmortem for u in report.unreadable] == ["acme/payments#4"]
    assert report.period == OCTOBER
    assert report.repositories == ("acme/payments", "acme/search")


def _closed(entry: ReportInput, reason: str) -> ReportInput:
    issue = entry.issue.model_copy(update={"state": "closed", "state_reason": reason})
    return entry.model_copy(update={"issue": issue})


def test_postmortems_closed_as_not_planned_or_duplicate_count_nowhere() -> None:
    reasons = {"A": "not_planned", "C": "duplicate", "I": "not_planned", "F": "completed"}
    inputs = [
        _closed(report_input(pm), reasons[pm.name]) if pm.name in reasons else report_input(pm)
        for pm in HISTORY
    ]
    report = build_report(inputs, OCTOBER, NOW, Config(), ["acme/payments", "acme/search"])
    # Left: E and F (closed as completed, as a finished post-mortem is); I is not listed.
    assert report.postmortem_count == 2
    assert report.unreadable == ()
    assert [lesson.postmortem for lesson in report.lessons.lessons] == [
        "acme/payments#5",
        "acme/search#3",
    ]
    # E (Oct 20) is still a repeat of A (Oct 5): A set aside is still the earlier one, as it
    # is for the repeat-incident label. F is no repeat.
    assert (report.repeats.numerator, report.repeats.denominator) == (1, 2)
    # E 2 of 3, F 1 of 6; the trend's October point rests on the same two.
    assert (report.completion.numerator, report.completion.denominator) == (3, 9)
    october = report.charts.completion_by_month[-1]
    assert (october.month, october.postmortems, october.items) == ("2026-10", 2, 9)


def test_completion_within_28_days(report: Report) -> None:
    # Windows end A Nov 2, C Nov 6, E Nov 17, F Nov 25: all over on Dec 10.
    # A: A1 Oct 20 yes, A2 Oct 21 yes, A3 dropped no, A4 Nov 3 (a day past Nov 2) no -> 2/4
    # C: C1 Oct 22 yes, C2 no resolution date, last update Oct 31 yes                -> 2/2
    # E: E1 Nov 1 yes, E2 Nov 12 yes, E3 open no                                     -> 2/3
    # F: F1 Nov 5 yes, F2-F5 not done, F6 Nov 26 (a day past Nov 25) no              -> 1/6
    rate = report.completion
    assert (rate.numerator, rate.denominator) == (7, 15)
    assert rate.percent == 46.7
    assert rate.postmortems == 4
    assert rate.pending == 0
    assert rate.target_percent == 90
    assert rate.meets_target is False
    assert rate.no_data is False
    assert (rate.since, rate.until) == (SINCE, UNTIL)


NOVEMBER = Period(since=date(2026, 11, 1), until=date(2026, 11, 30))


def test_completion_of_the_windows_that_ended_in_the_period() -> None:
    # A digest for November made on Dec 1: H (Nov 15) is November's only incident and its
    # 28 days run to Dec 13, so completion by incident has nothing to count yet. The windows
    # that ended in November are A's (Nov 2), C's (Nov 6), E's (Nov 17) and F's (Nov 25):
    # 7 of 15 done in time, as worked out above (nothing of theirs was closed after Dec 1).
    digest = make_report(period=NOVEMBER, now=datetime(2026, 12, 1, 9, tzinfo=UTC))
    assert digest.completion.no_data is True and digest.completion.pending == 1
    ended = digest.completion_window_ended
    assert (ended.numerator, ended.denominator, ended.percent) == (7, 15, 46.7)
    assert (ended.postmortems, ended.pending, ended.meets_target) == (4, 0, False)
    assert ended.key == "completion_window_ended_in_period"
    # September: G's window (Aug 10 + 28 = Sep 7): both items in time. October: none ended.
    september = Period(since=date(2026, 9, 1), until=date(2026, 9, 30))
    assert make_report(period=september).completion_window_ended.percent == 100.0
    assert make_report().completion_window_ended.no_data is True


def test_a_window_ending_today_is_pending() -> None:
    # Dec 13 is H's last day: its window ends in Nov 1 - Dec 13 but is not over yet.
    today = datetime(2026, 12, 13, 9, tzinfo=UTC)
    ended = make_report(
        period=Period(since=date(2026, 11, 1), until=date(2026, 12, 13)), now=today
    ).completion_window_ended
    assert (ended.numerator, ended.denominator, ended.postmortems) == (7, 15, 4)
    assert ended.pending == 1


def test_p0_p1_on_time(report: Report) -> None:
    # A1 due=done Oct 20 on time; A2 due Oct 20 done Oct 21 late; C1 early; E1 on the day;
    # F1 on the day; F2 open past due (late); F3 due Dec 20 still open: pending.
    rate = report.on_time
    assert (rate.numerator, rate.denominator) == (4, 6)
    assert rate.percent == 66.7
    assert rate.pending == 1
    assert rate.postmortems == 4
    assert rate.target_percent == 80
    assert rate.meets_target is False


def test_repeat_rate_day_180_counts_day_181_does_not(report: Report) -> None:
    # C: D (search-api) 180 days before -> repeat. A: B (payments-db) 181 days before -> not.
    # E: A (payments-db) 15 days before -> repeat. F: indexer, nothing before -> not.
    rate = report.repeats
    assert (rate.numerator, rate.denominator) == (2, 4)
    assert rate.percent == 50.0
    assert rate.postmortems == 4
    assert rate.target_percent is None
    assert rate.meets_target is None


def test_a_repeat_at_day_181_does_not_count() -> None:
    d = spec("D")
    assert d.incident is not None
    earlier = replace(d, incident=d.incident - timedelta(days=1))
    moved = tuple(earlier if pm is d else pm for pm in HISTORY)
    assert make_report(moved).repeats.numerator == 1  # only E is left


def test_time_to_postmortem_in_business_days(report: Report) -> None:
    # A Mon Oct 5 -> Tue Oct 6: 1. C Fri Oct 9 -> Mon Oct 19: 12-16, 19 = 6.
    # E same day: 0. F Wed Oct 28 -> Wed Nov 4: 29, 30, 2, 3, 4 = 5.
    # Sorted 0, 1, 5, 6: median (1 + 5) / 2 = 3.0; p90 at rank ceil(3.6) = 4: 6.
    metric = report.time_to_postmortem
    assert metric.median_business_days == 3.0
    assert metric.p90_business_days == 6
    assert metric.target_business_days == 5
    assert metric.within_target == 3
    assert metric.within_target_percent == 75.0
    assert metric.median_meets_target is True
    assert metric.p90_meets_target is False
    assert metric.postmortems == 4


def test_action_items_per_postmortem(report: Report) -> None:
    # A 4, C 2, E 3, F 6: 15 items, mean 3.75, median 3.5; C fewer than 3, A and E
    # healthy (3-5), F more than 5 (1 of 4 = 25%).
    metric = report.action_items
    assert metric.items == 15
    assert metric.mean == 3.75
    assert metric.median == 3.5
    assert (metric.fewer, metric.healthy, metric.more) == (1, 2, 1)
    assert metric.more_percent == 25.0
    assert (metric.healthy_min, metric.healthy_max) == (3, 5)


def test_overdue_by_owner_oldest_first(report: Report) -> None:
    # Dec 10: F2 (carol, due Nov 10) 30 days, F5 (carol, no ticket, Nov 15) 25 days,
    # F4 (dave, Nov 20) 20 days. E3 (Dec 31) and F3 (Dec 20) are not due yet.
    overdue = report.overdue
    assert overdue.items == 3
    assert [(o.owner, o.oldest_days_overdue) for o in overdue.owners] == [
        ("carol", 30),
        ("dave", 20),
    ]
    carol = overdue.owners[0].items
    assert [(i.days_overdue, i.key, i.postmortem) for i in carol] == [
        (30, "SEA3-2", "acme/search#3"),
        (25, None, "acme/search#3"),
    ]


def _owners_of_f(*owners: str) -> tuple[PostMortemSpec, ...]:
    """The history with F's items owned, in row order, by ``owners``."""
    f = spec("F")
    items = tuple(replace(item, owner=owner) for item, owner in zip(f.items, owners, strict=True))
    return tuple(replace(pm, items=items) if pm is f else pm for pm in HISTORY)


def test_overdue_owners_are_one_person_whatever_the_case_of_their_login() -> None:
    # F2 (30 days) as @Carol, F5 (25 days) as @carol: one owner, shown as first written.
    tie = make_report(_owners_of_f("erin", "Carol", "erin", "dave", "carol", "erin")).overdue
    assert [(o.owner, o.oldest_days_overdue, len(o.items)) for o in tie.owners] == [
        ("Carol", 30, 2),
        ("dave", 20, 1),
    ]
    # F2 as @CAROL, F4 (20 days) and F5 as @carol: the spelling written most often.
    most = make_report(_owners_of_f("erin", "CAROL", "erin", "carol", "carol", "erin")).overdue
    assert [(o.owner, [i.days_overdue for i in o.items]) for o in most.owners] == [
        ("carol", [30, 25, 20]),
    ]
    assert [i.owner for i in most.owners[0].items] == ["CAROL", "carol", "carol"]  # as written


def test_dropped_items_are_listed_with_their_postmortem_and_are_not_done(report: Report) -> None:
    (item,) = report.dropped.items
    assert item.action == "Rewrite the pool library in Rust"
    assert item.postmortem == "acme/payments#3"
    assert item.postmortem_title == "Payments DB connection pool exhausted"
    assert item.resolution == "Won't Do"
    assert item.dropped_on == date(2026, 10, 25)


def test_lessons_one_line_each_by_incident(report: Report) -> None:
    lessons = report.lessons.lessons
    assert [lesson.postmortem for lesson in lessons] == [
        "acme/payments#3",
        "acme/payments#5",
        "acme/search#3",
    ]  # C has none
    assert lessons[1].text == (
        "Lock timeouts belong in the schema review checklist. "
        "A second @someone line, joined onto the first."
    )
    cut = lessons[2].text
    assert len(cut) <= 240 and cut.endswith("…")
    assert " ".join(LONG_LESSON.split()).startswith(cut[:-1])


def _rates(b: Breakdown) -> tuple[object, ...]:
    return (
        b.group,
        b.postmortems,
        (b.completion.numerator, b.completion.denominator),
        (b.on_time.numerator, b.on_time.denominator),
        (b.repeats.numerator, b.repeats.denominator),
        b.time_to_postmortem.median_business_days,
        b.overdue_items,
    )


def test_breakdown_by_severity(report: Report) -> None:
    # SEV1: F. SEV2: A, E. SEV3: C.
    assert [_rates(b) for b in report.by_severity] == [
        ("SEV1", 1, (1, 6), (1, 2), (0, 1), 5.0, 3),
        ("SEV2", 2, (4, 7), (2, 3), (1, 2), 0.5, 0),
        ("SEV3", 1, (2, 2), (1, 1), (1, 1), 6.0, 0),
    ]


def test_breakdown_by_service_biggest_first(report: Report) -> None:
    # payments-db: A and E; checkout: E; indexer: F; search-api: C.
    # E is a repeat of A through payments-db only: no checkout post-mortem came before it.
    assert [_rates(b) for b in report.by_service] == [
        ("payments-db", 2, (4, 7), (2, 3), (1, 2), 0.5, 0),
        ("checkout", 1, (2, 3), (1, 1), (0, 1), 0.0, 0),
        ("indexer", 1, (1, 6), (1, 2), (0, 1), 5.0, 3),
        ("search-api", 1, (2, 2), (1, 1), (1, 1), 6.0, 0),
    ]


def test_chart_data(report: Report) -> None:
    # Trend May-Oct: G (Aug, 2 of 2 in its window), October 7 of 15. B, D (April) are
    # before the trend, H (November) after the period.
    months = report.charts.completion_by_month
    assert [(m.month, m.postmortems, m.items, m.done_in_window, m.percent) for m in months] == [
        ("2026-08", 1, 2, 2, 100.0),
        ("2026-10", 4, 15, 7, 46.7),
    ]
    # Open items: E3 (51 days since Oct 20), F2, F3, F4, F5 (43 days since Oct 28).
    assert [b.items for b in report.charts.open_by_age] == [0, 0, 5, 0, 0]
    # E (payments-db with A) and C (search-api with D); E's checkout is not shared.
    assert [(s.service, s.repeats) for s in report.charts.repeats_by_service] == [
        ("payments-db", 1),
        ("search-api", 1),
    ]


def test_a_repeat_counts_under_each_service_it_shares_with_an_earlier_one() -> None:
    # An earlier checkout outage (Sep 30, 20 days before E): E now shares checkout with it
    # and payments-db with A, so it is a repeat in both services.
    checkout = PostMortemSpec(
        "K",
        "acme/payments",
        8,
        "Checkout slow",
        datetime(2026, 9, 30, 10, tzinfo=UTC),
        datetime(2026, 10, 1, 10, tzinfo=UTC),
        services=("checkout",),
        category="Deploy",
        items=(ItemSpec("Add a checkout latency alert", "P2", "dave", date(2026, 10, 9), "open"),),
    )
    both = make_report((*HISTORY, checkout))
    assert [(s.service, s.repeats) for s in both.charts.repeats_by_service] == [
        ("checkout", 1),
        ("payments-db", 1),
        ("search-api", 1),
    ]
    assert [(b.group, b.repeats.numerator, b.repeats.denominator) for b in both.by_service] == [
        ("payments-db", 1, 2),
        ("checkout", 1, 1),
        ("indexer", 0, 1),
        ("search-api", 1, 1),
    ]
    assert both.repeats.numerator == 2  # still two post-mortems: E and C


def test_no_postmortems_in_the_period_is_no_data_not_zero() -> None:
    empty = make_report(period=Period(since=date(2027, 1, 1), until=date(2027, 1, 31)))
    assert empty.postmortem_count == 0
    for rate in (empty.completion, empty.on_time, empty.repeats):
        assert rate.no_data is True
        assert rate.percent is None
        assert rate.meets_target is None
        assert rate.postmortems == 0
    assert empty.time_to_postmortem.median_business_days is None
    assert empty.time_to_postmortem.p90_business_days is None
    assert empty.action_items.mean is None
    assert empty.overdue.no_data is True and empty.overdue.owners == ()
    assert empty.by_service == () and empty.by_severity == ()


def test_a_postmortem_inside_its_window_is_pending_not_counted() -> None:
    # November: only H (Nov 15); its 28 days end Dec 13, after Dec 10.
    november = make_report(period=Period(since=date(2026, 11, 1), until=date(2026, 11, 30)))
    assert november.postmortem_count == 1
    assert november.completion.no_data is True
    assert november.completion.pending == 1
    # Its P1 item (due Nov 30) is still open on Dec 10: decided, and late.
    assert (november.on_time.numerator, november.on_time.denominator) == (0, 1)
    assert november.on_time.percent == 0.0


def test_repeat_rule_and_window_come_from_the_configuration() -> None:
    # With a 15-day lookback, E (15 days after A) is still a repeat; C (180) is not.
    config = Config(repeats=RepeatsConfig(lookback_days=15))
    assert make_report(config=config).repeats.numerator == 1
    config = Config(repeats=RepeatsConfig(lookback_days=14))
    assert make_report(config=config).repeats.numerator == 0


def test_default_period_is_the_last_full_calendar_month() -> None:
    assert default_period(datetime(2026, 12, 10, 9, tzinfo=UTC)) == OCTOBER.model_copy(
        update={"since": date(2026, 11, 1), "until": date(2026, 11, 30)}
    )
    january = default_period(datetime(2027, 1, 1, 0, 5, tzinfo=UTC))
    assert (january.since, january.until) == (date(2026, 12, 1), date(2026, 12, 31))
    assert january.month == "2026-12"


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        ("2026-10-05", "2026-10-05", 0),  # same day
        ("2026-10-09", "2026-10-12", 1),  # Friday -> Monday
        ("2026-10-10", "2026-10-11", 0),  # Saturday -> Sunday
        ("2026-10-05", "2026-10-19", 10),  # two full weeks
        ("2026-10-06", "2026-10-05", 0),  # opened before the start it names
    ],
)
def test_business_days(start: str, end: str, days: int) -> None:
    assert business_days_between(date.fromisoformat(start), date.fromisoformat(end)) == days


def test_nearest_rank_percentile() -> None:
    assert nearest_rank([], 0.9) is None
    assert nearest_rank([7], 0.9) == 7
    assert nearest_rank(list(range(1, 11)), 0.9) == 9  # rank 9 of 10
    assert nearest_rank(list(range(1, 12)), 0.9) == 10  # rank ceil(9.9) = 10 of 11


def test_one_line_collapses_and_cuts_at_a_word() -> None:
    assert one_line("a\n\n  b") == "a b"
    assert one_line("alpha beta gamma", limit=12) == "alpha beta…"


def test_every_metric_says_what_it_counts_over_which_period_resting_on_how_many() -> None:
    scope = Scope((), OCTOBER, NOW.date(), Config())
    assert scope.header("repeats", "Repeats", "repeat post-mortems", postmortems=0) == {
        "key": "repeats",
        "title": "Repeats",
        "counts": "repeat post-mortems",
        "since": SINCE,
        "until": UNTIL,
        "postmortems": 0,
        "no_data": True,
    }
    assert scope.header("k", "T", "c", postmortems=3)["no_data"] is False
    # A rate can rest on post-mortems and still have nothing to count (no P0/P1 items).
    assert scope.header("k", "T", "c", postmortems=3, no_data=True)["no_data"] is True


def test_preventable_repeat_rate(report: Report) -> None:
    # Repeats: C (of D) and E (of A). D's one item was done on Apr 30, before C started on
    # Oct 9: not preventable. A's four tickets, created Oct 6, were all still open when E
    # started on Oct 20 at 08:00 (the first was done at 17:00 that day): preventable.
    rate = report.preventable_repeat_rate
    assert rate.key == "preventable_repeat_rate"
    assert (rate.numerator, rate.denominator, rate.percent) == (1, 2, 50.0)
    (case,) = rate.repeats
    assert case.postmortem == "acme/payments#5"
    assert [(i.postmortem, i.key, i.planned, i.state) for i in case.items] == [
        ("acme/payments#3", f"PAY3-{row}", date(2026, 10, 6), "open") for row in (1, 2, 3, 4)
    ]


def test_an_item_dropped_before_the_repeat_started_makes_it_preventable() -> None:
    # C's earlier one, D, gets a second item dropped on Sep 1 (before C's Oct 9).
    d = spec("D")
    dropped = ItemSpec("Shard the search index", "P2", "erin", date(2026, 9, 1), "dropped")
    dropped = replace(dropped, closed_on=date(2026, 9, 1))
    history = tuple(replace(pm, items=(*pm.items, dropped)) if pm is d else pm for pm in HISTORY)
    rate = make_report(history).preventable_repeat_rate
    assert (rate.numerator, rate.denominator) == (2, 2)
    c = next(case for case in rate.repeats if case.postmortem == "acme/search#2")
    assert [(i.action, i.state) for i in c.items] == [("Shard the search index", "dropped")]
