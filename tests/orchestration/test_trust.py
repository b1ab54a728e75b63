"""Who may create tickets and run slash commands: the rules, their request cost, and the
whole story on the sandbox (an outsider's post-mortem, a member's approval, an outsider
trying to approve, an outsider's command)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import responses
from pydantic import SecretStr
from responses import matchers
from support import factories
from support.realdata import load_json
from support.sandbox_pmsync import BODY, NOW, REPO, Site, event_file, use_sandbox, write_config

from pmsync.adapters.github import GitHubAdapter
from pmsync.adapters.github_answers import classify
from pmsync.adapters.retry import Remote, RequestLog, RetryPolicy
from pmsync.config.schema import Config, TrustConfig
from pmsync.config.settings import GitHubTokenAuth
from pmsync.core.domain import markers
from pmsync.entry.cli import main
from pmsync.orchestration.trust import Trust
from pmsync_sandbox.runner import Sandbox

# -- the rules, with a fake GitHub that counts what it is asked ------------------------------


class FakeGitHub:
    def __init__(self, adder: str | None = None, permissions: dict[str, str] | None = None):
        self.adder = adder
        self.permissions = permissions or {}
        self.asked: list[str] = []

    def label_added_by(self, repo: str, number: int, label: str) -> str | None:
        self.asked.append(f"events {repo}#{number} {label}")
        return self.adder

    def permission(self, repo: str, login: str) -> str:
        self.asked.append(f"permission {login}")
        return self.permissions.get(login, "read")


AUTHOR = "carol"


def outsider_issue(*labels: str, number: int = factories.NUMBER) -> Any:
    return factories.issue(
        author=AUTHOR, author_association="NONE", labels=("postmortem", *labels), number=number
    )


ALLOWED = Config(trust=TrustConfig(author_associations=["OWNER", "MEMBER", "COLLABORATOR"]))


@pytest.mark.parametrize("association", ["OWNER", "MEMBER", "COLLABORATOR"])
def test_an_author_on_the_allow_list_costs_no_request(association: str) -> None:
    github = FakeGitHub()
    issue = factories.issue(author_association=association, labels=("postmortem",))
    assert Trust(github, ALLOWED).trusted(issue)
    assert github.asked == []


@pytest.mark.parametrize(
    ("association", "permission", "trusted"),
    [
        ("CONTRIBUTOR", "write", True),  # a member whose membership is private
        ("NONE", "maintain", True),
        ("MEMBER", "read", False),  # a member with read access only
        ("COLLABORATOR", "read", False),
        ("NONE", "triage", False),
    ],
)
def test_by_default_the_authors_permission_decides(
    association: str, permission: str, trusted: bool
) -> None:
    github = FakeGitHub(permissions={AUTHOR: permission})
    issue = factories.issue(author=AUTHOR, author_association=association, labels=("postmortem",))
    assert Trust(github, Config()).trusted(issue) is trusted
    assert github.asked == [f"permission {AUTHOR}"]


@pytest.mark.parametrize("association", ["NONE", "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR"])
def test_an_outsider_without_the_label_costs_one_permission_read(association: str) -> None:
    github = FakeGitHub(adder="alice", permissions={"alice": "admin"})
    issue = factories.issue(author=AUTHOR, author_association=association, labels=("postmortem",))
    assert not Trust(github, Config()).trusted(issue)
    assert github.asked == [f"permission {AUTHOR}"]


@pytest.mark.parametrize(
    ("permission", "trusted"),
    [("admin", True), ("maintain", True), ("write", True), ("triage", False), ("read", False)],
)
def test_the_label_counts_when_its_adder_may_write(permission: str, trusted: bool) -> None:
    github = FakeGitHub(adder="dana", permissions={"dana": permission})
    assert Trust(github, Config()).trusted(outsider_issue("pm:approved")) is trusted
    assert github.asked == [
        f"permission {AUTHOR}",
        f"events {factories.REPO}#{factories.NUMBER} pm:approved",
        "permission dana",
    ]


def test_a_label_no_event_explains_is_not_an_approval() -> None:
    github = FakeGitHub(adder=None)
    assert not Trust(github, Config()).trusted(outsider_issue("pm:approved"))
    assert github.asked == [
        f"permission {AUTHOR}",
        f"events {factories.REPO}#{factories.NUMBER} pm:approved",
    ]


def test_label_names_match_in_any_case_and_the_configured_label_counts() -> None:
    config = Config.model_validate({"labels": {"approved": "Triage:OK"}})
    github = FakeGitHub(adder="alice", permissions={"alice": "write"})
    assert Trust(github, config).trusted(outsider_issue("triage:ok"))
    assert not Trust(FakeGitHub(), config).trusted(outsider_issue("pm:approved"))


def test_the_configured_associations_decide_who_is_trusted_by_association() -> None:
    config = Config(trust=TrustConfig(author_associations=["OWNER", "CONTRIBUTOR"]))
    member = factories.issue(author_association="MEMBER", labels=("postmortem",))
    assert not Trust(FakeGitHub(), config).trusted(member)
    contributor = factories.issue(author_association="CONTRIBUTOR", labels=("postmortem",))
    github = FakeGitHub()
    assert Trust(github, config).trusted(contributor) and github.asked == []


def test_decisions_and_permissions_are_asked_once_per_run() -> None:
    github = FakeGitHub(adder="alice", permissions={"alice": "admin"})
    trust = Trust(github, Config())
    first, second = outsider_issue("pm:approved"), outsider_issue("pm:approved", number=7)
    assert trust.trusted(first) and trust.trusted(first) and trust.trusted(second)
    assert github.asked == [
        f"permission {AUTHOR}",
        f"events {factories.REPO}#{factories.NUMBER} pm:approved",
        "permission alice",
        f"events {factories.REPO}#7 pm:approved",
    ]
    assert trust.may_write(factories.REPO.upper(), "ALICE")
    assert len(github.asked) == 4


# -- the story on the sandbox -----------------------------------------------------------------


@pytest.fixture
def site(sandbox: Sandbox) -> Site:
    site = Site(sandbox)
    site.person("carol", "NONE")
    return site


def reads(site: Site, suffix: str) -> int:
    return sum(1 for r in site.sandbox.requests("github") if r["path"].endswith(suffix))


def test_an_outsiders_post_mortem_gets_one_polite_comment_and_nothing_in_jira(site: Site) -> None:
    number = site.open("carol")
    site.sandbox.clear_requests()
    assert site.run().finish() == 0
    assert site.writes("jira") == []
    assert site.tickets() == {}
    approval = site.bot_comments(number, markers.APPROVAL)
    assert len(site.comments(number)) == len(approval) == 1
    assert "A maintainer can approve this one by adding the label `pm:approved`" in approval[0]
    assert "Nothing has been sent to Jira yet." in approval[0]
    assert site.bot_comments(number, markers.STATUS) == []
    # No label from the body (service:, sev:, root-cause:) either: only what the form added.
    assert site.labels(number) == ["postmortem"]
    # No approved label: trust asked GitHub the author's permission, and nothing else.
    assert reads(site, "/events") == 0
    assert reads(site, "/permission") == reads(site, "/collaborators/carol/permission") == 1

    site.sandbox.clear_requests()
    site.run()
    assert site.writes("github") == [] and site.writes("jira") == []
    assert len(site.bot_comments(number, markers.APPROVAL)) == 1


def test_a_members_approval_creates_the_tickets(site: Site) -> None:
    number = site.open("carol")
    site.run()
    site.as_("bob").get_repo(REPO).get_issue(number).add_to_labels("pm:approved")
    site.sandbox.clear_requests()
    assert site.run().finish() == 0
    assert len(site.tickets(number)) == 4
    assert len(site.bot_comments(number, markers.STATUS)) == 1
    approval = site.bot_comments(number, markers.APPROVAL)
    assert len(approval) == 1 and "A maintainer approved this post-mortem" in approval[0]
    # Who added the label: one events read and one permission read, for the whole run.
    assert reads(site, f"/issues/{number}/events") == 1
    assert reads(site, "/collaborators/bob/permission") == 1


VAGUE = BODY.replace(
    "| Make the pool size a runtime setting that needs no restart |", "| Improve monitoring |"
)


def test_suggestions_for_an_outsider_wait_for_the_approval(site: Site) -> None:
    """A valid body with practice warnings: the outsider still gets one comment, and the
    suggestions (which say tickets are being created) come with the approval."""
    number = site.open("carol", VAGUE)
    site.run()
    assert len(site.comments(number)) == 1
    assert len(site.bot_comments(number, markers.APPROVAL)) == 1
    site.as_("bob").get_repo(REPO).get_issue(number).add_to_labels("pm:approved")
    site.run()
    feedback = site.bot_comments(number, markers.FEEDBACK)
    assert len(feedback) == 1 and "vague" in feedback[0]
    assert len(site.tickets(number)) == 4


def test_a_fixed_outsider_post_mortem_says_it_waits_for_approval(site: Site) -> None:
    broken = BODY.replace("| P1 | @bob | 2026-11-27 |", "| P9 | @bob | 2026-11-27 |")
    number = site.open("carol", broken)
    site.run()
    assert "needs a fix" in site.bot_comments(number, markers.FEEDBACK)[0]
    assert site.bot_comments(number, markers.APPROVAL) == []
    site.as_("carol").get_repo(REPO).get_issue(number).edit(body=BODY)
    site.run()
    fixed = site.bot_comments(number, markers.FEEDBACK)[0]
    assert "pmsync creates its Jira tickets once a maintainer approves it" in fixed
    assert "is creating its Jira tickets" not in fixed
    assert len(site.bot_comments(number, markers.APPROVAL)) == 1
    assert site.tickets() == {}
    site.as_("bob").get_repo(REPO).get_issue(number).add_to_labels("pm:approved")
    site.run()
    # The same run made the tickets, so the comment speaks of them as made.
    fixed = site.bot_comments(number, markers.FEEDBACK)[0]
    assert "its 4 Jira tickets follow it; their status is in pmsync's status comment" in fixed
    assert len(site.tickets(number)) == 4


def with_row(body: str, row: str) -> str:
    """``body`` with one more action item after the table's last row."""
    lines = body.split("\n")
    last = max(i for i, line in enumerate(lines) if line.startswith("| Add database connections"))
    return "\n".join([*lines[: last + 1], row, *lines[last + 1 :]])


