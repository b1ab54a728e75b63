"""Repeat incidents, pure: which earlier post-mortems match, and what pmsync writes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from support import factories as f
from support.planning import context, converge

from pmsync.config.schema import Config, JiraConfig, RepeatsConfig
from pmsync.core.domain import identity, markers
from pmsync.core.domain.changes import Change, CreateTickets, LinkTickets, Plan, UpsertComment
from pmsync.core.domain.model import PostMortem
from pmsync.core.domain.state import (
    CommentState,
    EarlierPostMortem,
    IssueState,
    ObservedPostMortem,
    RepeatObservation,
    TicketLink,
    TicketState,
)
from pmsync.core.planning.plan import plan
from pmsync.core.planning.repeat_comment import (
    decode_backlinks,
    encode_backlinks,
    ordinal,
    window_text,
)
from pmsync.core.planning.repeat_matching import find_matches
from pmsync.core.planning.repeats import repeat_changes, should_check
from pmsync.core.planning.simulate import Simulator

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
OTHER_REPO = "acme/ledger"


def config(rule: str = "service", **jira: Any) -> Config:
    return Config(repeats=RepeatsConfig(rule=rule), jira=JiraConfig(**jira))


def earlier(
    days_before: int,
    *,
    repo: str = OTHER_REPO,
    number: int = 7,
    tickets: tuple[TicketState, ...] = (),
    backlinked: bool = False,
    **pm: Any,
) -> EarlierPostMortem:
    start = f.INCIDENT - timedelta(days=days_before)
    return EarlierPostMortem(
        issue=f.issue(repo=repo, number=number, created_at=start + timedelta(hours=1)),
        postmortem=f.postmortem(incident_start=start, **({"title": f"Incident {number}"} | pm)),
        tickets=tickets,
        backlinked=backlinked,
    )


def earlier_ticket(key: str, repo: str = OTHER_REPO, number: int = 7, **fields: Any) -> TicketState:
    labels = ("postmortem", identity.postmortem_label(repo, number))
    return f.ticket(key, labels=labels, **fields)


def observed_with(*candidates: EarlierPostMortem, **overrides: Any) -> ObservedPostMortem:
    return f.observed(repeats=RepeatObservation(candidates=candidates), **overrides)


def plan_repeats(
    observed: ObservedPostMortem, pm: PostMortem | None = None, cfg: Config | None = None
) -> tuple[tuple[Change, ...], dict[str, bool]]:
    found = repeat_changes(observed, pm or f.postmortem(), config=cfg or config(), today=TODAY)
    return found.changes, found.labels


def comment_changes(changes: tuple[Change, ...], number: int = f.NUMBER) -> list[UpsertComment]:
    return [c for c in changes if isinstance(c, UpsertComment) and c.number == number]


def repeat_body(changes: tuple[Change, ...]) -> str:
    (comment,) = [c for c in comment_changes(changes) if c.marker == markers.REPEAT]
    return comment.body


def apply(changes: tuple[Change, ...], observed: ObservedPostMortem) -> ObservedPostMortem:
    """Fold changes in as the applier would (the dry run's simulator)."""
    return Simulator(NOW).apply_plan(Plan(changes=changes), observed)


def settle(
    observed: ObservedPostMortem, pm: PostMortem | None = None, rounds: int = 3
) -> tuple[ObservedPostMortem, list[tuple[Change, ...]]]:
    """Plan and apply until nothing is left to do, as the reconcile rounds do."""
    done = []
    for _ in range(rounds):
        changes, _ = plan_repeats(observed, pm)
        if not changes:
            return observed, done
        done.append(changes)
        observed = apply(changes, observed)
    raise AssertionError(f"the repeat plan did not settle in {rounds} rounds")


# --- the rules and the window ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "services", "category", "repeat"),
    [
        ("service", ("payments-db",), "Deploy", True),
        ("service", ("Payments DB", "ledger"), "Capacity", True),
        ("service", ("ledger",), "Capacity", False),
        ("service+root-cause", ("payments-db",), "Capacity", True),
        ("service+root-cause", ("payments-db",), "Deploy", False),
        ("service+root-cause", ("ledger",), "Capacity", False),
        ("root-cause", ("ledger",), "Capacity", True),
        ("root-cause", ("payments-db",), "Deploy", False),
    ],
)
def test_each_rule(rule: str, services: tuple[str, ...], category: str, repeat: bool) -> None:
    candidate = earlier(30, services=services, root_cause_category=category)
    found = find_matches(f.issue(), f.postmortem(), [candidate], config(rule))
    assert bool(found) is repeat


