"""The report's arithmetic: percentages against targets, business days, median and
nearest-rank percentile, each None rather than a division by zero when there is nothing."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import date, timedelta


def percent(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else round(100 * numerator / denominator, 1)


def meets(numerator: int, denominator: int, target_percent: int) -> bool | None:
    """Exact: ``numerator / denominator >= target``, without floating point."""
    return None if denominator == 0 else numerator * 100 >= target_percent * denominator


def business_days_between(start: date, end: date) -> int:
    """Weekdays after ``start`` up to and including ``end``; 0 when ``end`` is not later
    (an issue opened on the incident's day, or before the start it names)."""
    days = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days += 1
    return days


def median(values: Sequence[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def nearest_rank(values: Sequence[int], fraction: float) -> int | None:
    """The value at position ⌈fraction·n⌉ (1-based) of the sorted values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]
