"""The GitHub REST representations of a repository and of a person's permission on it."""

from __future__ import annotations

from pmsync_sandbox.github.account_shapes import AccountShapes
from pmsync_sandbox.github.records import Account, Repository
from pmsync_sandbox.github.shapes import JSON, PERMISSIONS, node_id


class RepositoryShapes(AccountShapes):
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