@pytest.mark.parametrize(("days", "repeat"), [(0, True), (1, True), (180, True), (181, False)])
def test_lookback_window_edges(days: int, repeat: bool) -> None:
    assert bool(find_matches(f.issue(), f.postmortem(), [earlier(days)], config())) is repeat


def test_the_window_counts_calendar_days_between_incident_starts() -> None:
    this = f.postmortem(incident_start=datetime(2026, 11, 20, 23, 30, tzinfo=UTC))
    start = datetime(2026, 5, 24, 0, 30, tzinfo=UTC)  # 180 days and 23 hours earlier
    candidate = earlier(0).model_copy(update={"postmortem": f.postmortem(incident_start=start)})
    (match,) = find_matches(f.issue(), this, [candidate], config())
    assert match.days_before == 180


def test_the_lookback_is_configurable() -> None:
    cfg = Config(repeats=RepeatsConfig(lookback_days=30))
    assert find_matches(f.issue(), f.postmortem(), [earlier(30)], cfg)
    assert not find_matches(f.issue(), f.postmortem(), [earlier(31)], cfg)


def test_a_later_incident_is_not_an_earlier_one_and_the_issue_is_not_its_own() -> None:
    later = earlier(-3)
    itself = EarlierPostMortem(issue=f.issue(), postmortem=f.postmortem())
    assert not find_matches(f.issue(), f.postmortem(), [later, itself], config())


def test_two_incidents_at_the_same_moment_count_once_by_issue_creation() -> None:
    first = f.issue(number=1, created_at=f.CREATED)
    second = f.issue(number=2, created_at=f.CREATED + timedelta(hours=1))
    pm = f.postmortem()
    as_first = EarlierPostMortem(issue=first, postmortem=pm)
    as_second = EarlierPostMortem(issue=second, postmortem=pm)
    assert find_matches(second, pm, [as_first], config())
    assert not find_matches(first, pm, [as_second], config())


def test_earlier_postmortems_across_repositories_oldest_first() -> None:
    here = earlier(20, repo=f.REPO, number=3)
    there = earlier(90, repo=OTHER_REPO, number=11)
    found = find_matches(f.issue(), f.postmortem(), [here, there], config())
    assert [m.earlier.issue.ref for m in found] == ["acme/ledger#11", "acme/payments#3"]
    assert found[0].shared_labels == ("service:payments-db", "root-cause:capacity", "sev:2")


# --- what gets written ------------------------------------------------------------------------


def test_nothing_when_the_search_did_not_run() -> None:
    assert plan_repeats(f.observed()) == ((), {})


def test_not_a_repeat_and_never_flagged_changes_nothing() -> None:
    assert plan_repeats(observed_with(earlier(400))) == ((), {})


def test_a_repeat_gets_the_label_one_comment_and_a_backlink_on_each_earlier_one() -> None:
    here = earlier(20, repo=f.REPO, number=3)
    there = earlier(90, repo=OTHER_REPO, number=11)
    changes, labels = plan_repeats(observed_with(here, there))
    assert labels == {"repeat-incident": True}
    backlinks = [c for c in changes if isinstance(c, UpsertComment) and c.number != f.NUMBER]
    assert [(c.repo, c.number, c.comment_id) for c in backlinks] == [
        (OTHER_REPO, 11, None),
        (f.REPO, 3, None),
    ]
    assert {c.marker for c in backlinks} == {markers.backlink_marker("acme/payments#42")}
    assert "Recurred in [acme/payments#42](https://github.com/acme/payments/issues/42)" in (
        backlinks[0].body
    )
    body = repeat_body(changes)
    assert body.startswith(markers.REPEAT)
    assert "This is the **3rd incident on `payments-db` in 6 months**." in body
    assert body.index("acme/ledger#11") < body.index("acme/payments#3")
    assert (
        "2026-08-22 · [acme/ledger#11](https://github.com/acme/ledger/issues/11): Incident 11"
        in (body)
    )
    assert "90 days earlier · shares `service:payments-db`, `root-cause:capacity`, `sev:2`" in body


