"""``POST /repos/{owner}/{repo}/dispatches``: create a ``repository_dispatch`` event, and
the events so created, as a workflow would receive them.

What the endpoint takes, from GitHub's description of the operation ("Create a repository
dispatch event", https://docs.github.com/rest/repos/repos#create-a-repository-dispatch-event,
operation ``repos/create-dispatch-event`` of GitHub's OpenAPI description, kept in
tests/data/openapi/github-rest-api.cut.json and checked against this endpoint by
tests/sandbox/test_sandbox_fidelity_github.py): a JSON body with ``event_type`` (required, a
custom webhook event name of 100 characters or fewer) and ``client_payload`` (an object of
at most 10 top-level properties); the caller needs write access to the repository (for a
fine-grained token, "Contents" write); the answer is ``204 No Content``, ``404`` for a
repository the caller cannot see and ``422`` for a body that breaks those rules.

The event a workflow then gets is the ``repository_dispatch`` webhook payload
(https://docs.github.com/webhooks/webhook-events-and-payloads#repository_dispatch, example
in tests/data/github-webhooks/repository_dispatch): ``action`` is the ``event_type``,
``branch`` the default branch, ``client_payload`` as sent, ``repository`` and ``sender``.
"""

from __future__ import annotations

from pmsync_sandbox.github.calls import GitHubCall, GithubError, json_response
from pmsync_sandbox.github.lookups import Lookups
from pmsync_sandbox.github.shapes import JSON
from pmsync_sandbox.github.store import GithubStore
from pmsync_sandbox.http import SandboxResponse

EVENT_NAME = "repository_dispatch"
MAX_EVENT_TYPE = 100  # characters
MAX_PAYLOAD_PROPERTIES = 10  # top-level properties of client_payload


class DispatchEndpoint(Lookups):
    """Records each dispatch in ``events`` (oldest first), as ``{"event", "payload"}``."""

    def __init__(self, store: GithubStore, events: list[JSON]) -> None:
        super().__init__(store)
        self.events = events

    def create_dispatch(self, call: GitHubCall) -> SandboxResponse:
        repo = self.repo(call)
        self.require_write(repo, call.viewer)
        body = call.object_body()
        event_type = body.get("event_type")
        if not isinstance(event_type, str) or not event_type:
            raise _invalid('"event_type" wasn\'t supplied.')
        if len(event_type) > MAX_EVENT_TYPE:
            raise _invalid(f"event_type is too long (maximum is {MAX_EVENT_TYPE} characters)")
        client_payload = body.get("client_payload", {})
        if not isinstance(client_payload, dict):
            raise _invalid("For 'properties/client_payload', it is not an object.")
        if len(client_payload) > MAX_PAYLOAD_PROPERTIES:
            raise _invalid(
                f"client_payload has too many top-level properties "
                f"(maximum is {MAX_PAYLOAD_PROPERTIES})"
            )
        repository = call.render.repository(repo, call.viewer.login)
        payload: JSON = {
            "action": event_type,
            "branch": repository["default_branch"],
            "client_payload": client_payload,
            "repository": repository,
            "sender": call.render.user(call.viewer.login),
        }
        self.events.append({"event": EVENT_NAME, "payload": payload})
        return json_response(None, 204)


def _invalid(message: str) -> GithubError:
    return GithubError(422, f"Invalid request.\n\n{message}")
