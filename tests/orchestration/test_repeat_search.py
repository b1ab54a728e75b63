"""Finding earlier post-mortems: the search queries, the adapter's search, and how few
requests a run makes for them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
import responses
from responses import matchers
from support import factories as f
from support.github_api import API, api_issue, make_adapter

from pmsync.config.schema import Config, GitHubConfig, LabelsConfig, RepeatsConfig
from pmsync.core.domain import identity, markers
from pmsync.core.domain.model import ParseResult
from pmsync.core.domain.state import CommentState, IssueState, TicketState
from pmsync.core.github_search import REPOS_PER_QUERY, SEARCH_RESULT_LIMIT
from pmsync.core.planning.repeat_comment import encode_backlinks
from pmsync.errors import ConfigError, RemoteError
from pmsync.orchestration.repeat_search import (
    MAX_LABELS_PER_QUALIFIER,
    RepeatFinder,
    search_queries,
)

REPOS = ["acme/payments", "acme/ledger"]


def config(rule: str = "service", repos: Sequence[str] = REPOS, **labels: str) -> Config:
    return Config(
        github=GitHubConfig(repositories=list(repos)),
        repeats=RepeatsConfig(rule=rule),
        labels=LabelsConfig(**labels),
    )


def target(number: int = f.NUMBER, repo: str = f.REPO, **pm: Any) -> tuple[IssueState, Any]:
    return f.issue(repo=repo, number=number), f.postmortem(**pm)


# --- the queries ----------------------------------------------------------------------------


def test_one_query_for_one_postmortem_and_its_repositories() -> None:
    assert search_queries([target()], REPOS, config()) == [
        'is:issue label:"postmortem" label:"service:payments-db" '
        "repo:acme/ledger repo:acme/payments created:>=2026-05-24"
    ]


def test_several_services_are_one_label_qualifier_meaning_any_of_them() -> None:
    (query,) = search_queries([target(services=("payments-db", "Ledger"))], REPOS, config())
    assert 'label:"service:payments-db","service:ledger" ' in query


@pytest.mark.parametrize(
    ("rule", "qualifiers"),
    [
        ("root-cause", 'label:"root-cause:capacity" '),
        ("service+root-cause", 'label:"service:payments-db" label:"root-cause:capacity" '),
    ],
)
def test_the_rule_decides_the_label_qualifiers(rule: str, qualifiers: str) -> None:
    (query,) = search_queries([target()], REPOS, config(rule))
    assert query.startswith(f'is:issue label:"postmortem" {qualifiers}repo:')


def test_a_whole_run_shares_one_query_per_repository_set() -> None:
    targets = [
        target(1, services=("payments-db",)),
        target(2, repo="acme/checkout", services=("checkout", "payments-db")),
        target(3, services=("ledger",), incident_start=f.INCIDENT - timedelta(days=10)),
    ]
    (query,) = search_queries(targets, REPOS, config())
    assert 'label:"service:payments-db","service:checkout","service:ledger" ' in query
    assert "repo:acme/checkout repo:acme/ledger repo:acme/payments " in query
    assert query.endswith("created:>=2026-05-14")  # the earliest incident's window


def test_many_repositories_are_split_into_sets() -> None:
    repos = [f"acme/service-{n:02}" for n in range(REPOS_PER_QUERY + 5)]
    queries = search_queries([target()], repos, config(repos=repos))
    assert len(queries) == 2
    assert sum(query.count("repo:") for query in queries) == len(repos) + 1  # and acme/payments


def test_in_repositories_whose_open_postmortems_are_listed_only_closed_ones_are_searched() -> None:
    queries = search_queries([target()], REPOS, config(), listed={"acme/payments"})
    assert queries == [
        'is:issue label:"postmortem" label:"service:payments-db" '
        "repo:acme/ledger created:>=2026-05-24",
        'is:issue label:"postmortem" label:"service:payments-db" '
        "is:closed repo:acme/payments created:>=2026-05-24",
    ]


def test_labels_that_do_not_fit_in_one_query_are_left_out_not_split() -> None:
    services = tuple(f"service-{n:03}" for n in range(MAX_LABELS_PER_QUALIFIER * 5))
    targets = [target(number, services=(name,)) for number, name in enumerate(services, 1)]
    (query,) = search_queries(targets, REPOS, config(), listed={"acme/ledger", "acme/payments"})
    assert query == (
        'is:issue label:"postmortem" is:closed repo:acme/ledger repo:acme/payments '
        "created:>=2026-05-24"
    )


def test_a_label_github_search_cannot_quote_is_a_config_error() -> None:
    # Loading the config refuses it already (tests/config/test_config.py); the search still checks.
    unchecked = LabelsConfig.model_construct(service_prefix='svc"')
    with pytest.raises(ConfigError, match="double quote"):
        search_queries([target()], REPOS, config().model_copy(update={"labels": unchecked}))


def test_no_targets_no_queries() -> None:
    assert search_queries([], REPOS, config()) == []


# --- the adapter's search -------------------------------------------------------------------


def test_search_is_one_request_per_hundred_results_with_the_repository_of_each() -> None:
    query = 'is:issue label:"postmortem" repo:Codertocat/Hello-World'
    items = [api_issue(number=n) for n in (3, 9)]
    with responses.RequestsMock() as mocked:
        mocked.get(
            f"{API}/search/issues",
            json={"total_count": 2, "incomplete_results": False, "items": items},
            match=[
                matchers.query_param_matcher(
                    {"q": query, "sort": "created", "order": "asc", "per_page": "100"}
                )
            ],
        )
        adapter, request_log = make_adapter()
        found = adapter.search_postmortems(query)
    assert [issue.ref for issue in found] == [
        "Codertocat/Hello-World#3",
        "Codertocat/Hello-World#9",
    ]
    assert request_log.count() == 1


# --- the finder ----------------------------------------------------------------------------------


class FakeGitHub:
    def __init__(self, found: Sequence[IssueState], comments: dict[str, tuple[CommentState, ...]]):
        self.found = found
        self.comments = comments
        self.searches: list[str] = []
        self.comment_reads: list[str] = []

    def search_postmortems(self, query: str) -> tuple[IssueState, ...]:
        self.searches.append(query)
        return tuple(self.found)

    def bot_comments(self, repo: str, number: int) -> tuple[CommentState, ...]:
        ref = f"{repo}#{number}"
        self.comment_reads.append(ref)
        return self.comments.get(ref, ())


class FakeJira:
    def __init__(self, tickets: Sequence[TicketState]) -> None:
        self.tickets = tickets
        self.queries: list[list[str]] = []

    def tickets_with_labels(self, labels: Sequence[str]) -> tuple[TicketState, ...]:
        self.queries.append(list(labels))
        return tuple(t for t in self.tickets if set(t.labels) & set(labels))


def candidate(
    number: int, days_before: int, services: str = "payments-db", *, labelled: bool = True
) -> IssueState:
    """An earlier post-mortem issue; its body names the services and how long ago it was.
    ``labelled``: it carries the service labels pmsync gives a post-mortem it took on."""
    service_labels = [f"service:{name}" for name in services.split(",")] if labelled else []
    return f.issue(
        repo="acme/ledger",
        number=number,
        body=f"{services}|{days_before}",
        created_at=f.INCIDENT - timedelta(days=days_before) + timedelta(hours=1),
        labels=("postmortem", *service_labels),
    )


def parse(issue: IssueState) -> ParseResult:
    """Bodies of the fake issues: ``services|days before the incident``, or unreadable."""
    if "|" not in issue.body:
        return f.parse_result(errors=(f.finding(),))
    services, days = issue.body.split("|")
    start = f.INCIDENT - timedelta(days=int(days))
    return f.parse_result(f.postmortem(services=tuple(services.split(",")), incident_start=start))


def ticket_of(issue: IssueState, key: str) -> TicketState:
    return f.ticket(key, labels=("postmortem", identity.postmortem_label(issue.repo, issue.number)))


def finder(github: FakeGitHub, jira: FakeJira, cfg: Config | None = None) -> RepeatFinder:
    return RepeatFinder(github, jira, cfg or config(), parse)


def test_a_run_searches_once_and_reads_the_related_tickets_in_one_query() -> None:
    related, old, elsewhere = candidate(1, 30), candidate(2, 300), candidate(3, 20, "ledger")
    unreadable = f.issue(repo="acme/ledger", number=4, body="no form here")
    github = FakeGitHub([related, old, elsewhere, unreadable], {})
    jira = FakeJira([ticket_of(related, "LED-1"), ticket_of(elsewhere, "LED-3")])
    run = finder(github, jira)
    first = (f.issue(number=50), f.parse_result(f.postmortem()))
    second = (f.issue(number=51), f.parse_result(f.postmortem(services=("ledger",))))
    run.prepare([first, second])
    assert len(github.searches) == 1
    assert jira.queries == [
        sorted(
            [
                identity.postmortem_label("acme/ledger", 1),
                identity.postmortem_label("acme/ledger", 3),
            ]
        )
    ]

    one = run.observe(*first, bot_comments=())
    two = run.observe(*second, bot_comments=())
    assert len(github.searches) == 1 and len(jira.queries) == 1  # nothing read again
    assert one is not None and two is not None
    assert [(c.issue.ref, [t.key for t in c.tickets]) for c in one.candidates] == [
        ("acme/ledger#1", ["LED-1"])
    ]
    assert [c.issue.ref for c in two.candidates] == ["acme/ledger#3"]


def test_listed_open_postmortems_are_candidates_without_a_search_for_them() -> None:
    listed, closed = candidate(1, 30), candidate(2, 60)
    listed = listed.model_copy(update={"labels": ("postmortem", "Service:Payments-DB")})
    unlabelled = candidate(3, 40, labelled=False)  # unapproved: pmsync never labelled it
    github = FakeGitHub([closed], {})
    run = finder(github, FakeJira([]))
    unreadable = f.issue(repo="acme/ledger", number=9, body="-")
    run.know_open(["acme/ledger", "acme/payments"], [listed, unlabelled, unreadable])
    found = run.observe(f.issue(), f.parse_result(), bot_comments=())
    assert found is not None
    assert sorted(c.issue.ref for c in found.candidates) == ["acme/ledger#1", "acme/ledger#2"]
    (query,) = github.searches
    assert "is:closed repo:acme/ledger repo:acme/payments " in query


def test_a_search_result_pmsync_never_labelled_is_no_candidate() -> None:
    # A search without label qualifiers (too many labels for one query) finds it too.
    github = FakeGitHub([candidate(1, 30, labelled=False), candidate(2, 60)], {})
    found = finder(github, FakeJira([])).observe(f.issue(), f.parse_result(), bot_comments=())
    assert found is not None
    assert [c.issue.ref for c in found.candidates] == ["acme/ledger#2"]


def test_a_search_that_reaches_githubs_result_limit_is_reported() -> None:
    found = [candidate(n, 30) for n in range(1, SEARCH_RESULT_LIMIT + 1)]
    run = finder(FakeGitHub(found, {}), FakeJira([]))
    run.prepare([(f.issue(), f.parse_result())])
    (warning,) = run.warnings
    assert f"at most {SEARCH_RESULT_LIMIT} post-mortems" in warning
    assert "repeats.lookback_days" in warning


def test_observe_alone_searches_for_its_postmortem() -> None:
    github = FakeGitHub([candidate(1, 30)], {})
    jira = FakeJira([])
    found = finder(github, jira).observe(f.issue(), f.parse_result(), bot_comments=())
    assert found is not None and len(found.candidates) == 1
    assert len(github.searches) == 1 and len(jira.queries) == 1


def test_nothing_related_means_no_jira_query() -> None:
    github = FakeGitHub([candidate(1, 400)], {})
    jira = FakeJira([])
    found = finder(github, jira).observe(f.issue(), f.parse_result(), bot_comments=())
    assert found is not None and found.candidates == ()
    assert jira.queries == []


def test_an_unreadable_postmortem_is_not_checked() -> None:
    github = FakeGitHub([candidate(1, 30)], {})
    run = finder(github, FakeJira([]))
    assert run.observe(f.issue(), f.parse_result(errors=(f.finding(),)), bot_comments=()) is None
    assert github.searches == []


def test_backlinks_are_read_only_while_the_repeat_comment_does_not_record_them() -> None:
    one, two, three = candidate(1, 30), candidate(2, 60), candidate(3, 90)
    ours = markers.backlink_marker(f"{f.REPO}#{f.NUMBER}")
    github = FakeGitHub(
        [one, two, three],
        {"acme/ledger#2": (f.comment(f"{ours}\nRecurred in …"),)},
    )
    record = f.comment(f"{markers.REPEAT}\n…\n{encode_backlinks(['acme/ledger#1'])}")
    found = finder(github, FakeJira([])).observe(
        f.issue(), f.parse_result(), bot_comments=(record,)
    )
    assert found is not None
    assert {c.issue.ref: c.backlinked for c in found.candidates} == {
        "acme/ledger#1": True,
        "acme/ledger#2": True,
        "acme/ledger#3": False,
    }
    assert github.comment_reads == ["acme/ledger#3", "acme/ledger#2"]  # oldest first; not #1


def test_only_the_linked_earlier_postmortems_have_their_comments_read() -> None:
    # Five earlier post-mortems a week apart; repeats.max_linked is 3: the two oldest get no
    # back-link, so an event never reads their comments, however many there are.
    earlier = [candidate(n, 7 * (6 - n)) for n in range(1, 6)]
    github = FakeGitHub(earlier, {})
    found = finder(github, FakeJira([])).observe(f.issue(), f.parse_result(), bot_comments=())
    assert found is not None and len(found.candidates) == 5
    assert sorted(github.comment_reads) == ["acme/ledger#3", "acme/ledger#4", "acme/ledger#5"]


class RefusingGitHub(FakeGitHub):
    def search_postmortems(self, query: str) -> tuple[IssueState, ...]:
        self.searches.append(query)
        raise RemoteError("github", "GET", "/search/issues", 422, "Validation Failed")

    def bot_comments(self, repo: str, number: int) -> tuple[CommentState, ...]:
        raise RemoteError("github", "GET", f"/repos/{repo}/issues/{number}/comments", 404, "gone")


def test_a_refused_search_skips_repeats_for_the_run_and_leaves_the_warning_to_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    github = RefusingGitHub([], {})
    run = finder(github, FakeJira([]))
    run.prepare([(f.issue(number=1), f.parse_result())])
    assert run.observe(f.issue(number=2), f.parse_result(), bot_comments=()) is None
    assert len(github.searches) == 1  # not asked again within the run
    assert run.warnings == [
        "repeat incidents not checked in this run: "
        "github GET /search/issues answered 422: Validation Failed"
    ]
    assert capsys.readouterr() == ("", "")  # the run reports it, where it reports the rest


def test_an_earlier_postmortem_whose_comments_are_gone_gets_no_backlink() -> None:
    github = RefusingGitHub([], {})
    github.search_postmortems = lambda query: (candidate(1, 30),)
    found = finder(github, FakeJira([])).observe(f.issue(), f.parse_result(), bot_comments=())
    assert found is not None
    assert [c.backlinked for c in found.candidates] == [True]