def test_the_subject_names_what_the_rule_compares() -> None:
    candidate = earlier(10, services=("payments-db", "ledger"))
    pm = f.postmortem(services=("ledger", "checkout"))
    body = repeat_body(plan_repeats(observed_with(candidate), pm)[0])
    assert "**2nd incident on `ledger` in 6 months**" in body
    body = repeat_body(plan_repeats(observed_with(candidate), pm, config("root-cause"))[0])
    assert "**2nd incident with root cause `capacity` in 6 months**" in body
    body = repeat_body(plan_repeats(observed_with(candidate), pm, config("service+root-cause"))[0])
    assert "**2nd incident on `ledger` with root cause `capacity` in 6 months**" in body


def test_earlier_items_done_open_dropped_and_overdue() -> None:
    items = (
        f.action_item(row=1, ticket="LED-1", action="Add pool alert"),
        f.action_item(row=2, ticket="LED-2", action="Raise pool size", due=date(2026, 11, 1)),
        f.action_item(row=3, ticket="LED-3", action="Load test checkout"),
        f.action_item(row=4, ticket="LED-4", action="Write the runbook", due=date(2027, 1, 10)),
        f.action_item(row=5, action="Review capacity quarterly", due=date(2026, 10, 1)),
    )
    tickets = (
        earlier_ticket("LED-1", status="Done", status_category="done", resolution="Done"),
        earlier_ticket("LED-2", status="In Progress", status_category="indeterminate", due=None),
        earlier_ticket("LED-3", status="Closed", status_category="done", resolution="Won't Do"),
        earlier_ticket("LED-4", due=date(2027, 1, 10)),
    )
    body = repeat_body(
        plan_repeats(observed_with(earlier(60, action_items=items, tickets=tickets)))[0]
    )
    assert "action items: **1 of 5 done · 2 overdue · 1 dropped**" in body
    assert "1 of the 5 action items from the earlier post-mortem was finished." in body
    lines = [line for line in body.splitlines() if line.startswith("- ")]
    assert len(lines) == 4  # the done item is counted, not listed
    assert lines[0].startswith("- ⚠️ overdue 23d (In Progress): [LED-2](")
    assert "Raise pool size" in lines[0]
    assert lines[1].startswith("- 🚫 dropped (Won't Do): [LED-3](")
    assert lines[2].startswith("- To Do: [LED-4](") and "due 2027-01-10" in lines[2]
    assert lines[3].startswith("- ⚠️ overdue 54d (no ticket): row 5 Review capacity quarterly")
    assert "None of" not in body


def test_when_no_earlier_item_was_finished_it_says_so_plainly() -> None:
    one = earlier(
        100,
        number=1,
        action_items=(f.action_item(row=1, ticket="LED-1"),),
        tickets=(earlier_ticket("LED-1", number=1),),
    )
    two = earlier(
        50,
        number=2,
        action_items=(f.action_item(row=1, ticket="LED-2"),),
        tickets=(
            earlier_ticket(
                "LED-2", number=2, status="Closed", status_category="done", resolution="Won't Do"
            ),
        ),
    )
    body = repeat_body(plan_repeats(observed_with(one, two))[0])
    assert "**None of the 2 action items from the earlier post-mortems were finished.**" in body


