"""Single values read from a post-mortem: every date is bounded to a sane range."""

from __future__ import annotations

from datetime import date

import pytest

from pmsync.core.postmortem.values import Unreadable, read_due, read_priority, read_time


@pytest.mark.parametrize(
    "text", ["0001-01-01 00:00 UTC", "1969-12-31 23:59 UTC", "2200-01-01 UTC", "9999-12-31"]
)
def test_a_time_outside_the_sane_years_is_unreadable_with_a_clear_message(text: str) -> None:
    with pytest.raises(Unreadable, match="outside the years 1970–2199"):
        read_time(text)


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31"])
def test_a_due_date_outside_the_sane_years_is_unreadable(text: str) -> None:
    with pytest.raises(Unreadable, match=r"due date .* outside the years"):
        read_due(text)


def test_dates_inside_the_range_are_read() -> None:
    assert read_time("1970-01-01 00:00 UTC").year == 1970
    assert read_due("2199-12-31") == date(2199, 12, 31)


@pytest.mark.parametrize(
    ("text", "level", "jira_name"),
    [("High", "P1", "High"), ("highest", "P0", "Highest"), ("LOWEST", "P3", "Low")],
)
def test_a_jira_priority_name_is_answered_with_the_level_to_write(
    text: str, level: str, jira_name: str
) -> None:
    with pytest.raises(Unreadable) as raised:
        read_priority(text)
    assert str(raised.value) == (
        f"priority {text!r} is not one of P0, P1, P2, P3; write {level} "
        f"(pmsync sends it to Jira as {jira_name} unless jira.priorities says otherwise)"
    )


def test_other_words_get_no_guess() -> None:
    with pytest.raises(Unreadable) as raised:
        read_priority("urgent")
    assert str(raised.value) == "priority 'urgent' is not one of P0, P1, P2, P3"
    assert read_priority("p 2").value == "P2"
