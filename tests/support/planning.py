"""Planning as the reconcile loop does it, without I/O: a plan context, and planning with a
simulated applier until the plan is empty."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from pmsync.config.schema import Config
from pmsync.core.domain.changes import Change, Plan, SetTicketCells
from pmsync.core.domain.model import ActionItem, ParseResult
from pmsync.core.domain.state import ObservedPostMortem
from pmsync.core.planning.plan import PlanContext, plan
from pmsync.core.planning.simulate import Simulator
from support.factories import JIRA, action_items, observed, parse_result, postmortem

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ACCOUNTS = {"bob": "acc-bob", "carol": "acc-carol", "dave": None}


def context(**overrides: Any) -> PlanContext:
    values: dict[str, Any] = {"config": Config(), "now": NOW, "accounts": ACCOUNTS}
    return PlanContext(**(values | overrides))


def of_kind(result: Plan, kind: type[Change]) -> list[Any]:
    return [change for change in result.changes if isinstance(change, kind)]


def with_cells(parsed: ParseResult, result: Plan) -> ParseResult:
    """What re-parsing the body finds after the plan filled Ticket cells."""
    cells: dict[int, str] = {}
    dues: dict[int, date] = {}
    for change in of_kind(result, SetTicketCells):
        cells |= {cell.row: cell.text for cell in change.cells}
        dues |= {cell.row: cell.due for cell in change.cells if cell.due is not None}
    if not cells or parsed.postmortem is None:
        return parsed
    keys = {row: re.match(r"\[([^\]]+)\]", text) for row, text in cells.items()}
    items = tuple(
        item.model_copy(
            update={"ticket": keys[item.row].group(1)}  # type: ignore[union-attr]
            | ({"due": dues[item.row]} if item.row in dues else {})
        )
        if item.row in keys
        else item
        for item in parsed.postmortem.action_items
    )
    return parsed.model_copy(
        update={"postmortem": parsed.postmortem.model_copy(update={"action_items": items})}
    )


def converge(
    state: ObservedPostMortem, parsed: ParseResult, ctx: PlanContext, rounds: int = 4
) -> tuple[ObservedPostMortem, ParseResult, list[Plan]]:
    """Plan and simulate until the plan is empty, as the applier loop does."""
    simulator = Simulator(now=ctx.now, jira_url=JIRA)
    plans = []
    for _ in range(rounds):
        result = plan(state, parsed, ctx)
        if result.empty:
            return state, parsed, plans
        plans.append(result)
        state = simulator.apply_plan(result, state)
        parsed = with_cells(parsed, result)
    raise AssertionError(
        "no empty plan after {rounds} rounds:\n" + plan(state, parsed, ctx).describe()
    )


def synced(
    items: tuple[ActionItem, ...] | None = None, **ctx: Any
) -> tuple[ObservedPostMortem, ParseResult, PlanContext]:
    """A post-mortem whose tickets exist and whose status comment is written."""
    parsed = parse_result(postmortem(action_items=items or action_items(2)))
    state, parsed, _ = converge(observed(), parsed, context(**ctx))
    return state, parsed, context(**ctx)