def test_the_comment_is_edited_in_place_and_not_rewritten_when_unchanged() -> None:
    state, _ = settle(observed_with(earlier(30)))
    assert plan_repeats(state) == ((), {"repeat-incident": True})

    existing = markers.find_comment(state.bot_comments, markers.REPEAT)
    assert existing is not None
    newer = earlier(5, number=8)
    grown = state.model_copy(
        update={"repeats": RepeatObservation(candidates=(*state.repeats.candidates, newer))}
    )
    changes, _ = plan_repeats(grown)
    (edit,) = [c for c in comment_changes(changes) if c.marker == markers.REPEAT]
    assert edit.comment_id == existing.id
    assert "**3rd incident" in edit.body
    assert decode_backlinks(edit.body) == {"acme/ledger#7"}  # #8's back-link is only planned
    settled, _ = settle(apply(changes, grown))
    comment = markers.find_comment(settled.bot_comments, markers.REPEAT)
    assert comment is not None and comment.id == existing.id
    assert decode_backlinks(comment.body) == {"acme/ledger#7", "acme/ledger#8"}


def test_the_label_goes_and_the_comment_says_so_when_an_edit_ends_the_repeat() -> None:
    state, _ = settle(observed_with(earlier(30)))
    state = state.model_copy(update={"issue": f.issue(labels=("postmortem", "repeat-incident"))})
    edited = f.postmortem(services=("ledger",))
    changes, labels = plan_repeats(state, edited)
    assert labels == {"repeat-incident": False}
    (comment,) = comment_changes(changes)
    assert comment.comment_id is not None
    assert "### Repeat incident: no longer" in comment.body
    assert (
        "No earlier post-mortem on `ledger` from the 6 months before this incident matches it "
        "now (rule `service`), so pmsync removes the `repeat-incident` label." in comment.body
    )
    assert decode_backlinks(comment.body) == {"acme/ledger#7"}  # the record survives
    assert not [c for c in changes if isinstance(c, LinkTickets)]

    state = apply(changes, state)
    assert plan_repeats(state, edited) == ((), {"repeat-incident": False})
    # The body changes back: flagged again, and no second back-link.
    changes, labels = plan_repeats(state)
    assert labels == {"repeat-incident": True}
    assert [c.number for c in comment_changes(changes, number=7)] == []
    assert "**2nd incident" in repeat_body(changes)


@pytest.mark.parametrize(
    "candidates",
    [
        (),  # the earlier one lost its labels (or was deleted): the search no longer finds it
        (earlier(181),),  # its incident start was moved out of the window
        (earlier(30, services=("ledger",)),),  # its services were changed
    ],
)
def test_the_note_holds_when_the_earlier_postmortem_changed_and_this_one_did_not(
    candidates: tuple[EarlierPostMortem, ...],
) -> None:
    state, _ = settle(observed_with(earlier(30)))
    gone = state.model_copy(update={"repeats": RepeatObservation(candidates=candidates)})
    changes, labels = plan_repeats(gone)
    assert labels == {"repeat-incident": False}
    body = repeat_body(changes)
    assert "No earlier post-mortem on `payments-db` from the 6 months before this incident" in (
        body
    )
    assert "edit" not in body


def test_a_backlink_is_written_once() -> None:
    recorded = observed_with(
        earlier(30), bot_comments=(f.comment(_repeat_comment("acme/ledger#7")),)
    )
    assert not comment_changes(plan_repeats(recorded)[0], number=7)
    seen = observed_with(earlier(30, backlinked=True))
    assert not comment_changes(plan_repeats(seen)[0], number=7)


def test_a_backlink_is_recorded_once_it_exists_and_planned_again_until_then() -> None:
    state = observed_with(earlier(30))
    first, _ = plan_repeats(state)
    (backlink,) = comment_changes(first, number=7)
    assert decode_backlinks(repeat_body(first)) == frozenset()  # not written yet

    # GitHub refuses the back-link; the rest goes through. The comment claims nothing, so
    # the back-link is planned again (the next run's search sees it missing, too).
    refused = apply(tuple(c for c in first if c != backlink), state)
    again, _ = plan_repeats(refused)
    assert comment_changes(again, number=7) == [backlink]
    assert comment_changes(again) == []  # the repeat comment is as it should be

    # Once the back-link is created the next round records it, and then all is settled.
    state = apply(first, state)
    second, _ = plan_repeats(state)
    (edit,) = comment_changes(second)
    assert edit.comment_id is not None and comment_changes(second, number=7) == []
    assert decode_backlinks(edit.body) == {"acme/ledger#7"}
    assert plan_repeats(apply(second, state)) == ((), {"repeat-incident": True})


