"""Errors that carry meaning; the CLI maps each kind to an exit code."""

from __future__ import annotations


class PmsyncError(Exception):
    """Base class: a problem pmsync can explain to its user."""

    exit_code = 1


class UsageError(PmsyncError):
    """The command line itself is wrong."""

    exit_code = 2


class ConfigError(PmsyncError):
    """The configuration file or the environment is wrong."""

    exit_code = 3


class UnknownIdentity(ConfigError):
    """pmsync cannot tell which GitHub login is its own, so it cannot tell its comments
    from copies of them: the run stops before writing anything."""


class WritesPaused(PmsyncError):
    """GitHub's write limits (or the run's time) leave no room for more writes in this run:
    it stops writing, and the next run goes on where it stopped. Not a failure."""


class RemoteError(PmsyncError):
    """GitHub or Jira answered with an error we cannot recover from.

    The message names the service, the method and path, and the status, then the fix when
    one is known (``hint``); it never contains a token.
    """

    exit_code = 4

    def __init__(
        self,
        service: str,
        method: str,
        path: str,
        status: int | None,
        detail: str,
        hint: str | None = None,
    ) -> None:
        self.service = service
        self.method = method
        self.path = path
        self.status = status
        self.detail = detail
        self.hint = hint
        where = f"{service} {method} {path}"
        status_text = f"answered {status}" if status is not None else "could not be reached"
        message = f"{where} {status_text}: {detail}"
        if hint:
            message = f"{message.rstrip('. ')}. {hint}"
        super().__init__(message)

    @property
    def refused(self) -> bool:
        """A 4xx other than a rate limit: the service refused this one request, not the run."""
        return self.status is not None and 400 <= self.status < 500 and self.status != 429


# What to do when a service refuses pmsync's credentials (401) or its rights (403), by
# service. Only the names of the variables appear, never their values.
_ACCESS_HINTS: dict[tuple[str, int], str] = {
    ("jira", 401): (
        "Jira did not accept pmsync's credentials: on Jira Cloud set JIRA_EMAIL to the "
        "account's e-mail and JIRA_API_TOKEN to an API token of that account; on Jira Data "
        "Center set JIRA_TOKEN to a personal access token. Check that the token has not "
        "expired or been revoked."
    ),
    ("jira", 403): (
        "Jira knows the account but refused the request: the account of JIRA_EMAIL and "
        "JIRA_API_TOKEN (Cloud) or of JIRA_TOKEN (Data Center) needs the project permissions "
        "Browse projects, Create issues, Edit issues, Assign issues, Add comments, Transition "
        "issues, Resolve issues and Link issues. After repeated failed logins Jira asks for a "
        "CAPTCHA: log in once in a browser as that account."
    ),
    ("github", 401): (
        "GitHub did not accept the token: set GITHUB_TOKEN to a valid token (in a workflow, "
        "GITHUB_TOKEN: ${{ github.token }}), or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY to "
        "act as a GitHub App. Check that the token has not expired or been revoked."
    ),
    ("github", 403): (
        "GitHub knows the token but refused the request: GITHUB_TOKEN (or the GitHub App's "
        "installation) needs the permissions issues: write (comments, labels, the Ticket "
        "column) and contents: read on the repository; in a workflow, grant them under "
        "permissions:, and give a classic personal access token the repo scope."
    ),
}


def access_hint(service: str, status: int | None) -> str | None:
    """How to fix a 401 or 403 from ``service``; None for other answers."""
    return _ACCESS_HINTS.get((service, status)) if status is not None else None