def test_an_approval_covers_the_authors_later_edits_until_the_label_goes(site: Site) -> None:
    """docs/adr/0004-approval-and-later-edits.md: an approval is of the author, not of one
    version of the table; a maintainer withdraws it by removing the label."""
    number = site.open("carol")
    as_bob = site.as_("bob").get_repo(REPO).get_issue(number)
    as_carol = site.as_("carol").get_repo(REPO).get_issue(number)
    as_bob.add_to_labels("pm:approved")
    site.run()
    assert len(site.tickets(number)) == 4

    body = site.issue_state(number)["body"]
    as_carol.edit(body=with_row(body, "| Review pool sizes | Process | P3 | @bob | 3w | |"))
    site.run()
    assert len(site.tickets(number)) == 5  # added after the approval, and covered by it

    as_bob.remove_from_labels("pm:approved")
    body = site.issue_state(number)["body"]
    as_carol.edit(body=with_row(body, "| Page the whole company | Detect | P0 | @bob | 1w | |"))
    site.sandbox.clear_requests()
    site.run()
    assert site.writes("jira") == []
    assert len(site.tickets(number)) == 5
    (approval,) = site.bot_comments(number, markers.APPROVAL)
    assert "### Approval withdrawn" in approval and "The 5 tickets created" in approval
    assert "Nothing has been sent to Jira" not in approval