def _repeat_comment(*backlinked: str) -> str:
    return f"{markers.REPEAT}\nold text\n{encode_backlinks(backlinked)}\n"


# --- Jira links ----------------------------------------------------------------------------------


def _with_tickets(
    *candidates: EarlierPostMortem, mine: tuple[TicketState, ...]
) -> ObservedPostMortem:
    return observed_with(*candidates, tickets=mine)


MY_ITEMS = (f.action_item(row=1, ticket="OPS-1"), f.action_item(row=2, ticket="OPS-2"))
MINE = (f.ticket("OPS-1"), f.ticket("OPS-2"))


def _earlier_with_states() -> EarlierPostMortem:
    items = tuple(f.action_item(row=n, ticket=f"LED-{n}") for n in (1, 2, 3))
    tickets = (
        earlier_ticket("LED-1"),
        earlier_ticket("LED-2", status_category="done", resolution="Done"),
        earlier_ticket("LED-3", status_category="done", resolution="Won't Do"),
    )
    return earlier(40, action_items=items, tickets=tickets)


def links_in(changes: tuple[Change, ...]) -> list[tuple[str, str, str]]:
    return [(c.inward, c.outward, c.link_type) for c in changes if isinstance(c, LinkTickets)]


def test_each_earlier_ticket_not_done_gets_one_link_from_the_first_new_ticket() -> None:
    state = _with_tickets(_earlier_with_states(), mine=MINE)
    changes, _ = plan_repeats(state, f.postmortem(action_items=MY_ITEMS))
    assert links_in(changes) == [("OPS-1", "LED-1", "Relates")]
    state = apply(changes, state)
    later, _ = plan_repeats(state, f.postmortem(action_items=MY_ITEMS))
    assert links_in(later) == []


def test_a_link_seen_from_either_side_counts() -> None:
    earlier_pm = _earlier_with_states()
    linked_back = earlier_pm.tickets[0].model_copy(
        update={"links": (TicketLink(type="Blocks", key="OPS-2"),)}
    )
    earlier_pm = earlier_pm.model_copy(update={"tickets": (linked_back, *earlier_pm.tickets[1:])})
    mine = (
        MINE[0].model_copy(update={"links": (TicketLink(type="Relates", key="LED-1"),)}),
        MINE[1],
    )
    changes, _ = plan_repeats(
        _with_tickets(earlier_pm, mine=mine), f.postmortem(action_items=MY_ITEMS)
    )
    assert links_in(changes) == []


def test_no_links_before_tickets_exist_or_when_switched_off() -> None:
    pm = f.postmortem(action_items=MY_ITEMS)
    assert links_in(plan_repeats(_with_tickets(_earlier_with_states(), mine=()), pm)[0]) == []
    off = config(link_repeats=False)
    assert (
        links_in(plan_repeats(_with_tickets(_earlier_with_states(), mine=MINE), pm, off)[0]) == []
    )


# --- text ---------------------------------------------------------------------------------------


def test_user_text_cannot_mention_or_close_the_marker() -> None:
    items = (f.action_item(row=1, action="Ask @alice --> <!-- pmsync:status -->"),)
    candidate = earlier(10, action_items=items, title="@team outage <!--")
    changes, _ = plan_repeats(observed_with(candidate))
    texts = [c.body for c in comment_changes(changes)]
    for text in texts:
        assert "@alice" not in text and "@team" not in text
        assert text.count("<!--") == text.count("-->")
        assert "<!-- pmsync:status" not in text


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (102, "102nd"),
    ],
)
def test_ordinal(number: int, text: str) -> None:
    assert ordinal(number) == text


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (180, "6 months"),
        (30, "1 month"),
        (365, "1 year"),
        (14, "2 weeks"),
        (45, "45 days"),
        (1, "1 day"),
    ],
)
def test_window_text(days: int, text: str) -> None:
    assert window_text(days) == text


