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


class RemoteError(PmsyncError):
    """GitHub or Jira answered with an error we cannot recover from.

    The message names the service, the method and path, and the status; it never
    contains a token.
    """

    exit_code = 4

    def __init__(
        self, service: str, method: str, path: str, status: int | None, detail: str
    ) -> None:
        self.service = service
        self.method = method
        self.path = path
        self.status = status
        self.detail = detail
        where = f"{service} {method} {path}"
        status_text = f"answered {status}" if status is not None else "could not be reached"
        super().__init__(f"{where} {status_text}: {detail}")
