"""Warnings: each one fires on the content it targets, stays quiet otherwise, and can be off."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.hostile_bodies import CASES, filled
from support.postmortem_bodies import EXAMPLES, FIXTURES, GOOD, actions, good_body, render, row
from support.realdata import real_postmortems

from pmsync.config.schema import Config, LintConfig
from pmsync.core.domain.model import ParseResult
from pmsync.core.postmortem.blame import GIVEN_NAMES, NOT_PEOPLE, blame_phrases, people_names
from pmsync.core.postmortem.lint import blame_findings, check_postmortem

REAL_POSTMORTEMS = real_postmortems()


def check(body: str, **lint: object) -> ParseResult:
    return check_postmortem(body, None, Config(lint=LintConfig.model_validate(lint)))


def codes(result: ParseResult) -> list[tuple[str, str, int | None]]:
    return [(f.code, f.field, f.row) for f in result.warnings]


def test_good_bodies_draw_no_warnings() -> None:
    assert check(good_body()).warnings == ()
    example = check((EXAMPLES / "postmortem.md").read_text(encoding="utf-8"))
    assert example.ok and example.warnings == ()


def test_warnings_never_stop_a_post_mortem() -> None:
    result = check(good_body(action_items=actions(row("Improve monitoring", "@acme/sre"))))
    assert result.ok and result.postmortem is not None and len(result.warnings) == 2
    assert all(f.level == "warning" for f in result.warnings)


@pytest.mark.parametrize(
    ("action", "why"),
    [
        ("Improve monitoring", "no target"),
        ("Look into the Redis timeouts", "no deliverable"),
        ("Be more careful with deploys", "no deliverable"),
        ("Better monitoring of OOM in pods.", "no target"),
        ("Investigate flaky health checks", "no deliverable"),
        ("Review access permissions", "no deliverable"),
        # what real vague items look like: a topic, a comparative, a meeting, "more X"
        ("Queue dashboards and paging", "a topic, not an action"),
        ("Cut paging noise further", "no target"),
        ("Hold a session on the on-call handbook", "a meeting rather than a change"),
        ("Talk about deploy freezes with the platform team", "a meeting rather than a change"),
        ("Setup more Fluentd alerts", "no target"),
        ("Define a rollout strategy for the flags service", "no deliverable"),
        ("Implement monitoring on Kyverno", "no target"),
        ("Fix it", "no deliverable"),
        # a need rather than an action; a purpose only after a condition
        ("We need a security operations centre", "a topic, not an action"),
        ("Clear communication if a merge breaks the release branch", "a topic, not an action"),
    ],
)
def test_vague_actions(action: str, why: str) -> None:
    result = check(good_body(action_items=actions(row(), row(action))))
    assert codes(result) == [("vague-action", "action_items", 2)]
    message = result.warnings[0].message
    assert message.startswith(f"action {action!r} is vague — {why}")
    assert " rather than " in message  # a rewrite to follow


@pytest.mark.parametrize(
    "action",
    [
        "Alert when pool usage stays above 80% for 5 minutes",
        "Improve p99 latency of search to under 200 ms",
        "Review access permissions quarterly",
        "Add a runbook for the failover",
        # words the old word list took for vagueness
        "Reviewed access for all 12 service accounts and removed 4",
        "Ensure the reviewed runbook is linked from the PaymentsErrorRateHigh alert",
        "Setup monitoring and alerting for file watches usage",
        "Version lock Flux",
        "Circuit breaker implementation: Adding circuit breakers with exponential backoff",
        "Create wiki article covering readiness/liveness probes",
    ],
)
def test_specific_actions_are_fine(action: str) -> None:
    assert check(good_body(action_items=actions(row(action)))).warnings == ()


def test_rows_with_errors_still_get_advice() -> None:
    result = check(good_body(action_items=actions(row("Improve monitoring", due="later"))))
    assert [f.code for f in result.errors] == ["action-due-invalid"]
    assert codes(result) == [("vague-action", "action_items", 1)]


def test_team_owner() -> None:
    result = check(good_body(action_items=actions(row(owner="@acme/payments-sre"))))
    assert codes(result) == [("team-owner", "action_items", 1)]
    assert "@acme/payments-sre is a team" in result.warnings[0].message


@pytest.mark.parametrize(("due", "warned"), [("30d", False), ("31d", True), ("2027-01-31", True)])
def test_due_far(due: str, warned: bool) -> None:
    result = check(good_body(action_items=actions(row(due=due))))
    assert codes(result) == ([("due-far", "action_items", 1)] if warned else [])


def test_due_far_threshold_from_config() -> None:
    body = good_body(action_items=actions(row(due="10d")))
    assert codes(check(body, due_far_days=7)) == [("due-far", "action_items", 1)]
    assert "10 days after the incident" in check(body, due_far_days=7).warnings[0].message


@pytest.mark.parametrize(("count", "warned"), [(5, False), (6, True), (10, True), (11, False)])
def test_many_action_items(count: int, warned: bool) -> None:
    result = check(good_body(action_items=actions(*[row()] * count)))
    assert codes(result) == ([("many-action-items", "action_items", None)] if warned else [])
    if count == 11:  # over the limit: an error, and no warning on top
        assert [f.code for f in result.errors] == ["action-items-too-many"]


def test_many_action_items_threshold_from_config() -> None:
    body = good_body(action_items=actions(row(), row(), row()))
    assert codes(check(body, many_action_items_threshold=2)) == [
        ("many-action-items", "action_items", None)
    ]


@pytest.mark.parametrize(
    ("root_cause", "phrase"),
    [
        ("Human error during the deploy.", "Human error"),
        ("Dave should have checked the alias.", "Dave should have"),
        ("It was Alice's mistake.", "Alice's mistake"),
        ("@carol pushed the wrong config.", "@carol"),
        ("The on-call engineer forgot to drain the node.", "on-call engineer forgot to"),
        ("Someone failed to renew the certificate.", "Someone failed to"),
        ("Operator error in the runbook step.", "Operator error"),
        # a named person with any of the verbs, and "caused by" a person
        ("Dave forgot to renew the certificate.", "Dave forgot to"),
        ("Mark failed to follow the runbook.", "Mark failed to"),
        ("The outage was caused by Alice.", "caused by Alice"),
        ("John made a mistake in the config", "John made a mistake"),
        ("Sarah neglected to update the DNS record.", "Sarah neglected to"),
        ("The outage was due to the on-call engineer.", "due to the on-call engineer"),
        ("Errors rose because of @dave's change.", "because of @dave"),
        ("She should not have restarted the primary.", "She should not have"),
        ("I failed to notice the disk filling up.", "I failed to"),
        ("It was Bob's error.", "Bob's error"),
        # a name missing from the given names, with a verb only people do
        ("Priya forgot to rotate the key.", "Priya forgot to"),
        # typography: emphasis, a curly apostrophe, a line break inside the phrase
        ("**Dave** forgot to renew it.", "Dave forgot to"),
        ("It was Alice\u2019s fault.", "Alice's fault"),
        # a person, then a fault in what they did
        (
            "The reviewer approved it without reading the diff.",
            "The reviewer approved it without reading",
        ),
        ("He deleted the wrong table.", "He deleted the wrong"),
        ("If Kevin had tested the change, nothing would have broken.", "Kevin had tested"),
        ("Dave should\nhave checked.", "Dave should have"),
    ],
)
def test_blame_language(root_cause: str, phrase: str) -> None:
    result = check(good_body(root_cause=root_cause))
    assert codes(result) == [("blame-language", "root_cause", None)]
    assert phrase in result.warnings[0].message
    assert "describe the conditions" in result.warnings[0].message


@pytest.mark.parametrize(
    "root_cause",
    [
        "The deploy tool allowed a config change without review.",
        "The retry logic should have backed off, but it had no circuit breaker.",
        "It should have been caught by the canary, which covers only 1% of traffic.",
        "Alerts go to ops@example.com, a list nobody reads.",
        # systems as the subject of verbs people share with them
        "Kubernetes should have rescheduled the pods.",
        "Prometheus should have alerted.",
        "Redis failed to evict keys under memory pressure.",
        "The outage was caused by Redis running out of memory.",
        "Cassandra failed to compact the SSTables in time.",
        "Travis failed to run the integration tests.",
        "The migration failed to run because of a missing index.",
        "Latency was caused by I/O pressure on the disk.",
        "The outage was caused by May's traffic peak.",
        # not blame: collective "we", rates, code, tools named like blame
        "We made a mistake in the rollout plan: it had no canary stage.",
        "The client's error rate rose to 5%.",
        "The `@Transactional` annotation was missing from the refund handler.",
        "Version `posthog-js`@1.2.2 shipped the bug.",
        "git blame showed the change came from a generated file.",
        "```\n@Override\npublic void run() {}\n```",
        # a lower-case word is no name unless the people map says so
        "priya should have checked the alias.",
        # a fault word after a system, a version or a rota, not a person
        "Redis ignored the maxmemory limit.",
        "The old SDK (< 1.257.1) didn't have the isDisabled function.",
        "Nobody was paged because the on-call rota had a gap on weekends.",
    ],
)
def test_system_focused_root_causes_are_fine(root_cause: str) -> None:
    assert blame_findings(root_cause) == []


PEOPLE = {
    "priya-k": {"email": "priya.kumar@example.com"},
    "nkosi": {"jira_account": "557058:0f5e1b2a-7c1d-4b0e-9a54-1f3b2c4d5e6f"},
}


@pytest.mark.parametrize(
    ("root_cause", "phrase"),
    [
        ("Priya should have checked the alias.", "Priya should have"),
        ("Kumar failed to follow the runbook.", "Kumar failed to"),
        ("The outage was caused by Nkosi.", "caused by Nkosi"),
        ("priya-k should have checked.", "priya-k should have"),
    ],
)
def test_people_in_the_config_are_people(root_cause: str, phrase: str) -> None:
    config = Config.model_validate({"people": PEOPLE})
    result = check_postmortem(good_body(root_cause=root_cause), None, config)
    assert codes(result) == [("blame-language", "root_cause", None)]
    assert phrase in result.warnings[0].message
    assert check(good_body(root_cause=root_cause)).warnings == ()  # unknown without the map


def test_people_names_from_logins_user_names_and_emails() -> None:
    people = Config.model_validate(
        {"people": {**PEOPLE, "jdoe": {"jira_account": "john.doe", "email": "jd@example.com"}}}
    ).people
    assert people_names(people) == {
        "priya-k", "priya", "priya.kumar", "kumar", "nkosi", "jdoe", "john.doe", "john", "doe",
        "jd",
    }  # fmt: skip


def test_names_that_usually_mean_something_else_are_given_names_left_out() -> None:
    assert NOT_PEOPLE <= GIVEN_NAMES  # each entry removes a real given name, none is dead
    assert len(GIVEN_NAMES) == 1555  # the whole list its header describes, no comment word
    assert {"Dave", "Mark", "Alice", "John"} <= GIVEN_NAMES - NOT_PEOPLE


def test_public_post_mortems_blame_only_in_words_that_say_so() -> None:
    """Across the whole text of every real post-mortem (attendee lists included), the only
    phrases found are mentions, 'human error' and an engineer's mistaken belief: no system is
    taken for a person."""
    found = {
        phrase
        for path in REAL_POSTMORTEMS
        for phrase in blame_phrases(path.read_bytes().decode("utf-8", errors="replace"))
    }
    people = {phrase for phrase in found if phrase.startswith(("@", "The engineer "))}
    assert found - people == {"Human error", "user error"}
    assert {
        "@aronasorman looked over it without being",
        "The engineer making the change thought",
        "The engineer reviewing the PR thought",
    } <= people


def test_timeline_without_detection() -> None:
    table = "| Time | Event |\n|---|---|\n| 14:02 | Deploy |\n| 15:00 | Rolled back |"
    result = check(good_body(timeline=table))
    assert codes(result) == [("timeline-detection", "timeline", None)]
    assert "when it was detected" in result.warnings[0].message


def test_empty_timeline_has_no_detection_either() -> None:
    result = check(good_body(timeline=""))
    assert codes(result) == [("timeline-detection", "timeline", None)]
    assert "the timeline is empty" in result.warnings[0].message


@pytest.mark.parametrize(
    "event",
    ["Alert fired", "Customer support reports errors", "Paged on-call", "We noticed 5xx"],
)
def test_detection_words(event: str) -> None:
    table = f"| Time | Event |\n|---|---|\n| 14:02 | {event} |"
    assert check(good_body(timeline=table)).warnings == ()


SWITCHES = {
    "vague_action": "vague-action",
    "team_owner": "team-owner",
    "due_far": "due-far",
    "many_action_items": "many-action-items",
    "blame_language": "blame-language",
    "timeline_detection": "timeline-detection",
}


def _body_with_every_warning() -> str:
    rows = [row("Improve monitoring", "@acme/sre", "2027-06-01"), *[row()] * 5]
    return good_body(action_items=actions(*rows), root_cause="Human error.", timeline="")


def test_every_warning_fires_on_one_body() -> None:
    assert {f.code for f in check(_body_with_every_warning()).warnings} == set(SWITCHES.values())


@pytest.mark.parametrize(("switch", "code"), sorted(SWITCHES.items()))
def test_each_warning_can_be_switched_off(switch: str, code: str) -> None:
    result = check(_body_with_every_warning(), **{switch: False})
    assert {f.code for f in result.warnings} == set(SWITCHES.values()) - {code}


def test_public_post_mortems_get_the_advice_they_deserve() -> None:
    def warnings(name: str) -> list[tuple[str, str, int | None]]:
        return codes(check((FIXTURES / name).read_bytes().decode("utf-8")))

    assert warnings("dfds-pm2020-004-coredns.md") == [("timeline-detection", "timeline", None)]
    assert warnings("dfds-pm2022-006-alb-502.md") == [
        ("vague-action", "action_items", 1),
        ("vague-action", "action_items", 2),
        ("vague-action", "action_items", 3),
    ]
    assert warnings("learningequality-004-sushibar.md") == [("team-owner", "action_items", 2)]
    assert warnings("posthog-2025-09-29-flags.md") == [
        ("due-far", "action_items", 5),
        ("timeline-detection", "timeline", None),
    ]


# --- untrusted text: any body -----------------------------------------------------------------

# The bodies of tests/support/hostile_bodies.py at GitHub's largest size: every check reads
# them and gives well-formed findings. How long that takes, and that it grows linearly with
# the body, benchmarks/lint_speed.py measures (scripts/test-slow runs it).


@pytest.mark.parametrize(("field", "unit"), CASES)
def test_a_pathological_body_of_the_largest_size_gives_well_formed_findings(
    field: str, unit: str
) -> None:
    _assert_well_formed(check_postmortem(filled(field, unit), None, Config()))


_FINDING_FIELDS = {*GOOD, "body", "title"}


def _assert_well_formed(result: ParseResult) -> None:
    assert all(f.level == "error" for f in result.errors)
    assert all(f.level == "warning" for f in result.warnings)
    for finding in (*result.errors, *result.warnings):
        assert finding.field in _FINDING_FIELDS and finding.message.strip(), finding
    assert (result.postmortem is not None) == (not result.errors)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_check_never_raises_on_any_text(text: str) -> None:
    _assert_well_formed(check_postmortem(text, None, Config()))


_PROSE = st.lists(st.sampled_from([*"aA@-'s ./|`\n", "Dave", " should have", "'s fault"])).map(
    "".join
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(sorted(GOOD)), st.one_of(st.text(max_size=300), _PROSE)),
    st.booleans(),
)
def test_check_never_raises_on_any_field_values(values: dict[str, str], lint_on: bool) -> None:
    switches = {name: lint_on for name in SWITCHES}
    config = Config.model_validate({"lint": switches, "people": PEOPLE})
    _assert_well_formed(check_postmortem(render({**GOOD, **values}), None, config))


# --- headings the form does not know ------------------------------------------------------


def test_a_misspelt_heading_is_named_with_the_section_it_most_likely_means() -> None:
    body = good_body().replace("### Root cause\n", "### Cause\n")
    result = check(body)
    (finding,) = [f for f in result.warnings if f.code == "unknown-heading"]
    assert "'### Cause'" in finding.message
    assert "the nearest section is '### Root cause'" in finding.message
    assert check(body, unknown_heading=False).warnings == tuple(
        f for f in result.warnings if f.code != "unknown-heading"
    )


def test_the_nearest_heading_is_written_at_the_bodys_own_level() -> None:
    body = "\n".join(
        line.replace("### ", "## ", 1) if line.startswith("### ") else line
        for line in good_body().replace("### Lessons learned\n", "### Takeaways\n").splitlines()
    )
    messages = [f.message for f in check(body).warnings if f.code == "unknown-heading"]
    assert messages == [
        "the heading '## Takeaways' is not a section of the post-mortem form, so pmsync does "
        "not read it as one; the nearest section is '## Lessons learned': rename it to that if "
        "it is meant to be, or leave it as part of the section above it"
    ]


def test_a_body_that_is_not_the_forms_at_all_gets_its_error_not_a_warning_per_heading() -> None:
    result = check("### Background\nx\n\n### Notes\ny\n")
    assert not result.ok
    assert [f for f in result.warnings if f.code == "unknown-heading"] == []


def test_a_small_drift_in_a_heading_is_read_as_the_section_without_a_warning() -> None:
    result = check(good_body().replace("### Root cause\n", "### Root cuase\n"))
    assert result.ok and [f for f in result.warnings if f.code == "unknown-heading"] == []


def test_the_missing_sections_error_names_the_heading_that_may_be_it() -> None:
    result = check(good_body().replace("### Root cause\n", "### Cause\n"))
    (missing,) = [f for f in result.errors if f.code == "required-missing"]
    assert missing.message == (
        "the body has no '### Root cause' section ('### Cause' may be it: rename it)"
    )