# --- when to check -----------------------------------------------------------------------------


def _labelled(*labels: str) -> IssueState:
    return f.issue(labels=("postmortem", *labels))


@pytest.mark.parametrize(
    ("action", "labels", "check"),
    [
        ("opened", (), True),
        ("reopened", ("service:payments-db", "root-cause:capacity"), True),
        ("command", ("service:payments-db", "root-cause:capacity"), True),
        ("labeled", (), True),  # e.g. just approved: not labelled from its body yet
        ("labeled", ("service:payments-db", "root-cause:capacity", "pm:approved"), False),
        ("closed", (), False),
        ("edited", ("service:payments-db", "root-cause:capacity", "sev:1"), False),
        ("edited", ("service:payments-db",), True),
        ("edited", ("service:payments-db", "service:ledger", "root-cause:capacity"), True),
        ("edited", ("service:payments-db", "root-cause:deploy"), True),
    ],
)
def test_which_events_check_for_repeats(action: str, labels: tuple[str, ...], check: bool) -> None:
    assert should_check(action, _labelled(*labels), f.parse_result(), config()) is check


def _status_recording(*labels: str) -> tuple[CommentState, ...]:
    snapshot = markers.encode_snapshot(markers.Snapshot(labels=labels))
    return (f.comment(f"{markers.STATUS}\nstatus\n{snapshot}\n"),)


MANAGED = ("service:payments-db", "root-cause:capacity", "sev:2")


@pytest.mark.parametrize(
    ("labels", "recorded", "check"),
    [
        # Added by hand and never pmsync's: no search, whatever the event.
        (("service:payments-db", "root-cause:capacity", "service:legacy-db"), MANAGED, False),
        (("service:payments-db", "root-cause:capacity", "root-cause:other"), MANAGED, False),
        # pmsync's own, which the body no longer calls for: the services were edited.
        (
            ("service:payments-db", "service:ledger", "root-cause:capacity"),
            (*MANAGED, "service:ledger"),
            True,
        ),
        # One the body calls for is missing: added to the body, or never labelled yet.
        (("root-cause:capacity", "service:legacy-db"), MANAGED, True),
        (("service:legacy-db",), (), True),
        # Case does not make a label another one.
        (("Service:Payments-DB", "root-cause:capacity", "service:legacy-db"), MANAGED, False),
    ],
)
@pytest.mark.parametrize("action", ["edited", "labeled"])
def test_only_the_labels_pmsync_manages_call_for_a_search(
    action: str, labels: tuple[str, ...], recorded: tuple[str, ...], check: bool
) -> None:
    issue = _labelled(*labels)
    comments = _status_recording(*recorded)
    assert should_check(action, issue, f.parse_result(), config(), comments) is check


def test_without_the_comments_any_extra_label_may_be_left_over_from_an_edit() -> None:
    issue = _labelled("service:payments-db", "root-cause:capacity", "service:legacy-db")
    assert should_check("edited", issue, f.parse_result(), config())
    assert not should_check("edited", issue, f.parse_result(), config(), ())


def test_an_unreadable_body_is_never_checked() -> None:
    parsed = f.parse_result(errors=(f.finding(),))
    assert not should_check("opened", f.issue(), parsed, config())


# --- through the planner ---------------------------------------------------------------------


def test_the_planner_writes_the_repeat_once_tickets_exist_and_settles() -> None:
    candidate = _earlier_with_states()
    start = f.observed(repeats=RepeatObservation(candidates=(candidate,)))
    first = plan(start, f.parse_result(), context())
    assert [type(c) for c in first.changes] == [CreateTickets]  # round one: tickets only

    state, parsed, plans = converge(start, f.parse_result(), context())
    changes = [c for p in plans for c in p.changes]
    assert "repeat-incident" in state.issue.labels
    assert len([c for c in changes if isinstance(c, LinkTickets)]) == 1  # NEW-1 -> LED-1
    assert len(comment_changes(tuple(changes), number=candidate.issue.number)) == 1
    assert [c.body.splitlines()[0] for c in state.bot_comments] == [markers.STATUS, markers.REPEAT]
    assert plan(state, parsed, context()).empty


