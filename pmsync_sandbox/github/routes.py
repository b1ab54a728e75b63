"""The GitHub emulator's route table: GitHub's paths, the handler of each family of
endpoints that answers them, and the documentation page an error names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pmsync_sandbox.github.account_endpoints import AccountEndpoints
from pmsync_sandbox.github.calls import DOCS, Endpoint, Handler
from pmsync_sandbox.github.comment_endpoints import CommentEndpoints
from pmsync_sandbox.github.commit_search import CommitSearchEndpoint
from pmsync_sandbox.github.dispatch_endpoint import DispatchEndpoint
from pmsync_sandbox.github.issue_endpoints import IssueEndpoints
from pmsync_sandbox.github.label_endpoints import LabelEndpoints
from pmsync_sandbox.github.ratelimit import RateLimits
from pmsync_sandbox.github.reaction_endpoints import ReactionEndpoints
from pmsync_sandbox.github.shapes import JSON
from pmsync_sandbox.github.store import GithubStore
from pmsync_sandbox.router import Router


def github_routes(
    store: GithubStore,
    limits: RateLimits,
    clock: Callable[[], datetime],
    events: list[JSON],
) -> Router[Endpoint]:
    # Each family of endpoints works on the same store; the table keeps GitHub's paths
    # in one place, in the order they are tried (the first that fits wins).
    accounts = AccountEndpoints(store, limits, clock)
    issues = IssueEndpoints(store)
    comments = CommentEndpoints(store)
    reactions = ReactionEndpoints(store)
    labels = LabelEndpoints(store)
    search = CommitSearchEndpoint(store)  # issues and commits
    dispatches = DispatchEndpoint(store, events)
    repo = "/repos/{owner}/{repo}"
    issues_doc = f"{DOCS}/issues/issues"
    comments_doc = f"{DOCS}/issues/comments"
    labels_doc = f"{DOCS}/issues/labels"
    table: list[tuple[str, str, Handler, str]] = [
        ("GET", "/rate_limit", accounts.get_rate_limit, f"{DOCS}/rate-limit/rate-limit"),
        ("GET", "/user", accounts.get_viewer, f"{DOCS}/users/users#get-the-authenticated-user"),
        ("GET", "/users/{login}", accounts.get_user, f"{DOCS}/users/users#get-a-user"),
        ("GET", repo, accounts.get_repo, f"{DOCS}/repos/repos#get-a-repository"),
        ("GET", "/repositories/{id}", accounts.get_repo_by_id, f"{DOCS}/repos/repos"),
        ("GET", f"{repo}/issues", issues.list_issues, f"{issues_doc}#list-repository-issues"),
        ("POST", f"{repo}/issues", issues.create_issue, f"{issues_doc}#create-an-issue"),
        (
            "GET",
            f"{repo}/issues/comments",
            comments.list_repo_comments,
            f"{comments_doc}#list-issue-comments-for-a-repository",
        ),
        (
            "GET",
            f"{repo}/issues/comments/{{id}}",
            comments.get_comment,
            f"{comments_doc}#get-an-issue-comment",
        ),
        (
            "PATCH",
            f"{repo}/issues/comments/{{id}}",
            comments.edit_comment,
            f"{comments_doc}#update-an-issue-comment",
        ),
        (
            "DELETE",
            f"{repo}/issues/comments/{{id}}",
            comments.delete_comment,
            f"{comments_doc}#delete-an-issue-comment",
        ),
        (
            "GET",
            f"{repo}/issues/comments/{{id}}/reactions",
            reactions.list_comment_reactions,
            f"{DOCS}/reactions/reactions#list-reactions-for-an-issue-comment",
        ),
        (
            "POST",
            f"{repo}/issues/comments/{{id}}/reactions",
            reactions.create_comment_reaction,
            f"{DOCS}/reactions/reactions#create-reaction-for-an-issue-comment",
        ),
        (
            "GET",
            f"{repo}/issues/events/{{id}}",
            issues.get_issue_event,
            f"{DOCS}/issues/events#get-an-issue-event",
        ),
        ("GET", f"{repo}/issues/{{number}}", issues.get_issue, f"{issues_doc}#get-an-issue"),
        (
            "PATCH",
            f"{repo}/issues/{{number}}",
            issues.edit_issue,
            f"{issues_doc}#update-an-issue",
        ),
        (
            "GET",
            f"{repo}/issues/{{number}}/comments",
            comments.list_issue_comments,
            f"{comments_doc}#list-issue-comments",
        ),
        (
            "POST",
            f"{repo}/issues/{{number}}/comments",
            comments.create_comment,
            f"{comments_doc}#create-an-issue-comment",
        ),
        (
            "GET",
            f"{repo}/issues/{{number}}/labels",
            labels.list_issue_labels,
            f"{labels_doc}#list-labels-for-an-issue",
        ),
        (
            "POST",
            f"{repo}/issues/{{number}}/labels",
            labels.add_issue_labels,
            f"{labels_doc}#add-labels-to-an-issue",
        ),
        (
            "PUT",
            f"{repo}/issues/{{number}}/labels",
            labels.set_issue_labels,
            f"{labels_doc}#set-labels-for-an-issue",
        ),
        (
            "DELETE",
            f"{repo}/issues/{{number}}/labels",
            labels.clear_issue_labels,
            f"{labels_doc}#remove-all-labels-from-an-issue",
        ),
        (
            "DELETE",
            f"{repo}/issues/{{number}}/labels/{{name}}",
            labels.remove_issue_label,
            f"{labels_doc}#remove-a-label-from-an-issue",
        ),
        (
            "GET",
            f"{repo}/issues/{{number}}/events",
            issues.list_issue_events,
            f"{DOCS}/issues/events#list-issue-events",
        ),
        (
            "GET",
            f"{repo}/labels",
            labels.list_labels,
            f"{labels_doc}#list-labels-for-a-repository",
        ),
        ("POST", f"{repo}/labels", labels.create_label, f"{labels_doc}#create-a-label"),
        ("GET", f"{repo}/labels/{{name}}", labels.get_label, f"{labels_doc}#get-a-label"),
        ("PATCH", f"{repo}/labels/{{name}}", labels.edit_label, f"{labels_doc}#update-a-label"),
        (
            "DELETE",
            f"{repo}/labels/{{name}}",
            labels.delete_label,
            f"{labels_doc}#delete-a-label",
        ),
        (
            "GET",
            f"{repo}/collaborators/{{login}}/permission",
            accounts.get_permission,
            f"{DOCS}/collaborators/collaborators#get-repository-permissions-for-a-user",
        ),
        (
            "POST",
            f"{repo}/dispatches",
            dispatches.create_dispatch,
            f"{DOCS}/repos/repos#create-a-repository-dispatch-event",
        ),
        (
            "GET",
            "/search/issues",
            search.search_issues,
            f"{DOCS}/search/search#search-issues-and-pull-requests",
        ),
        (
            "GET",
            "/search/commits",
            search.search_commits,
            f"{DOCS}/search/search#search-commits",
        ),
    ]
    router: Router[Endpoint] = Router()
    for method, pattern, handler, doc in table:
        router.add(method, pattern, Endpoint(handler, doc))
    return router
