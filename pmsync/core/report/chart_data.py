"""The numbers behind the report's charts: completion by month, open items by age and
repeats by service (drawn by ``pmsync.core.report.output``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pmsync.config.schema import Config
from pmsync.core.planning.progress import Progress
from pmsync.core.report.cases import Case
from pmsync.core.report.contents import AgeBucket, MonthCompletion, Period, ServiceRepeats
from pmsync.core.report.metrics import Scope, completion
from pmsync.core.report.periods import trend_start

# Open items by age (days since the incident started): (label, min days, max days or None).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0–14 days", 0, 14),
    ("15–28 days", 15, 28),
    ("29–60 days", 29, 60),
    ("61–90 days", 61, 90),
    ("over 90 days", 91, None),
)


def completion_by_month(
    cases: Sequence[Case], period: Period, today: date, config: Config
) -> tuple[MonthCompletion, ...]:
    """Completion within the window per incident month, over the trend months; months with
    no post-mortem whose window has closed are left out."""
    first = trend_start(period)
    months: dict[str, list[Case]] = {}
    for case in cases:
        if first <= case.incident_date <= period.until and case.window_end(config) < today:
            months.setdefault(case.incident_date.strftime("%Y-%m"), []).append(case)
    points = []
    for month in sorted(months):
        rate = completion(Scope(tuple(months[month]), period, today, config))
        points.append(
            MonthCompletion(
                month=month,
                postmortems=rate.postmortems,
                items=rate.denominator,
                done_in_window=rate.numerator,
                percent=rate.percent,
            )
        )
    return tuple(points)


def open_by_age(scope: Scope) -> tuple[AgeBucket, ...]:
    ages = [
        (scope.today - case.incident_date).days
        for case in scope.cases
        for item in case.items
        if item.progress in (Progress.OPEN, Progress.OVERDUE)
    ]
    return tuple(
        AgeBucket(
            label=label,
            min_days=low,
            max_days=high,
            items=sum(low <= age and (high is None or age <= high) for age in ages),
        )
        for label, low, high in AGE_BUCKETS
    )


def repeats_by_service(scope: Scope) -> tuple[ServiceRepeats, ...]:
    counts: dict[str, int] = {}
    for case in scope.cases:
        for service in case.repeat_services:
            counts[service] = counts.get(service, 0) + 1
    ordered = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return tuple(ServiceRepeats(service=name, repeats=n) for name, n in ordered)
