"""What the report reads: its searches, which post-mortems it keeps (only those pmsync took
on), and what it says when GitHub's search may have left post-mortems out (the report's run
reports it; reading prints nothing)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from support import factories as f

from pmsync.config.schema import Config
from pmsync.core.domain import identity, markers
from pmsync.core.domain.markers import Snapshot
from pmsync.core.domain.model import ParseResult
from pmsync.core.domain.state import CommentState, IssueState, ShippedRecord, TicketState
from pmsync.core.github_search import SEARCH_RESULT_LIMIT
from pmsync.core.report.contents import Period
from pmsync.errors import RemoteError, UsageError
from pmsync.orchestration.report.gather import find_postmortems, gather

SINCE = date(2026, 4, 1)


class Search:
    """A GitHub that answers every search with ``found`` issues."""

    def __init__(self, found: int) -> None:
        self.found = found
        self.queries: list[str] = []

    def search_postmortems(self, query: str) -> tuple[IssueState, ...]:
        self.queries.append(query)
        return tuple(f.issue(number=n) for n in range(1, self.found + 1))

    def repo_labels(self, repo: str) -> set[str]:
        return set()  # every repository is readable


def find(github: Search) -> tuple[list[IssueState], list[str]]:
    return find_postmortems(github, ["acme/payments"], "postmortem", SINCE)


def test_a_search_within_the_limit_has_nothing_to_say(capsys: pytest.CaptureFixture[str]) -> None:
    issues, warnings = find(Search(3))
    assert [i.number for i in issues] == [1, 2, 3] and warnings == []
    assert capsys.readouterr() == ("", "")


def test_a_search_at_githubs_limit_is_a_warning_for_the_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    github = Search(SEARCH_RESULT_LIMIT)
    issues, warnings = find(github)
    assert len(issues) == SEARCH_RESULT_LIMIT
    assert warnings == [
        f"GitHub search returns at most {SEARCH_RESULT_LIMIT} post-mortems per query and this "
        f"one ({github.queries[0]}) reached it: the report may miss some; report on fewer "
        "repositories at a time (--repo) or a shorter period"
    ]
    assert capsys.readouterr() == ("", "")


# --- which post-mortems are kept ------------------------------------------------------------

OCTOBER = Period(since=date(2026, 10, 1), until=date(2026, 10, 31))
OPENED = datetime(2026, 10, 6, 9, tzinfo=UTC)
FORM_LABELS = ("postmortem", "service:payments-db", "root-cause:capacity", "sev:2")
UNREADABLE = "### Summary\n\nDetails to follow.\n"


@dataclass
class GitHub:
    """Search results, who added the approved label, and who may write."""

    found: list[IssueState]
    approvers: dict[int, str] = field(default_factory=dict)
    writers: set[str] = field(default_factory=set)
    reads: list[str] = field(default_factory=list)
    comments: dict[int, tuple[CommentState, ...]] = field(default_factory=dict)
    refuse_comments: set[int] = field(default_factory=set)

    def search_postmortems(self, query: str) -> tuple[IssueState, ...]:
        return tuple(self.found)

    def label_added_by(self, repo: str, number: int, label: str) -> str | None:
        self.reads.append(f"events #{number}")
        return self.approvers.get(number)

    def permission(self, repo: str, login: str) -> str:
        self.reads.append(f"permission {login}")
        return "write" if login in self.writers else "read"

    def repo_labels(self, repo: str) -> set[str]:
        return set()  # every repository is readable

    def bot_comments(self, repo: str, number: int) -> tuple[CommentState, ...]:
        self.reads.append(f"comments #{number}")
        if number in self.refuse_comments:
            path = f"/repos/{repo}/issues/{number}/comments"
            raise RemoteError("github", "GET", path, 403, "Resource not accessible")
        return self.comments.get(number, ())


@dataclass
class Jira:
    asked: list[list[str]] = field(default_factory=list)
    tickets: tuple[TicketState, ...] = ()

    def tickets_with_labels(
        self, labels: Sequence[str], *, known_ids: Collection[str] = ()
    ) -> tuple[TicketState, ...]:
        self.asked.append(list(labels))
        return tuple(t for t in self.tickets if set(t.labels) & set(labels))


def _issue(
    number: int, labels: tuple[str, ...], association: str = "MEMBER", **more: object
) -> IssueState:
    return f.issue(
        number=number,
        labels=labels,
        author_association=association,
        created_at=OPENED,
        updated_at=OPENED,
        **more,
    )


def _parse(issue: IssueState) -> ParseResult:
    if issue.body == UNREADABLE:
        return ParseResult(postmortem=None)
    return f.parse_result(f.postmortem(incident_start=OPENED))


def _gathered(github: GitHub, jira: Jira) -> list[str]:
    done = gather(
        github,
        jira,
        Config(),
        ["acme/payments"],
        OCTOBER,
        _parse,
    )
    return [entry.issue.ref for entry in done.inputs]


def test_only_postmortems_pmsync_took_on_are_kept() -> None:
    github = GitHub(
        [
            _issue(1, FORM_LABELS),  # labelled by pmsync: taken on
            _issue(2, ("postmortem",), "NONE"),  # an outsider's, never approved: refused
            _issue(3, ("postmortem",)),  # a member's not synced yet: not yet taken on
            _issue(4, ("POSTMORTEM", "Service:Payments-DB", "sev:2"), "NONE"),  # approved
        ]
    )
    jira = Jira()
    assert _gathered(github, jira) == ["acme/payments#1", "acme/payments#4"]
    # Tickets are read only for those kept; labels are compared as GitHub does, case-blind.
    assert jira.asked == [
        [identity.postmortem_label("acme/payments", n) for n in (1, 4)],
    ]
    # The labels decide whether a readable one was taken on; one not taken on may wait for
    # approval, which the author's permission tells (asked once per author).
    assert github.reads == ["permission alice"]


def test_readable_ones_not_taken_on_whose_author_may_not_write_wait_for_approval() -> None:
    github = GitHub(
        [
            _issue(1, FORM_LABELS),  # taken on
            _issue(2, ("postmortem",), "NONE"),  # alice may only read: waits
            _issue(3, ("postmortem",), "NONE", state="closed"),  # closed: waits for nothing
        ]
    )
    done = gather(github, Jira(), Config(), ["acme/payments"], OCTOBER, _parse)
    assert [issue.ref for issue in done.waiting] == ["acme/payments#2"]
    github.writers.add("alice")
    again = gather(github, Jira(), Config(), ["acme/payments"], OCTOBER, _parse)
    assert again.waiting == []  # a writer's is pmsync's to take on at its next run


def test_an_unreadable_one_is_listed_only_when_pmsync_would_act_on_it() -> None:
    before = datetime(2026, 9, 20, tzinfo=UTC)
    github = GitHub(
        [
            _issue(1, ("postmortem",), body=UNREADABLE),  # a writer's draft
            _issue(2, ("postmortem",), "NONE", author="carol", body=UNREADABLE),  # an outsider's
            _issue(3, ("postmortem", "pm:approved"), "NONE", author="carol", body=UNREADABLE),
            _issue(4, ("postmortem", "pm:approved"), "NONE", author="carol", body=UNREADABLE),
            _issue(
                5, ("postmortem", "pm:approved"), "NONE", author="carol", body=UNREADABLE
            ).model_copy(
                update={"created_at": before}  # before the period: never listed, not asked
            ),
        ],
        # 3 approved by a writer, 4 by a reader.
        approvers={3: "maintainer", 4: "passer-by", 5: "maintainer"},
        writers={"maintainer", "alice"},
    )
    jira = Jira()
    assert _gathered(github, jira) == ["acme/payments#1", "acme/payments#3"]
    assert jira.asked == []  # no readable post-mortem: no Jira search
    # Each author's permission once, then who added the label and what they may do.
    assert github.reads == [
        "permission alice",
        "permission carol",
        "events #3",
        "permission maintainer",
        "events #4",
        "permission passer-by",
    ]


# --- a search GitHub refuses ----------------------------------------------------------------


@dataclass
class Refusing:
    """A GitHub whose search answers ``status``, and whose label lists answer per repository."""

    status: int
    labels_status: dict[str, int]

    def search_postmortems(self, query: str) -> tuple[IssueState, ...]:
        raise RemoteError("github", "GET", "/search/issues", self.status, "Validation Failed")

    def repo_labels(self, repo: str) -> set[str]:
        status = self.labels_status.get(repo, 200)
        if status != 200:
            raise RemoteError("github", "GET", f"/repos/{repo}/labels", status, "Not Found")
        return set()


def _find(github: Refusing) -> None:
    find_postmortems(github, ["acme/a", "acme/b", "acme/c"], "pm", SINCE)


def test_a_refused_search_names_the_repositories_the_token_cannot_read() -> None:
    github = Refusing(422, {"acme/b": 404, "acme/c": 403})
    with pytest.raises(UsageError, match=r"^GitHub cannot search acme/b, acme/c: no such repo"):
        _find(github)


@pytest.mark.parametrize(
    ("status", "labels_status", "expected"),
    [
        (422, {}, "GET /search/issues answered 422"),  # every repository readable: as it came
        (500, {"acme/b": 404}, "GET /search/issues answered 500"),  # not about repositories
        (422, {"acme/b": 500}, "GET /repos/acme/b/labels answered 500"),  # the check failed
    ],
)
def test_other_refusals_are_reported_as_github_gave_them(
    status: int, labels_status: dict[str, int], expected: str
) -> None:
    with pytest.raises(RemoteError, match=expected):
        _find(Refusing(status, labels_status))


# --- shipped evidence, as the status comments record it ---------------------------------------


def _done_ticket(number: int, key: str) -> TicketState:
    label = identity.postmortem_label("acme/payments", number)
    return f.ticket(key, status="Done", status_category="done", labels=("postmortem", label))


def _status_comment(*records: ShippedRecord) -> CommentState:
    return f.comment(f"{markers.STATUS}\n{markers.encode_snapshot(Snapshot(shipped=records))}")


def test_with_evidence_on_the_status_comments_of_postmortems_with_done_tickets_are_read() -> None:
    found = ShippedRecord(key="OPS-1")
    not_planned = _issue(6, FORM_LABELS, state="closed", state_reason="not_planned")
    github = GitHub(
        [*(_issue(n, FORM_LABELS) for n in (1, 2, 3, 4, 5)), not_planned],
        comments={1: (_status_comment(found),), 4: (f.comment("Thanks!"),)},
        refuse_comments={3},
    )
    open_ticket = _done_ticket(2, "OPS-2").model_copy(update={"status_category": "new"})
    wont_do = _done_ticket(5, "OPS-5").model_copy(update={"resolution": "Won't Do"})
    jira = Jira(
        tickets=(
            _done_ticket(1, "OPS-1"),
            open_ticket,
            *(_done_ticket(n, f"OPS-{n}") for n in (3, 4, 6)),
            wont_do,
        )
    )
    config = Config.model_validate({"followup": {"evidence": {"enabled": True}}})
    done = gather(github, jira, config, ["acme/payments"], OCTOBER, _parse)
    # #2 has no done ticket, #5 only a dropped one, #6 counts nowhere: nothing to read.
    assert github.reads == ["comments #1", "comments #3", "comments #4"]
    assert [entry.shipped for entry in done.inputs] == [(found,), None, None, (), None, None]
    refused, unrecorded = done.warnings
    # #3's read is refused: pending, with a warning.
    assert "acme/payments#3" in refused and "pending" in refused
    # #4 has no status comment of this identity (another token's report): said, with the fix.
    assert unrecorded.startswith("1 post-mortem(s) with done tickets have no status comment")
    assert "(acme/payments#4)" in unrecorded and "PMSYNC_BOT_LOGIN" in unrecorded
    # Off (the default), no comment is read at all.
    github.reads.clear()
    assert all(
        e.shipped is None
        for e in gather(github, jira, Config(), ["acme/payments"], OCTOBER, _parse).inputs
    )
    assert github.reads == []
