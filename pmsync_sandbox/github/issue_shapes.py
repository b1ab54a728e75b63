"""The GitHub REST representations of issues (pull requests among them, and as search
finds them), their labels, comments, reactions and issue events."""

from __future__ import annotations

from urllib.parse import quote

from pmsync_sandbox.github.account_shapes import AccountShapes
from pmsync_sandbox.github.records import Comment, Issue, IssueEvent, Label, Repository
from pmsync_sandbox.github.shapes import JSON, empty_reactions, node_id, reaction_rollup


class IssueShapes(AccountShapes):
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