def test_an_outsider_cannot_approve_their_own_post_mortem(site: Site) -> None:
    number = site.open("carol")
    issue = site.as_("carol").get_repo(REPO).get_issue(number)
    # GitHub refuses the label endpoints to people without write access ...
    with pytest.raises(Exception, match="403"):
        issue.add_to_labels("pm:approved")
    # ... and silently drops labels they send with an edit of their own issue.
    issue.edit(labels=["postmortem", "pm:approved"])
    assert "pm:approved" not in site.labels(number)
    site.run()
    assert site.tickets() == {}
    assert len(site.bot_comments(number, markers.APPROVAL)) == 1


def test_the_label_added_by_someone_without_write_access_is_no_approval(site: Site) -> None:
    """A triager may add labels, and an issue form may carry the label: the label is then
    on the issue, but the person who added it may not approve."""
    number = site.open("carol")
    site.as_("alice").get_repo(REPO).create_label("pm:approved", "0e8a16")
    state = site.sandbox.state()
    repo = state["github"]["repos"][REPO]
    repo["issues"][str(number)]["labels"].append("pm:approved")
    repo["events"].append(
        {
            "id": state["github"]["next_id"],
            "issue_number": number,
            "actor": "carol",
            "event": "labeled",
            "created_at": "2026-12-01T09:00:00Z",
            "label": {"name": "pm:approved", "color": "ededed"},
        }
    )
    state["github"]["next_id"] += 1
    site.sandbox.restore(state)
    site.sandbox.clear_requests()
    site.run()
    assert site.tickets() == {}
    assert site.writes("jira") == []
    assert len(site.bot_comments(number, markers.APPROVAL)) == 1
    assert reads(site, "/collaborators/carol/permission") == 1

    # A member removes it and adds it again: now it is an approval.
    member_issue = site.as_("bob").get_repo(REPO).get_issue(number)
    member_issue.remove_from_labels("pm:approved")
    member_issue.add_to_labels("pm:approved")
    site.run()
    assert len(site.tickets(number)) == 4


