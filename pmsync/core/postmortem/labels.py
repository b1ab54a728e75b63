"""The labels a post-mortem's own fields call for: ``service:<slug>`` for each affected
service, ``root-cause:<slug>`` for the category and ``sev:<n>`` for the severity (prefixes
from ``Config.labels``).

pmsync manages only the labels it derived itself. Which ones those were is remembered in
the status comment's snapshot (``Snapshot.labels``), so an edit that drops a service removes
its label, while a ``service:…`` label someone added by hand stays, whatever it says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pmsync.config.schema import LabelsConfig
from pmsync.core.domain.model import PostMortem
from pmsync.core.domain.state import IssueState

GITHUB_LABEL_MAX = 50  # characters in a label name


def slug(text: str) -> str:
    """``Payments DB`` -> ``payments-db``: lower case, runs of other characters one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def prefixed(prefix: str, value: str) -> str | None:
    """``prefix`` + the value's slug, cut to GitHub's length limit; None when nothing of the
    value is left (a service named only with punctuation)."""
    cut = slug(value)[: max(0, GITHUB_LABEL_MAX - len(prefix))].strip("-")
    return prefix + cut if cut else None


def service_labels(pm: PostMortem, labels: LabelsConfig) -> tuple[str, ...]:
    found = (prefixed(labels.service_prefix, service) for service in pm.services)
    return tuple(dict.fromkeys(name for name in found if name))


def root_cause_label(pm: PostMortem, labels: LabelsConfig) -> str | None:
    return prefixed(labels.root_cause_prefix, pm.root_cause_category)


def severity_label(pm: PostMortem, labels: LabelsConfig) -> str:
    return f"{labels.severity_prefix}{pm.severity}"


def form_labels(pm: PostMortem, labels: LabelsConfig) -> tuple[str, ...]:
    """Every label the post-mortem's fields call for, services first."""
    category = root_cause_label(pm, labels)
    found = [*service_labels(pm, labels), *([category] if category else [])]
    return (*found, severity_label(pm, labels))


def _folded(names: Iterable[str]) -> set[str]:
    return {name.casefold() for name in names}


def label_wishes(pm: PostMortem, labels: LabelsConfig, recorded: Iterable[str]) -> dict[str, bool]:
    """Label -> wanted (True) or to remove (False): the derived labels, and those pmsync
    derived earlier (``recorded``) that the body no longer calls for."""
    derived = form_labels(pm, labels)
    wishes = dict.fromkeys(derived, True)
    wanted = _folded(derived)
    for name in recorded:
        if name.casefold() not in wanted:
            wishes[name] = False
    return wishes


def labels_to_record(
    issue: IssueState, pm: PostMortem, labels: LabelsConfig, recorded: Iterable[str]
) -> tuple[str, ...]:
    """What the snapshot remembers as pmsync's: the derived labels, and earlier ones still on
    the issue. Keeping those until they are gone means a run killed after the snapshot was
    written but before the label was removed still removes it next time."""
    on_issue = _folded(issue.labels)
    kept = [name for name in recorded if name.casefold() in on_issue]
    unique = {name.casefold(): name for name in [*kept, *form_labels(pm, labels)]}
    return tuple(sorted(unique.values(), key=str.casefold))
