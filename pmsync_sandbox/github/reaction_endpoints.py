"""The GitHub emulator's reactions to issue comments: list them, and add one.

As GitHub describes them (docs.github.com/rest/reactions/reactions and the OpenAPI
operations ``reactions/create-for-issue-comment`` and ``reactions/list-for-issue-comment``):
anyone who can see the repository may react; a person has at most one reaction of each
kind on a comment, so adding it again answers 200 with the one there is (201 when new);
a kind outside the eight GitHub knows is refused with 422.
"""

from __future__ import annotations

from pmsync_sandbox.github.calls import GitHubCall, invalid, json_response, page_of
from pmsync_sandbox.github.lookups import Lookups
from pmsync_sandbox.github.shapes import REACTION_KINDS
from pmsync_sandbox.http import SandboxResponse


class ReactionEndpoints(Lookups):
    def list_comment_reactions(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        comment = self.comment(call, repo)
        kind = call.arg("content")
        selected = [r for r in comment.reactions if kind is None or r["content"] == kind]
        page, headers = page_of(call, selected)
        return json_response([call.render.reaction(r) for r in page], 200, headers)

    def create_comment_reaction(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        comment = self.comment(call, repo)
        kind = call.object_body().get("content")
        if kind not in REACTION_KINDS:
            raise invalid("Reaction", "content", value=kind)
        reaction, new = self.store.add_reaction(comment, call.viewer.login, kind, call.now)
        return json_response(call.render.reaction(reaction), 201 if new else 200)
