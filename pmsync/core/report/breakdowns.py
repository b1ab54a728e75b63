"""The headline metrics per service and per severity."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from pmsync.core.planning.progress import Progress
from pmsync.core.report.cases import Case
from pmsync.core.report.contents import Breakdown
from pmsync.core.report.metrics import Scope, completion, on_time, repeat_rate, time_to_postmortem


def breakdown(scope: Scope, group: str) -> Breakdown:
    return Breakdown(
        group=group,
        postmortems=len(scope.cases),
        completion=completion(scope),
        on_time=on_time(scope),
        repeats=repeat_rate(scope),
        time_to_postmortem=time_to_postmortem(scope),
        overdue_items=sum(
            item.progress is Progress.OVERDUE for case in scope.cases for item in case.items
        ),
    )


def _as_is(case: Case, group: str) -> Case:
    return case


def _in_service(case: Case, service: str) -> Case:
    """The post-mortem as one of ``service``'s: a repeat there only when it shares the
    service with an earlier one."""
    return replace(case, repeat=service in case.repeat_services)


def breakdowns(
    scope: Scope,
    groups_of: Callable[[Case], Iterable[str]],
    order: Callable[[str, int], tuple[int, str]],
    member: Callable[[Case, str], Case] = _as_is,
) -> tuple[Breakdown, ...]:
    """One breakdown per group; a post-mortem belongs to every group ``groups_of`` names,
    as ``member`` sees it there."""
    members: dict[str, list[Case]] = {}
    for case in scope.cases:
        for group in groups_of(case):
            members.setdefault(group, []).append(member(case, group))
    ordered = sorted(members, key=lambda group: order(group, len(members[group])))
    return tuple(
        breakdown(Scope(tuple(members[group]), scope.period, scope.today, scope.config), group)
        for group in ordered
    )


def by_service(scope: Scope) -> tuple[Breakdown, ...]:
    return breakdowns(
        scope, lambda case: case.services, lambda name, size: (-size, name), _in_service
    )


def by_severity(scope: Scope) -> tuple[Breakdown, ...]:
    return breakdowns(scope, lambda case: (f"SEV{case.pm.severity}",), lambda name, _: (0, name))
