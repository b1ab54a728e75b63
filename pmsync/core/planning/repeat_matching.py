"""Which earlier post-mortems make this one a repeat, under ``repeats.rule`` and within
``repeats.lookback_days`` (pure; what follows from it is ``pmsync.core.planning.repeats``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from pmsync.config.schema import Config, LabelsConfig
from pmsync.core.domain.model import Frozen, PostMortem
from pmsync.core.domain.state import EarlierPostMortem, IssueState
from pmsync.core.postmortem.labels import form_labels, root_cause_label, service_labels


def _order(issue: IssueState, pm: PostMortem) -> tuple[datetime, datetime, str, int]:
    """Which of two post-mortems came first: incident start, then the issue's creation."""
    return (pm.incident_start, issue.created_at, issue.repo.casefold(), issue.number)


def days_between(earlier: datetime, later: datetime) -> int:
    """Calendar days (UTC) from one incident start to the other."""
    return (later.astimezone(UTC).date() - earlier.astimezone(UTC).date()).days


def _shared(left: Iterable[str], right: Iterable[str]) -> tuple[str, ...]:
    folded = {name.casefold() for name in right}
    return tuple(name for name in left if name.casefold() in folded)


def rule_matches(this: PostMortem, earlier: PostMortem, config: Config) -> bool:
    labels = config.labels
    services = bool(_shared(service_labels(this, labels), service_labels(earlier, labels)))
    category = root_cause_label(this, labels)
    same_category = category is not None and category == root_cause_label(earlier, labels)
    rule = config.repeats.rule
    if rule == "service":
        return services
    if rule == "root-cause":
        return same_category
    return services and same_category


class Match(Frozen):
    """An earlier post-mortem that makes this one a repeat."""

    earlier: EarlierPostMortem
    days_before: int
    shared_labels: tuple[str, ...]  # the form labels the two have in common


def find_matches(
    issue: IssueState,
    pm: PostMortem,
    candidates: Iterable[EarlierPostMortem],
    config: Config,
) -> tuple[Match, ...]:
    """The candidates that make this post-mortem a repeat, oldest first."""
    found = []
    mine = _order(issue, pm)
    for candidate in candidates:
        other = candidate.postmortem
        if candidate.issue.ref.casefold() == issue.ref.casefold():
            continue
        if _order(candidate.issue, other) >= mine:
            continue  # not earlier: this one may be *its* repeat, not the other way round
        days = days_between(other.incident_start, pm.incident_start)
        if days > config.repeats.lookback_days or not rule_matches(pm, other, config):
            continue
        shared = _shared(form_labels(pm, config.labels), form_labels(other, config.labels))
        found.append(Match(earlier=candidate, days_before=days, shared_labels=shared))
    return tuple(sorted(found, key=lambda m: _order(m.earlier.issue, m.earlier.postmortem)))


def linked_matches(matches: Sequence[Match], config: Config) -> tuple[Match, ...]:
    """The most recent ``repeats.max_linked`` of ``matches`` (oldest first, as
    ``find_matches`` gives them): those a repeat lists in full, back-links and links in
    Jira. Bounding them keeps a service that keeps failing from linking every incident
    to every earlier one (requests and links growing with the square of the incidents)."""
    return tuple(matches[-config.repeats.max_linked :])


def search_labels(pm: PostMortem, labels: LabelsConfig, rule: str) -> tuple[tuple[str, ...], ...]:
    """The label groups a candidate must carry (one of each group) under ``rule``."""
    services = service_labels(pm, labels)
    category = root_cause_label(pm, labels)
    categories = (category,) if category else ()
    if rule == "service":
        return (services,)
    if rule == "root-cause":
        return (categories,)
    return (services, categories)
