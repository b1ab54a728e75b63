"""The GitHub emulator's issue-comment endpoints: list a repository's or an issue's
comments, and read, write, edit and delete one. Anyone who can see the repository may
comment; only the author or someone with push access may change a comment.
"""

from __future__ import annotations

from pmsync_sandbox.github.calls import GitHubCall, json_response, page_of, since_arg
from pmsync_sandbox.github.lookups import Lookups, body_text
from pmsync_sandbox.github.records import Account, Repository
from pmsync_sandbox.http import SandboxResponse


class CommentEndpoints(Lookups):
    def list_repo_comments(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        since = since_arg(call, "IssueComment")
        selected = [c for c in repo.comments.values() if since is None or c.updated_at >= since]
        sort = call.arg("sort")
        if sort in ("created", "updated"):
            key = "created_at" if sort == "created" else "updated_at"
            descending = call.arg("direction") == "desc"
            selected.sort(key=lambda c: (getattr(c, key), c.id), reverse=descending)
        page, headers = page_of(call, selected)
        return json_response([call.render.comment(repo, c) for c in page], 200, headers)

    def list_issue_comments(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        issue = self.issue(call, repo)
        since = since_arg(call, "IssueComment")
        selected = [
            c
            for c in repo.comments.values()
            if c.issue_number == issue.number and (since is None or c.updated_at >= since)
        ]
        page, headers = page_of(call, selected)
        return json_response([call.render.comment(repo, c) for c in page], 200, headers)

    def get_comment(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        return json_response(call.render.comment(repo, self.comment(call, repo)))

    def create_comment(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        issue = self.issue(call, repo)
        text = body_text(call.object_body().get("body"), "IssueComment", required=True)
        assert text is not None  # required=True never gives None
        comment = self.store.add_comment(repo, issue, call.viewer.login, text, call.now)
        data = call.render.comment(repo, comment)
        return json_response(data, 201, {"Location": data["url"]})

    def edit_comment(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        comment = self.comment(call, repo)
        self._require_author_or_writer(repo, call.viewer, comment.user)
        text = body_text(call.object_body().get("body"), "IssueComment", required=True)
        assert text is not None
        self.store.edit_comment(repo, comment, text, call.now)
        return json_response(call.render.comment(repo, comment))

    def delete_comment(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        comment = self.comment(call, repo)
        self._require_author_or_writer(repo, call.viewer, comment.user)
        self.store.delete_comment(repo, comment, call.now)
        return SandboxResponse(204)

    def _require_author_or_writer(self, repo: Repository, viewer: Account, author: str) -> None:
        if author.lower() != viewer.login.lower():
            self.require_write(repo, viewer)
