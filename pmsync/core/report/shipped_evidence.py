"""The shipped-evidence rate (issue #20): of the period's done action items, those with a
merged pull request or a commit naming their Jira key (pure).

The report does not search GitHub itself: it reads what each post-mortem's status comment
records (``pmsync.core.planning.shipped``), so the rate agrees with what owners and managers
saw on the issues. A done item the status comment has no record of yet (it became done
after the last sync, or before evidence was switched on and no sync has run since) is
pending, not counted as missing; so is one of a post-mortem closed before evidence was
switched on, which no sync reads again.
"""

from __future__ import annotations

from pmsync.core.domain.state import ShippedRecord
from pmsync.core.planning.progress import Progress
from pmsync.core.report.cases import Item
from pmsync.core.report.contents import ShippedEvidenceRate
from pmsync.core.report.metrics import Scope, rate_of


def shipped_evidence(scope: Scope) -> ShippedEvidenceRate:
    evidence = scope.config.followup.evidence
    done = [
        (case, item)
        for case in scope.cases
        for item in case.items
        if evidence.enabled
        and item.progress is Progress.DONE
        and item.type not in evidence.exempt_types
    ]
    searched: list[tuple[Item, ShippedRecord]] = []  # done items the search has looked for
    for case, item in done:
        key = item.ref.key
        if case.shipped is not None and key is not None and key in case.shipped:
            searched.append((item, case.shipped[key]))
    rate = rate_of(
        scope,
        "shipped_evidence",
        "Done items with shipped evidence",
        _counts(scope),
        postmortems=len({case.issue.ref for case, _ in done}),
        numerator=sum(bool(record.pulls) for _, record in searched),
        denominator=len(searched),
        pending=len(done) - len(searched),
        pending_note="done items not searched for yet: done since the last sync, or on a "
        "post-mortem closed before shipped evidence was on",
    )
    return ShippedEvidenceRate(
        **rate.model_dump(),
        enabled=evidence.enabled,
        no_change=tuple(item.ref for item, record in searched if not record.pulls),
    )


def _counts(scope: Scope) -> str:
    evidence = scope.config.followup.evidence
    if not evidence.enabled:
        return "not measured: followup.evidence.enabled is off"
    exempt = ", ".join(t.value for t in evidence.exempt_types)
    return (
        "done action items (done in Jira, not dropped"
        + (f"; {exempt} items exempt" if exempt else "")
        + ") whose Jira key a merged pull request or a commit in the searched repositories "
        "names, as the post-mortems' status comments record it"
    )
