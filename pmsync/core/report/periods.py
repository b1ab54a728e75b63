"""The report's periods (UTC dates): the month a digest covers, the trend chart's months,
and how far back the report must read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from pmsync.config.schema import Config
from pmsync.core.report.contents import Period

TREND_MONTHS = 6  # months shown in the completion-by-month chart, the period's last included


def utc_date(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def default_period(now: datetime) -> Period:
    """The last full calendar month before ``now`` (UTC): what a monthly digest covers."""
    first_of_this_month = utc_date(now).replace(day=1)
    last_of_previous = first_of_this_month - timedelta(days=1)
    return Period(since=last_of_previous.replace(day=1), until=last_of_previous)


def _months_back(day: date, months: int) -> date:
    """The first day of the month ``months`` before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def trend_start(period: Period) -> date:
    return _months_back(period.until, TREND_MONTHS - 1)


def data_since(period: Period, config: Config) -> date:
    """The oldest incident start the report needs: the repeat lookback before the period,
    the start of the trend chart, or the first incident whose completion window ends in the
    period, whichever is earliest. An issue is opened after its incident starts, so
    searching for issues created on or after this day finds them all."""
    lookback = period.since - timedelta(days=config.repeats.lookback_days)
    window = period.since - timedelta(days=config.report.completion_window_days)
    return min(lookback, window, trend_start(period))