# -- slash commands ----------------------------------------------------------------------------


def command_event(tmp_path: Path, number: int, login: str, association: str) -> Path:
    comment = {"body": "/pmsync sync", "author_association": association, "user": {"login": login}}
    return event_file(tmp_path, "issue_comment/created", number, comment=comment)


@pytest.fixture
def cli_env(site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    use_sandbox(site.sandbox, monkeypatch)
    return write_config(tmp_path)


def handle(config: Path, event: Path) -> int:
    args = ["handle-event", "--config", str(config), "--now", NOW.isoformat()]
    return main([*args, "--event-name", "issue_comment", "--event-path", str(event)])


@pytest.mark.parametrize("association", ["NONE", "MEMBER"])
def test_an_outsiders_command_is_refused_with_a_reply(
    site: Site, cli_env: Path, tmp_path: Path, association: str
) -> None:
    """Whatever the payload's association says, GitHub's permission decides; a refusal
    runs nothing and says why on the issue."""
    number = site.open("carol")
    site.sandbox.clear_requests()
    assert handle(cli_env, command_event(tmp_path, number, "carol", association)) == 0
    requests = [(r["method"], r["path"]) for r in site.sandbox.requests()]
    assert requests == [
        ("GET", f"/repos/{REPO}/collaborators/carol/permission"),
        ("GET", f"/repos/{REPO}/issues/{number}"),
        ("GET", "/user"),
        ("GET", f"/repos/{REPO}/issues/{number}/comments"),
        ("POST", f"/repos/{REPO}/issues/{number}/comments"),
    ]
    assert site.writes("jira") == [] and site.tickets() == {}
    (reply,) = site.comments(number)
    assert "`/pmsync sync` was not run" in reply["body"]
    assert "write access" in reply["body"] and "read access" in reply["body"]


def test_a_writers_command_is_obeyed(site: Site, cli_env: Path, tmp_path: Path) -> None:
    number = site.open("alice")
    site.sandbox.clear_requests()
    assert handle(cli_env, command_event(tmp_path, number, "bob", "MEMBER")) == 0
    assert len(site.tickets(number)) == 4
    assert reads(site, "/collaborators/bob/permission") == 1


# -- the two reads, pinned with GitHub's own example answers ---------------------------------

API = "https://ghe.acme.example:443/api/v3"  # PyGithub always names the port
_EXAMPLES = load_json("openapi/github-rest-api.cut.json")["components"]["examples"]


def _event(event_id: int, kind: str, actor: str, label: str | None = None) -> dict[str, Any]:
    raw: dict[str, Any] = copy.deepcopy(_EXAMPLES["issue-event-for-issue-items"]["value"][0])
    raw.update(id=event_id, event=kind, commit_id=None, commit_url=None)
    raw["actor"]["login"] = actor
    if label is not None:
        raw["label"] = {"name": label, "color": "0e8a16"}
    return raw


def _adapter() -> tuple[GitHubAdapter, RequestLog]:
    request_log = RequestLog()
    remote = Remote("github", classify, policy=RetryPolicy(max_attempts=1), log=request_log)
    auth = GitHubTokenAuth(api_url=API, token=SecretStr("ghp_trust_test_token"))
    return GitHubAdapter.connect(auth, remote=remote, throttle=False), request_log


def test_the_newest_labeled_event_names_who_added_the_label() -> None:
    """Events come oldest first, 100 a page: every page is read, and the last `labeled`
    event for the label wins (an approval removed and added again by someone else)."""
    events_url = f"{API}/repos/{REPO}/issues/5/events"
    first = [
        _event(1, "labeled", "bob", "PM:Approved"),
        _event(2, "unlabeled", "bob", "pm:approved"),
    ]
    first += [_event(n, "closed", "bob") for n in range(3, 101)]
    second = [
        _event(101, "labeled", "carol", "sev:1"),
        _event(102, "labeled", "dana", "pm:approved"),
    ]
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mocked:
        page_2 = f"{events_url}?per_page=100&page=2"
        mocked.get(
            events_url,
            json=first,
            headers={"Link": f'<{page_2}>; rel="next", <{page_2}>; rel="last"'},
            match=[matchers.query_param_matcher({"per_page": "100"})],
        )
        mocked.get(
            events_url,
            json=second,
            match=[matchers.query_param_matcher({"per_page": "100", "page": "2"})],
        )
        adapter, request_log = _adapter()
        assert adapter.label_added_by(REPO, 5, "pm:approved") == "dana"
    # Two pages, two requests: no event was completed with a request of its own.
    assert request_log.count() == 2


def test_permission_reads_githubs_answer_and_an_unknown_login_has_none() -> None:
    base = f"{API}/repos/{REPO}/collaborators"
    answer = _EXAMPLES["repository-collaborator-permission-response-if-user-has-admin-permissions"]
    not_found = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mocked:
        mocked.get(f"{base}/octocat/permission", json=answer["value"])
        mocked.get(f"{base}/ghost/permission", json=not_found, status=404)
        adapter, request_log = _adapter()
        assert adapter.permission(REPO, "octocat") == "admin"
        assert adapter.permission(REPO, "ghost") == "none"
    assert request_log.count() == 2


# -- private and read-only members (GitHub shows neither as what they may do) -----------------


def test_a_private_members_post_mortem_needs_no_approval_and_a_read_members_waits(
    site: Site,
) -> None:
    site.person("pat", "PRIVATE_MEMBER")
    site.person("rita", "READ_MEMBER")
    private, read_only = site.open("pat"), site.open("rita")
    assert site.issue_state(private)["user"] == "pat"
    assert site.run().finish() == 0
    assert len(site.tickets(private)) == 4
    assert site.bot_comments(private, markers.APPROVAL) == []
    assert site.tickets(read_only) == {}
    assert len(site.bot_comments(read_only, markers.APPROVAL)) == 1


def test_the_sandbox_shows_a_private_member_as_a_contributor_who_may_write(site: Site) -> None:
    site.person("pat", "PRIVATE_MEMBER")
    site.person("rita", "READ_MEMBER")
    number = site.open("pat")
    repo = site.as_("alice").get_repo(REPO)
    assert repo.get_issue(number).raw_data["author_association"] == "CONTRIBUTOR"
    assert repo.get_collaborator_permission("pat") == "write"
    assert repo.get_collaborator_permission("rita") == "read"
    rita = repo.get_issue(site.open("rita"))
    assert rita.raw_data["author_association"] == "MEMBER"


def test_a_private_members_command_runs(site: Site, cli_env: Path, tmp_path: Path) -> None:
    site.person("pat", "PRIVATE_MEMBER")
    number = site.open("carol")
    site.as_("bob").get_repo(REPO).get_issue(number).add_to_labels("pm:approved")
    assert handle(cli_env, command_event(tmp_path, number, "pat", "CONTRIBUTOR")) == 0
    assert len(site.tickets(number)) == 4
    assert not any("was not run" in c["body"] for c in site.comments(number))


def test_an_unknown_command_is_answered_with_the_commands(
    site: Site, cli_env: Path, tmp_path: Path
) -> None:
    number = site.open("alice")
    comment = {"body": "/pmsync resync", "author_association": "OWNER", "user": {"login": "bob"}}
    event = event_file(tmp_path, "issue_comment/created", number, comment=comment)
    assert handle(cli_env, event) == 0
    assert site.writes("jira") == []
    (reply,) = site.comments(number)
    assert "pmsync does not know `/pmsync resync`" in reply["body"]
    assert "`/pmsync sync`" in reply["body"] and "`/pmsync plan`" in reply["body"]
    # The same event again (a re-run job) answers once.
    assert handle(cli_env, event) == 0
    assert len(site.comments(number)) == 1
