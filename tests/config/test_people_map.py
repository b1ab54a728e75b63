"""The people map: GitHub logins ignore case, so its keys do too."""

from __future__ import annotations

import pytest

from pmsync.config.loading import parse_config
from pmsync.config.problems import InvalidConfig


def test_logins_are_kept_case_folded() -> None:
    config = parse_config("people:\n  Bob:\n    jira_account: acc-bob\n")
    assert set(config.people) == {"bob"}
    assert config.people["bob"].jira_account == "acc-bob"


def test_one_login_spelled_twice_is_a_config_error_naming_both() -> None:
    text = "people:\n  Bob:\n    jira_account: acc-bob\n  bob:\n    email: bob@example.com\n"
    with pytest.raises(InvalidConfig) as raised:
        parse_config(text, "pmsync.yml")
    message = str(raised.value)
    assert "pmsync.yml" in message
    assert "'Bob' and 'bob' are one GitHub login (logins ignore case); keep one" in message
