"""Acting as a GitHub App: app id + private key -> JWT -> the repository's installation ->
an installation token, which then authenticates every other request of the run.

The App comments as ``<app-slug>[bot]``; the installation names the slug, so pmsync
knows its own comments without ``GET /user`` (which installation tokens may not call).

Both requests go through the retry wrapper, so they are counted and retried like any
other (minting a second token is harmless). The token is handed to ``on_token`` (the
CLI's redactor) the moment it exists, and so is each JWT that asks for it, before any
request carries it (a JWT acts as the App for minutes). PyGithub logs response bodies at
debug level, and the token's own response would be logged before anyone could register
it, so its logger is silenced for that one request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import jwt
from github import Auth, GithubIntegration
from github.Installation import Installation

from pmsync.adapters.retry import Remote
from pmsync.config.settings import GitHubAppAuth
from pmsync.errors import ConfigError, RemoteError

# The logger PyGithub writes each request and its answer to.
REQUESTER_LOGGER = "github.Requester"


@dataclass(frozen=True)
class AppSession:
    token: str  # the installation token; valid for an hour
    login: str  # the login the App's comments carry, ``<app-slug>[bot]``


@dataclass(frozen=True)
class _Installation:
    id: int
    app_slug: str


def installation_token(
    auth: GitHubAppAuth,
    *,
    repository: str | None,
    remote: Remote,
    on_token: Callable[[str], None],
    timeout: int = 30,
) -> AppSession:
    """A fresh token for the installation that covers ``repository`` (or the one
    ``GITHUB_APP_INSTALLATION_ID`` names): two requests."""
    app = MaskedAppAuth(auth.app_id, auth.private_key.get_secret_value(), on_token)
    _check_key(app)
    integration = GithubIntegration(
        auth=app,
        base_url=auth.api_url,
        timeout=timeout,
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )
    try:
        installation = _installation(integration, auth.installation_id, repository, remote)
        path = f"/app/installations/{installation.id}/access_tokens"
        with _silenced(REQUESTER_LOGGER):
            token: str = remote.write(
                "POST", path, lambda: integration.get_access_token(installation.id).token
            )
    except RemoteError as exc:
        raise _explained(exc, auth, repository) from None
    on_token(token)
    return AppSession(token=token, login=f"{installation.app_slug}[bot]")


class MaskedAppAuth(Auth.AppAuth):
    """The App's credentials; every JWT PyGithub signs with them goes to ``on_token``
    before it is used (PyGithub signs one per request)."""

    def __init__(self, app_id: int | str, private_key: str, on_token: Callable[[str], None]):
        super().__init__(app_id, private_key)
        self._on_token = on_token

    def create_jwt(self, expiration: int | None = None) -> str:
        signed = super().create_jwt(expiration)
        self._on_token(signed)
        return signed


def _check_key(app: Auth.AppAuth) -> None:
    """A key that cannot sign is a configuration problem; its text is never repeated."""
    try:
        app.create_jwt()
    except (jwt.PyJWTError, ValueError, TypeError):
        raise ConfigError(
            "GITHUB_APP_PRIVATE_KEY is not a usable RSA private key: download a new key "
            "from the App's settings page (General > Private keys) and set its PEM text"
        ) from None


def _installation(
    integration: GithubIntegration,
    installation_id: int | None,
    repository: str | None,
    remote: Remote,
) -> _Installation:
    def found(installation: Installation) -> _Installation:
        return _Installation(installation.id, installation.app_slug)

    if installation_id is not None:
        return remote.read(
            "GET",
            f"/app/installations/{installation_id}",
            lambda: found(integration.get_app_installation(installation_id)),
        )
    if repository is not None:
        owner, _, name = repository.partition("/")
        return remote.read(
            "GET",
            f"/repos/{repository}/installation",
            lambda: found(integration.get_repo_installation(owner, name)),
        )
    installations = remote.read(
        "GET", "/app/installations", lambda: [found(i) for i in integration.get_installations()]
    )
    if len(installations) != 1:
        raise ConfigError(
            f"the GitHub App has {len(installations)} installations and no repository was "
            "named to choose one; set GITHUB_APP_INSTALLATION_ID to the one pmsync should act as"
        )
    return installations[0]


def _explained(exc: RemoteError, auth: GitHubAppAuth, repository: str | None) -> Exception:
    """The usual causes, said in the App's terms."""
    if exc.status == 401:
        return ConfigError(
            f"GitHub refused the App's credentials ({exc}): check that GITHUB_APP_ID "
            f"({auth.app_id}) and GITHUB_APP_PRIVATE_KEY belong to the same App"
        )
    if exc.status == 404 and exc.path.endswith("/installation"):
        return ConfigError(
            f"the GitHub App {auth.app_id} is not installed on {repository}: install it on "
            "that repository (App settings > Install App), or set GITHUB_APP_INSTALLATION_ID"
        )
    return exc


@contextmanager
def _silenced(name: str) -> Iterator[None]:
    logger = logging.getLogger(name)
    previous = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = previous
