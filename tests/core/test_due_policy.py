"""The due-date policy (``followup.due_policy``): its keys, and the "born late" warning on a
row due later than the policy allows for its priority or the incident's severity."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from support.postmortem_bodies import actions, good_body

from pmsync.config.schema import Config, FollowupConfig, policy_key
from pmsync.core.domain.model import ParseResult
from pmsync.core.postmortem.lint import check_postmortem

# The incident started 2026-11-20 (SEV2).
ROW = (
    "| Alert when pool usage stays above 80% for 5 minutes | Detect | {priority} | @bob | {due} | |"
)


def check(policy: dict[str, Any], *rows: tuple[str, str], severity: str = "SEV2") -> ParseResult:
    table = actions(*(ROW.format(priority=p, due=d) for p, d in rows))
    config = Config(followup=FollowupConfig(due_policy=policy))
    return check_postmortem(good_body(action_items=table, severity=severity), None, config)


def late(result: ParseResult) -> list[tuple[int | None, str]]:
    return [(f.row, f.message) for f in result.warnings if f.code == "due-after-policy"]


def test_a_row_due_later_than_its_priority_allows_is_born_late() -> None:
    result = check({"P1": 14, "P2": 28}, ("P1", "2026-12-05"), ("P2", "2026-12-05"))
    assert result.ok
    ((row, message),) = late(result)
    assert row == 1
    assert message == (
        "due 2026-12-05 is 15 days after the incident started; the team's due-date policy "
        "gives P1 items at most 14 days: set a date on or before 2026-12-04, or split the "
        "work so a first step lands by then"
    )


def test_on_the_last_day_allowed_is_in_time() -> None:
    assert late(check({"P1": 14}, ("P1", "2026-12-04"))) == []
    assert late(check({"P1": 14}, ("P1", "2 weeks"))) == []  # spans count from the start


def test_the_incidents_severity_can_set_the_limit_and_the_stricter_wins() -> None:
    assert [r for r, _ in late(check({"SEV2": 7}, ("P3", "2026-11-28")))] == [1]
    assert late(check({"SEV2": 7}, ("P3", "2026-11-28"), severity="SEV3")) == []
    ((_, message),) = late(check({"P1": 30, "sev2": 7}, ("P1", "2026-11-28")))
    assert "gives SEV2 incidents at most 7 days" in message


def test_without_a_policy_or_for_unlisted_priorities_nothing_is_said() -> None:
    assert late(check({}, ("P1", "2027-06-01"))) == []
    assert late(check({"P0": 7}, ("P1", "2027-06-01"))) == []


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("P0", "P0"),
        ("p3", "P3"),
        (" P 1 ", "P1"),
        ("SEV1", "SEV1"),
        ("sev-4", "SEV4"),
        ("Sev 2", "SEV2"),
    ],
)
def test_policy_keys_are_priorities_or_severities(key: str, name: str) -> None:
    assert policy_key(key) == name


@pytest.mark.parametrize("key", ["P4", "SEV0", "SEV5", "critical", "", "P1x", "1"])
def test_other_keys_are_refused_with_the_ones_allowed(key: str) -> None:
    assert policy_key(key) is None
    with pytest.raises(ValidationError, match="neither a priority"):
        FollowupConfig(due_policy={key: 7})


@pytest.mark.parametrize(
    ("policy", "problem"),
    [({"P1": 0}, "positive number of days"), ({"P1": 7, "p1": 8}, "P1 is listed twice")],
)
def test_bad_policies_say_what_is_wrong(policy: dict[str, int], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        FollowupConfig(due_policy=policy)


def test_remind_before_days_is_positive_or_off() -> None:
    assert FollowupConfig().remind_before_days is None
    assert FollowupConfig(remind_before_days=2).remind_before_days == 2
    with pytest.raises(ValidationError):
        FollowupConfig(remind_before_days=0)
