"""Labels from the form: derived from the body, removed only where pmsync set them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import factories as f
from support.planning import NOW, context, converge

from pmsync.config.schema import LabelsConfig
from pmsync.core.domain.changes import Plan, SetIssueLabels, UpsertComment
from pmsync.core.domain.model import ParseResult
from pmsync.core.domain.state import ObservedPostMortem
from pmsync.core.planning.issue_labels import label_style
from pmsync.core.planning.plan import plan
from pmsync.core.planning.simulate import Simulator
from pmsync.core.postmortem.labels import (
    GITHUB_LABEL_MAX,
    form_labels,
    label_wishes,
    labels_to_record,
    prefixed,
    slug,
)

LABELS = LabelsConfig()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("payments-db", "payments-db"),
        ("Payments DB", "payments-db"),
        ("Config change", "config-change"),
        ("  API / Gateway v2 ", "api-gateway-v2"),
        ("Straße", "strasse"),
        ("!!!", ""),
    ],
)
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected


def test_a_postmortem_carries_service_root_cause_and_severity_labels() -> None:
    pm = f.postmortem(services=("payments-db", "Checkout API"), severity=1)
    assert form_labels(pm, LABELS) == (
        "service:payments-db",
        "service:checkout-api",
        "root-cause:capacity",
        "sev:1",
    )


def test_prefixes_come_from_the_configuration() -> None:
    labels = LabelsConfig(service_prefix="svc/", root_cause_prefix="cause/", severity_prefix="S")
    assert form_labels(f.postmortem(severity=3), labels) == (
        "svc/payments-db",
        "cause/capacity",
        "S3",
    )


def test_services_that_read_the_same_give_one_label_and_punctuation_gives_none() -> None:
    pm = f.postmortem(services=("Payments DB", "payments-db", "???"))
    assert form_labels(pm, LABELS)[:-2] == ("service:payments-db",)


@given(st.text(min_size=1, max_size=200))
def test_labels_never_pass_githubs_length_limit(name: str) -> None:
    label = prefixed("service:", name)
    assert label is None or (len(label) <= GITHUB_LABEL_MAX and not label.endswith("-"))


def test_wishes_add_the_derived_labels_and_remove_only_recorded_ones() -> None:
    pm = f.postmortem(services=("ledger",))
    recorded = ("service:payments-db", "root-cause:capacity", "sev:2")
    assert label_wishes(pm, LABELS, recorded) == {
        "service:ledger": True,
        "root-cause:capacity": True,
        "sev:2": True,
        "service:payments-db": False,
    }


def test_a_hand_added_label_with_a_prefix_is_not_touched() -> None:
    wishes = label_wishes(f.postmortem(), LABELS, recorded=())
    assert "service:also-affected" not in wishes
    assert all(wishes.values())


def test_recorded_labels_compare_without_case() -> None:
    wishes = label_wishes(f.postmortem(), LABELS, recorded=("Service:Payments-DB",))
    assert "Service:Payments-DB" not in wishes


def test_the_record_keeps_an_old_label_until_it_is_gone_from_the_issue() -> None:
    pm = f.postmortem(services=("ledger",))
    recorded = ("service:payments-db", "sev:2")
    still_there = f.issue(labels=("postmortem", "service:payments-db", "sev:2"))
    removed = f.issue(labels=("postmortem", "service:ledger", "sev:2"))
    assert labels_to_record(still_there, pm, LABELS, recorded) == (
        "root-cause:capacity",
        "service:ledger",
        "service:payments-db",
        "sev:2",
    )
    assert labels_to_record(removed, pm, LABELS, recorded) == (
        "root-cause:capacity",
        "service:ledger",
        "sev:2",
    )


def test_prefixed_labels_get_their_own_style() -> None:
    styles = [label_style(name, LABELS) for name in ("service:a", "root-cause:b", "sev:1", "x")]
    assert len({style.color for style in styles}) == 4
    assert label_style("Service:A", LABELS) == styles[0]


# --- through the planner ------------------------------------------------------------------


def _labels(state: ObservedPostMortem) -> set[str]:
    return set(state.issue.labels)


def test_an_edit_removes_the_labels_pmsync_set_and_keeps_hand_added_ones() -> None:
    state, parsed, _ = converge(f.observed(), f.parse_result(), context())
    assert {"service:payments-db", "root-cause:capacity", "sev:2"} <= _labels(state)
    hand = state.issue.model_copy(update={"labels": (*state.issue.labels, "service:legacy")})
    state = state.model_copy(update={"issue": hand})

    edited = _edited(parsed, services=("ledger",), severity=1)
    state, edited, _ = converge(state, edited, context())
    assert {"service:ledger", "service:legacy", "sev:1", "root-cause:capacity"} <= _labels(state)
    assert not {"service:payments-db", "sev:2"} & _labels(state)
    assert plan(state, edited, context()).empty


def _edited(parsed: ParseResult, **changes: object) -> ParseResult:
    assert parsed.postmortem is not None
    return parsed.model_copy(update={"postmortem": parsed.postmortem.model_copy(update=changes)})


def test_a_run_killed_before_the_label_removal_still_removes_it_next_time() -> None:
    state, parsed, _ = converge(f.observed(), f.parse_result(), context())
    edited = _edited(parsed, services=("ledger",))
    first = plan(state, edited, context())
    # The status comment (with the new record) was written; then the run died.
    written = [c for c in first.changes if isinstance(c, UpsertComment)]
    assert written and any(isinstance(c, SetIssueLabels) for c in first.changes)
    state = Simulator(NOW).apply_plan(Plan(changes=tuple(written)), state)
    assert "service:payments-db" in _labels(state)

    state, _, _ = converge(state, edited, context())
    assert "service:payments-db" not in _labels(state)
    assert "service:ledger" in _labels(state)


def test_an_untrusted_postmortem_gets_no_labels_from_its_body() -> None:
    result = plan(f.observed(), f.parse_result(), context(trusted=False))
    assert not [c for c in result.changes if isinstance(c, SetIssueLabels)]