def test_an_untrusted_postmortem_is_not_flagged() -> None:
    start = f.observed(repeats=RepeatObservation(candidates=(earlier(10),)))
    result = plan(start, f.parse_result(), context(trusted=False))
    flagged = [c for c in result.changes if isinstance(c, LinkTickets | UpsertComment)]
    assert [c.marker for c in flagged if isinstance(c, UpsertComment)] == [markers.APPROVAL]
    assert "repeat-incident" not in result.describe()


# --- bounded fan-out (repeats.max_linked) ------------------------------------------------------


def _series(count: int) -> tuple[EarlierPostMortem, ...]:
    """``count`` earlier post-mortems a week apart, #1 the oldest, each with one open ticket
    and one done."""
    found = []
    for number in range(1, count + 1):
        items = (
            f.action_item(row=1, ticket=f"LED-{number}1"),
            f.action_item(row=2, ticket=f"LED-{number}2"),
        )
        tickets = (
            earlier_ticket(f"LED-{number}1", number=number),
            earlier_ticket(
                f"LED-{number}2", number=number, status_category="done", resolution="Done"
            ),
        )
        days = 7 * (count + 1 - number)
        found.append(earlier(days, number=number, action_items=items, tickets=tickets))
    return tuple(found)


def test_only_the_most_recent_earlier_postmortems_are_listed_backlinked_and_linked() -> None:
    state = _with_tickets(_series(12)[0], mine=MINE)
    state = state.model_copy(update={"repeats": RepeatObservation(candidates=_series(12))})
    changes, _ = plan_repeats(state, f.postmortem(action_items=MY_ITEMS))
    backlinks = [c for c in changes if isinstance(c, UpsertComment) and c.number != f.NUMBER]
    assert [c.number for c in backlinks] == [10, 11, 12]
    assert links_in(changes) == [
        ("OPS-1", "LED-101", "Relates"),
        ("OPS-1", "LED-111", "Relates"),
        ("OPS-1", "LED-121", "Relates"),
    ]
    body = repeat_body(changes)
    assert "**13th incident on `payments-db` in 6 months**" in body
    assert "12 of the 24 action items from the earlier post-mortems were finished." in body
    assert [n for n in range(1, 13) if f"(https://github.com/acme/ledger/issues/{n})" in body] == [
        10,
        11,
        12,
    ]
    assert (
        "… and 9 earlier post-mortems on `payments-db` since 2026-08-28, 9 of their 18 items "
        "still open. Only the 3 most recent earlier post-mortems are listed, back-linked and "
        "linked in Jira (`repeats.max_linked`)." in body
    )


def test_max_linked_is_configurable_and_no_summary_when_all_are_listed() -> None:
    cfg = Config(repeats=RepeatsConfig(max_linked=1))
    changes = repeat_changes(observed_with(*_series(2)), f.postmortem(), config=cfg, today=TODAY)
    backlinks = comment_changes(changes.changes, number=2) + comment_changes(changes.changes, 1)
    assert [c.number for c in backlinks] == [2]
    body = repeat_body(changes.changes)
    assert "… and 1 earlier post-mortem on `payments-db` since 2026-11-06, 1 of its 2 items" in body
    assert "Only the 1 most recent earlier post-mortem is listed" in body
    assert "… and" not in repeat_body(plan_repeats(observed_with(*_series(3)))[0])


def test_links_made_before_the_bound_stay_and_none_are_added_for_older_tickets() -> None:
    series = _series(5)
    old_link = TicketLink(type="Relates", key="LED-11")  # made when #1 was still listed
    mine = (MINE[0].model_copy(update={"links": (old_link,)}), MINE[1])
    state = _with_tickets(series[0], mine=mine)
    state = state.model_copy(update={"repeats": RepeatObservation(candidates=series)})
    changes, _ = plan_repeats(state, f.postmortem(action_items=MY_ITEMS))
    assert [link[1] for link in links_in(changes)] == ["LED-31", "LED-41", "LED-51"]
