"""The PyGithub client a run's adapter wraps: which token it carries (a GitHub App's
installation token is minted first), and the client's own settings."""

from __future__ import annotations

from collections.abc import Callable

from github import Auth, Github

from pmsync.adapters.github_app import installation_token
from pmsync.adapters.retry import Remote
from pmsync.config.settings import GitHubAppAuth, GitHubAuth

PAGE_SIZE = 100
# PyGithub's own pauses, which GitHub asks integrations to keep (off for the sandbox).
SECONDS_BETWEEN_REQUESTS = 0.25
SECONDS_BETWEEN_WRITES = 1.0


def pygithub_client(
    auth: GitHubAuth,
    *,
    remote: Remote,
    throttle: bool,
    identity: str | None,
    timeout: int,
    repository: str | None,
    on_token: Callable[[str], None],
) -> tuple[Github, str, str | None]:
    """The client, the token it carries, and pmsync's login when the token tells it (an
    App's installation posts as ``<slug>[bot]``; ``identity`` given wins). The client never
    retries by itself: the retry wrapper decides."""
    if isinstance(auth, GitHubAppAuth):
        app = installation_token(
            auth, repository=repository, remote=remote, on_token=on_token, timeout=timeout
        )
        token, identity = app.token, identity or app.login
    else:
        token = auth.token.get_secret_value()
    client = Github(
        auth=Auth.Token(token),
        base_url=auth.api_url,
        timeout=timeout,
        per_page=PAGE_SIZE,
        retry=None,
        seconds_between_requests=SECONDS_BETWEEN_REQUESTS if throttle else None,
        seconds_between_writes=SECONDS_BETWEEN_WRITES if throttle else None,
        lazy=True,
    )
    return client, token, identity
