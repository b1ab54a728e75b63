"""The GitHub REST representations of the store's objects, field for field as
api.github.com sends them (checked against real payloads and GitHub's OpenAPI description
in tests/sandbox/test_sandbox_fidelity_github.py).

URLs point back at the sandbox: ``api`` is the API root (``http://127.0.0.1:8123/github``)
and ``web`` the site root that ``html_url`` links use (``http://127.0.0.1:8123``), the way
GitHub Enterprise serves ``https://host/api/v3`` beside ``https://host/``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from pmsync_sandbox.github.store import (
    Account,
    Comment,
    GithubStore,
    Issue,
    IssueEvent,
    Label,
    Repository,
)

SEED_OWNER = "alice"  # who owns the Apps the sandbox installs

JSON = dict[str, Any]

# What each permission (the permission endpoint's name) allows, as GitHub spells it out.
PERMISSIONS = {
    "admin": {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True},
    "write": {"admin": False, "maintain": False, "push": True, "triage": True, "pull": True},
    "read": {"admin": False, "maintain": False, "push": False, "triage": False, "pull": True},
}


def node_id(prefix: str, number: int) -> str:
    """Opaque global ids in GitHub's newer style (``I_kwDO...``)."""
    encoded = base64.urlsafe_b64encode(number.to_bytes(8, "big")).decode().rstrip("=")
    return f"{prefix}_kwDO{encoded}"


REACTION_KINDS = ("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes")


def empty_reactions(url: str) -> JSON:
    return reaction_rollup(url, [])


def reaction_rollup(url: str, reactions: list[JSON]) -> JSON:
    """The ``reactions`` summary GitHub embeds in an issue or comment: a count per kind."""
    counts = {kind: sum(1 for r in reactions if r["content"] == kind) for kind in REACTION_KINDS}
    return {"url": url, "total_count": len(reactions), **counts}


