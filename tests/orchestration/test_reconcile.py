"""The reconcile loop's own rules, with the adapters replaced by small fakes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest
from support import factories

from pmsync.config.schema import Config, Person
from pmsync.core.domain.changes import Change, CreateTickets, NewTicket, Plan, SetIssueState
from pmsync.core.domain.model import ParseResult
from pmsync.core.domain.state import ObservedPostMortem
from pmsync.core.planning.plan import PlanContext
from pmsync.core.postmortem.form import default_form
from pmsync.errors import RemoteError
from pmsync.orchestration import reconcile
from pmsync.orchestration.apply import Outcome, RunSummary
from pmsync.orchestration.reconcile import (
    NotSettling,
    RunContext,
    RunRecord,
    accounts_for,
    reconcile_all,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CLOSE = SetIssueState(repo=factories.REPO, number=factories.NUMBER, state="closed")


class FakeGitHub:
    def bot_comments(self, repo: str, number: int) -> tuple[()]:
        return ()

    def permission(self, repo: str, login: str) -> str:
        return "write"


class FakeJira:
    server_url = "https://jira.example"

    def __init__(self) -> None:
        self.searched: list[str] = []

    def tickets_with_labels(self, labels: list[str], known_ids: Sequence[str] = ()) -> tuple[()]:
        return ()

    def account_for_email(self, email: str) -> str | None:
        self.searched.append(email)
        return f"id-of-{email}"


class RefusingApplier:
    def apply(self, change: Change, observed: ObservedPostMortem) -> tuple[Any, Outcome]:
        return observed, Outcome(change, "failed", "jira PUT … answered 400")


def context(config: Config | None = None, *, dry_run: bool = True) -> RunContext:
    return RunContext(
        FakeGitHub(),
        FakeJira(),
        config or Config(),
        default_form(),
        NOW,
        dry_run=dry_run,
        show=lambda text: None,
    )


def always(change: Change) -> Any:
    def planner(observed: ObservedPostMortem, parsed: ParseResult, ctx: PlanContext) -> Plan:
        return Plan(changes=(change,))

    return planner


def test_a_plan_that_never_empties_is_reported_with_its_post_mortem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reconcile, "plan", always(CLOSE))
    with pytest.raises(NotSettling) as caught:
        reconcile.reconcile(factories.issue(), context(), RunRecord())
    message = str(caught.value)
    assert message.startswith(f"{factories.REPO}#{factories.NUMBER}: the plan did not settle")
    assert CLOSE.describe() in message


def test_a_ticket_that_no_row_takes_is_not_created_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    new = NewTicket(
        item_id="0123456789ab",
        row=3,
        project="OPS",
        issue_type="Task",
        summary="Make the pool size a runtime setting",
        description="",
        priority="High",
        due=date(2026, 12, 20),
        labels=("postmortem",),
        assignee=None,
    )
    create = CreateTickets(repo=factories.REPO, number=factories.NUMBER, tickets=(new,))
    monkeypatch.setattr(reconcile, "plan", always(create))
    record = RunRecord()
    with pytest.raises(NotSettling) as caught:
        reconcile.reconcile(factories.issue(), context(), record)
    assert str(caught.value).startswith(
        f"{factories.REPO}#{factories.NUMBER}: row 3 ('Make the pool size a runtime setting') "
        "still has no ticket after this run created one for it; stopping instead of creating "
        "another."
    )
    assert record.summary.tickets_created == 1


def test_a_refused_change_ends_the_rounds_and_marks_the_run_failed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reconcile, "plan", always(CLOSE))
    record = RunRecord()
    reconcile.reconcile(
        factories.issue(), context(dry_run=False), record, applier=RefusingApplier()
    )
    assert len(record.summary.failed) == 1
    assert record.failures == [
        f"{factories.REPO}#{factories.NUMBER}: a change was refused (see above)"
    ]


def test_one_failing_post_mortem_does_not_stop_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def flaky(issue: Any, run: RunContext, *args: Any, **kwargs: Any) -> None:
        seen.append(issue.number)
        if issue.number == 1:
            raise RemoteError("jira", "POST", "/rest/api/2/issue/bulk", 400, "bad field")

    monkeypatch.setattr(reconcile, "reconcile", flaky)
    record = RunRecord()
    reconcile_all([factories.issue(number=1), factories.issue(number=2)], context(), record)
    assert seen == [1, 2]
    assert len(record.failures) == 1


def test_an_unreachable_service_ends_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def down(issue: Any, run: RunContext, *args: Any, **kwargs: Any) -> None:
        raise RemoteError("github", "GET", "/user", 503, "unavailable")

    monkeypatch.setattr(reconcile, "reconcile", down)
    with pytest.raises(RemoteError):
        issues = [factories.issue(number=1), factories.issue(number=2)]
        reconcile_all(issues, context(), RunRecord())


def test_accounts_come_from_the_people_map_then_one_search_per_email() -> None:
    config = Config(
        people={
            "bob": Person(jira_account="acc-bob"),
            "alice": Person(email="alice@acme.example"),
        }
    )
    run = context(config)
    items = (
        factories.action_item(row=1, owner="bob"),
        factories.action_item(row=2, owner="alice"),
        factories.action_item(row=3, owner="carol"),
    )
    parsed = factories.parse_result(pm=factories.postmortem(action_items=items))
    assert accounts_for(parsed, run) == {
        "bob": "acc-bob",
        "alice": "id-of-alice@acme.example",
        "carol": None,
    }


def test_summary_lines_count_changes_per_kind_and_name_failures() -> None:
    summary = RunSummary()
    assert summary.lines() == ["nothing to do"]
    summary.add(Outcome(CLOSE, "applied"))
    summary.add(Outcome(CLOSE, "in_place"))
    summary.add(Outcome(CLOSE, "failed", "answered 422"))
    assert summary.lines() == [
        "done: 1 issue closed or reopened",
        "already in place: 1 issue closed or reopened",
        f"failed: {CLOSE.describe()}: answered 422",
    ]