@dataclass(frozen=True)
class Renderer:
    store: GithubStore
    api: str
    web: str

    # --- accounts ---------------------------------------------------------------------

    def user(self, login: str) -> JSON:
        account = self.store.account(login)
        if account is None:  # a login that was deleted or never added: GitHub's "ghost"
            account = Account(10137, "ghost", "User", None, None, None, "2008-05-13T06:14:25Z")
        return self._simple_user(account)

    def _simple_user(self, account: Account) -> JSON:
        base = f"{self.api}/users/{account.login}"
        return {
            "login": account.login,
            "id": account.id,
            "node_id": node_id("U" if account.type == "User" else "O", account.id),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{account.id}?v=4",
            "gravatar_id": "",
            "url": base,
            "html_url": f"{self.web}/{account.login}",
            "followers_url": f"{base}/followers",
            "following_url": f"{base}/following{{/other_user}}",
            "gists_url": f"{base}/gists{{/gist_id}}",
            "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{base}/subscriptions",
            "organizations_url": f"{base}/orgs",
            "repos_url": f"{base}/repos",
            "events_url": f"{base}/events{{/privacy}}",
            "received_events_url": f"{base}/received_events",
            "type": account.type,
            "user_view_type": "public",
            "site_admin": False,
        }

    def app_of(self, login: str) -> JSON | None:
        """``performed_via_github_app`` for what ``login`` did: the App (GitHub's
        ``integration`` schema) when an installation token did it, else None."""
        account = self.store.account(login)
        if account is None or account.app is None:
            return None
        slug = account.app
        owner = self.store.account(SEED_OWNER) or account
        return {
            "id": account.id,
            "slug": slug,
            "node_id": node_id("A", account.id),
            "client_id": f"Iv1.{account.id:016x}",
            "owner": self._simple_user(owner),
            "name": slug,
            "description": None,
            "external_url": f"{self.web}/apps/{slug}",
            "html_url": f"{self.web}/apps/{slug}",
            "created_at": account.created_at,
            "updated_at": account.created_at,
            "permissions": {"issues": "write", "metadata": "read"},
            "events": ["issues", "issue_comment"],
        }

    def public_user(self, account: Account) -> JSON:
        owned = [r for r in self.store.repos.values() if r.owner.lower() == account.login.lower()]
        return {
            **self._simple_user(account),
            "name": account.name,
            "company": None,
            "blog": "",
            "location": None,
            "email": account.email,
            "hireable": None,
            "bio": None,
            "twitter_username": None,
            "public_repos": len(owned),
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "created_at": account.created_at,
            "updated_at": account.created_at,
        }

    def private_user(self, account: Account) -> JSON:
        return {
            **self.public_user(account),
            "notification_email": account.email,
            "private_gists": 0,
            "total_private_repos": 0,
            "owned_private_repos": 0,
            "disk_usage": 0,
            "collaborators": 0,
            "two_factor_authentication": True,
            "plan": {
                "name": "free",
                "space": 976562499,
                "collaborators": 0,
                "private_repos": 10000,
            },
        }

    # --- repositories -----------------------------------------------------------------

    def repository(self, repo: Repository, viewer: str) -> JSON:
        base = f"{self.api}/repos/{repo.full_name}"
        web = f"{self.web}/{repo.full_name}"
        open_issues = sum(1 for issue in repo.issues.values() if issue.state == "open")
        owner = self.user(repo.owner)
        urls = {
            "forks_url": f"{base}/forks",
            "keys_url": f"{base}/keys{{/key_id}}",
            "collaborators_url": f"{base}/collaborators{{/collaborator}}",
            "teams_url": f"{base}/teams",
            "hooks_url": f"{base}/hooks",
            "issue_events_url": f"{base}/issues/events{{/number}}",
            "events_url": f"{base}/events",
            "assignees_url": f"{base}/assignees{{/user}}",
            "branches_url": f"{base}/branches{{/branch}}",
            "tags_url": f"{base}/tags",
            "blobs_url": f"{base}/git/blobs{{/sha}}",
            "git_tags_url": f"{base}/git/tags{{/sha}}",
            "git_refs_url": f"{base}/git/refs{{/sha}}",
            "trees_url": f"{base}/git/trees{{/sha}}",
            "statuses_url": f"{base}/statuses/{{sha}}",
            "languages_url": f"{base}/languages",
            "stargazers_url": f"{base}/stargazers",
            "contributors_url": f"{base}/contributors",
            "subscribers_url": f"{base}/subscribers",
            "subscription_url": f"{base}/subscription",
            "commits_url": f"{base}/commits{{/sha}}",
            "git_commits_url": f"{base}/git/commits{{/sha}}",
            "comments_url": f"{base}/comments{{/number}}",
            "issue_comment_url": f"{base}/issues/comments{{/number}}",
            "contents_url": f"{base}/contents/{{+path}}",
            "compare_url": f"{base}/compare/{{base}}...{{head}}",
            "merges_url": f"{base}/merges",
            "archive_url": f"{base}/{{archive_format}}{{/ref}}",
            "downloads_url": f"{base}/downloads",
            "issues_url": f"{base}/issues{{/number}}",
            "pulls_url": f"{base}/pulls{{/number}}",
            "milestones_url": f"{base}/milestones{{/number}}",
            "notifications_url": f"{base}/notifications{{?since,all,participating}}",
            "labels_url": f"{base}/labels{{/name}}",
            "releases_url": f"{base}/releases{{/id}}",
            "deployments_url": f"{base}/deployments",
        }
        data: JSON = {
            "id": repo.id,
            "node_id": node_id("R", repo.id),
            "name": repo.name,
            "full_name": repo.full_name,
            "private": False,
            "owner": owner,
            "html_url": web,
            "description": None,
            "fork": False,
            "url": base,
            **urls,
            "created_at": repo.created_at,
            "updated_at": repo.updated_at,
            "pushed_at": repo.created_at,
            "git_url": f"git://{self.web.split('://', 1)[-1]}/{repo.full_name}.git",
            "ssh_url": f"git@{self.web.split('://', 1)[-1]}:{repo.full_name}.git",
            "clone_url": f"{web}.git",
            "svn_url": web,
            "homepage": None,
            "size": 0,
            "stargazers_count": 0,
            "watchers_count": 0,
            "language": None,
            "has_issues": True,
            "has_projects": True,
            "has_downloads": True,
            "has_wiki": True,
            "has_pages": False,
            "has_discussions": False,
            "forks_count": 0,
            "mirror_url": None,
            "archived": False,
            "disabled": False,
            "open_issues_count": open_issues,
            "license": None,
            "allow_forking": True,
            "allow_rebase_merge": True,
            "allow_squash_merge": True,
            "allow_auto_merge": False,
            "allow_merge_commit": True,
            "delete_branch_on_merge": False,
            "is_template": False,
            "web_commit_signoff_required": False,
            "topics": [],
            "visibility": "public",
            "forks": 0,
            "open_issues": open_issues,
            "watchers": 0,
            "default_branch": "main",
            "permissions": PERMISSIONS[repo.permission_of(viewer)],
            "temp_clone_token": None,
            "network_count": 0,
            "subscribers_count": 0,
        }
        if owner["type"] == "Organization":
            data["organization"] = owner
        return data

    # --- labels, issues, comments, events --------------------------------------------

    def label(self, repo: Repository, label: Label) -> JSON:
        return {
            "id": label.id,
            "node_id": node_id("LA", label.id),
            "url": f"{self.api}/repos/{repo.full_name}/labels/{quote(label.name, safe='')}",
            "name": label.name,
            "color": label.color,
            "default": label.default,
            "description": label.description,
        }

    def issue(self, repo: Repository, issue: Issue) -> JSON:
        base = f"{self.api}/repos/{repo.full_name}/issues/{issue.number}"
        labels = [repo.label(name) for name in issue.labels]
        assignees = [self.user(login) for login in issue.assignees]
        return {
            "url": base,
            "repository_url": f"{self.api}/repos/{repo.full_name}",
            "labels_url": f"{base}/labels{{/name}}",
            "comments_url": f"{base}/comments",
            "events_url": f"{base}/events",
            "html_url": self.issue_page(repo, issue.number),
            "id": issue.id,
            "node_id": node_id("I", issue.id),
            "number": issue.number,
            "title": issue.title,
            "user": self.user(issue.user),
            "labels": [self.label(repo, label) for label in labels if label is not None],
            "state": issue.state,
            "locked": issue.locked,
            "assignee": assignees[0] if assignees else None,
            "assignees": assignees,
            "milestone": None,
            "comments": issue.comments,
            "created_at": issue.created_at,
            "updated_at": issue.updated_at,
            "closed_at": issue.closed_at,
            "author_association": repo.association_of(issue.user),
            "type": None,
            "active_lock_reason": None,
            "sub_issues_summary": {"total": 0, "completed": 0, "percent_completed": 0},
            "issue_dependencies_summary": {
                "blocked_by": 0,
                "total_blocked_by": 0,
                "blocking": 0,
                "total_blocking": 0,
            },
            "body": issue.body,
            "closed_by": self.user(issue.closed_by) if issue.closed_by else None,
            "reactions": empty_reactions(f"{base}/reactions"),
            "timeline_url": f"{base}/timeline",
            "performed_via_github_app": self.app_of(issue.user),
            "state_reason": issue.state_reason,
            **self._pull_request(repo, issue),
        }

    def issue_page(self, repo: Repository, number: int) -> str:
        """An issue's page; a pull request's is under ``/pull/`` (GitHub answers an issue
        list's pull request with that ``html_url``)."""
        issue = repo.issues.get(number)
        kind = "pull" if issue is not None and issue.pull is not None else "issues"
        return f"{self.web}/{repo.full_name}/{kind}/{number}"

    def _pull_request(self, repo: Repository, issue: Issue) -> JSON:
        """The ``pull_request`` key an issue answer has when it is a pull request (the
        issue schema's ``pull_request``: url, html_url, diff_url, patch_url, merged_at)."""
        if issue.pull is None:
            return {}
        page = self.issue_page(repo, issue.number)
        return {
            "draft": False,
            "pull_request": {
                "url": f"{self.api}/repos/{repo.full_name}/pulls/{issue.number}",
                "html_url": page,
                "diff_url": f"{page}.diff",
                "patch_url": f"{page}.patch",
                "merged_at": issue.pull["merged_at"],
            },
        }

    def search_item(self, repo: Repository, issue: Issue) -> JSON:
        data = self.issue(repo, issue)
        del data["closed_by"]  # search results do not carry it
        data["score"] = 1.0
        return data

    def comment(self, repo: Repository, comment: Comment) -> JSON:
        base = f"{self.api}/repos/{repo.full_name}/issues"
        return {
            "url": f"{base}/comments/{comment.id}",
            "html_url": (
                f"{self.issue_page(repo, comment.issue_number)}#issuecomment-{comment.id}"
            ),
            "issue_url": f"{base}/{comment.issue_number}",
            "id": comment.id,
            "node_id": node_id("IC", comment.id),
            "user": self.user(comment.user),
            "created_at": comment.created_at,
            "updated_at": comment.updated_at,
            "body": comment.body,
            "author_association": repo.association_of(comment.user),
            "reactions": reaction_rollup(
                f"{base}/comments/{comment.id}/reactions", comment.reactions
            ),
            "performed_via_github_app": self.app_of(comment.user),
        }

    def reaction(self, reaction: JSON) -> JSON:
        return {
            "id": reaction["id"],
            "node_id": node_id("REA", reaction["id"]),
            "user": self.user(reaction["user"]),
            "content": reaction["content"],
            "created_at": reaction["created_at"],
        }

    def event(self, repo: Repository, event: IssueEvent) -> JSON:
        data: JSON = {
            "id": event.id,
            "node_id": node_id(event.event[:2].upper() + "E", event.id),
            "url": f"{self.api}/repos/{repo.full_name}/issues/events/{event.id}",
            "actor": self.user(event.actor),
            "event": event.event,
            "commit_id": None,
            "commit_url": None,
            "created_at": event.created_at,
            "performed_via_github_app": self.app_of(event.actor),
        }
        if event.label is not None:
            data["label"] = dict(event.label)
        if event.rename is not None:
            data["rename"] = dict(event.rename)
        if event.event in ("closed", "reopened"):
            data["state_reason"] = event.state_reason
        return data

    def collaborator_permission(self, repo: Repository, account: Account) -> JSON:
        permission = repo.permission_of(account.login)
        return {
            "permission": permission,
            "role_name": permission,
            "user": {
                **self._simple_user(account),
                "permissions": PERMISSIONS[permission],
                "role_name": permission,
            },
        }
