"""Secrets and endpoints from the environment, checked only when a command needs them.

``Settings.from_env()`` never fails: ``pmsync validate`` must work without any token.
A command that talks to GitHub calls ``require_github()``, one that talks to Jira
``require_jira()``; each raises a ``ConfigError`` naming the missing variable and what
it is for. Secret values are ``SecretStr``: repr, str and logs show ``**********``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, SecretStr

from pmsync.config.schema import GitHubConfig, JiraConfig
from pmsync.errors import ConfigError

DEFAULT_GITHUB_API_URL = "https://api.github.com"
# A service account's scoped API token must call this; the site URL answers it 401.
CLOUD_API_URL = "https://api.atlassian.com/ex/jira/{cloud_id}"
_PEM_START = "-----BEGIN"

# Variable name -> what it is for; `pmsync config check` shows which are set.
ENVIRONMENT_VARIABLES: dict[str, str] = {
    "GITHUB_TOKEN": "token that reads and writes issues (or use a GitHub App)",
    "GITHUB_API_URL": f"GitHub API base URL (default {DEFAULT_GITHUB_API_URL})",
    "GITHUB_APP_ID": "GitHub App ID, with GITHUB_APP_PRIVATE_KEY",
    "GITHUB_APP_PRIVATE_KEY": "GitHub App private key: PEM text or path of the .pem file",
    "GITHUB_APP_INSTALLATION_ID": "GitHub App installation (optional; found from the repo)",
    "JIRA_URL": "Jira site, e.g. https://acme.atlassian.net",
    "JIRA_API_URL": "Jira Cloud service account: where requests go, "
    f"{CLOUD_API_URL.format(cloud_id='CLOUD_ID')} (default: JIRA_URL, or from jira.cloud_id)",
    "JIRA_EMAIL": "Jira Cloud: the account's email, with JIRA_API_TOKEN",
    "JIRA_API_TOKEN": "Jira Cloud: API token of that account",
    "JIRA_TOKEN": "Jira Data Center: personal access token",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GitHubTokenAuth(_Frozen):
    kind: Literal["token"] = "token"
    api_url: str
    token: SecretStr


class GitHubAppAuth(_Frozen):
    kind: Literal["app"] = "app"
    api_url: str
    app_id: int
    private_key: SecretStr  # PEM text
    installation_id: int | None = None  # None: look it up from the repository


GitHubAuth = GitHubTokenAuth | GitHubAppAuth


class _JiraSite(_Frozen):
    url: str  # the site: links for people are made from it
    api_url: str | None = None  # where requests go, when not the site (service accounts)


class JiraCloudAuth(_JiraSite):
    deployment: Literal["cloud"] = "cloud"
    email: str
    api_token: SecretStr


class JiraDataCenterAuth(_JiraSite):
    deployment: Literal["datacenter"] = "datacenter"
    token: SecretStr  # personal access token, sent as a Bearer token


JiraAuth = JiraCloudAuth | JiraDataCenterAuth


def _present(value: str | None) -> str | None:
    """Unset and empty are the same: CI passes an unset secret as an empty string."""
    return value.strip() if value and value.strip() else None


def _secret(value: str | None) -> SecretStr | None:
    text = _present(value)
    return SecretStr(text) if text is not None else None


class Settings(_Frozen):
    github_token: SecretStr | None = None
    github_api_url: str | None = None
    github_app_id: str | None = None
    github_app_private_key: SecretStr | None = None
    github_app_installation_id: str | None = None
    jira_url: str | None = None
    jira_api_url: str | None = None
    jira_email: str | None = None
    jira_api_token: SecretStr | None = None
    jira_token: SecretStr | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            github_token=_secret(env.get("GITHUB_TOKEN")),
            github_api_url=_present(env.get("GITHUB_API_URL")),
            github_app_id=_present(env.get("GITHUB_APP_ID")),
            github_app_private_key=_secret(env.get("GITHUB_APP_PRIVATE_KEY")),
            github_app_installation_id=_present(env.get("GITHUB_APP_INSTALLATION_ID")),
            jira_url=_present(env.get("JIRA_URL")),
            jira_api_url=_present(env.get("JIRA_API_URL")),
            jira_email=_present(env.get("JIRA_EMAIL")),
            jira_api_token=_secret(env.get("JIRA_API_TOKEN")),
            jira_token=_secret(env.get("JIRA_TOKEN")),
        )

    def secret_values(self) -> list[str]:
        """Every value that must never be shown, including the Basic-auth pair."""
        secrets = [
            secret.get_secret_value()
            for secret in (
                self.github_token,
                self.github_app_private_key,
                self.jira_api_token,
                self.jira_token,
            )
            if secret is not None
        ]
        if self.github_app_private_key is not None:
            # The variable may hold escaped newlines or a file's path: mask the key itself.
            key = _read_pem(self.github_app_private_key.get_secret_value())
            if key is not None:
                secrets.append(key)
        if self.jira_email and self.jira_api_token:
            # requests sends base64("email:token"); the redactor also masks that form
            secrets.append(f"{self.jira_email}:{self.jira_api_token.get_secret_value()}")
        return secrets

    def is_set(self) -> dict[str, bool]:
        """Which environment variables were given, for `pmsync config check`."""
        values = self.model_dump()
        return {name: values[name.lower()] is not None for name in ENVIRONMENT_VARIABLES}

    def require_github(self, config: GitHubConfig | None = None) -> GitHubAuth:
        """Credentials for GitHub: a GitHub App when both its variables are set, else a token."""
        api_url = _url(
            self.github_api_url,
            "GITHUB_API_URL",
            config.api_url if config else None,
            "github.api_url",
        )
        api_url = api_url or DEFAULT_GITHUB_API_URL
        if self.github_app_id or self.github_app_private_key:
            return self._github_app(api_url)
        if self.github_token is None:
            raise ConfigError(
                "GITHUB_TOKEN is not set: pmsync needs it to read post-mortem issues and to "
                "write comments and labels; set GITHUB_TOKEN to a token with issues: write "
                "(in a workflow: GITHUB_TOKEN: ${{ github.token }}), or set GITHUB_APP_ID "
                "and GITHUB_APP_PRIVATE_KEY to act as a GitHub App"
            )
        return GitHubTokenAuth(api_url=api_url, token=self.github_token)

    def _github_app(self, api_url: str) -> GitHubAppAuth:
        if not self.github_app_id:
            raise ConfigError(
                "GITHUB_APP_ID is not set but GITHUB_APP_PRIVATE_KEY is: set GITHUB_APP_ID to "
                "the numeric App ID shown on the App's settings page"
            )
        if self.github_app_private_key is None:
            raise ConfigError(
                "GITHUB_APP_PRIVATE_KEY is not set but GITHUB_APP_ID is: set it to the App's "
                "private key (the PEM text, or the path of the .pem file)"
            )
        return GitHubAppAuth(
            api_url=api_url,
            app_id=_number(self.github_app_id, "GITHUB_APP_ID", "the numeric App ID"),
            private_key=SecretStr(_pem(self.github_app_private_key.get_secret_value())),
            installation_id=(
                _number(
                    self.github_app_installation_id,
                    "GITHUB_APP_INSTALLATION_ID",
                    "the numeric installation ID",
                )
                if self.github_app_installation_id
                else None
            ),
        )

    def require_jira(self, config: JiraConfig | None = None) -> JiraAuth:
        """Credentials for Jira; the deployment follows jira.deployment, else the variables."""
        url = _url(self.jira_url, "JIRA_URL", config.url if config else None, "jira.url")
        if url is None:
            raise ConfigError(
                "JIRA_URL is not set: pmsync needs the Jira site to create and read tickets; "
                "set JIRA_URL (e.g. https://acme.atlassian.net) or jira.url in the configuration"
            )
        deployment = config.deployment if config else "auto"
        if deployment == "auto":
            deployment = "datacenter" if self.jira_token and not self.jira_api_token else "cloud"
        cloud_id = config.cloud_id if config else None
        if deployment == "datacenter" and cloud_id and not self.jira_api_url:
            raise ConfigError(
                "jira.cloud_id is set but jira.deployment is datacenter: a cloud id names a "
                "Jira Cloud site; remove jira.cloud_id, or set jira.deployment: cloud"
            )
        from_config = CLOUD_API_URL.format(cloud_id=cloud_id) if cloud_id else None
        api_url = _url(self.jira_api_url, "JIRA_API_URL", from_config, "jira.cloud_id")
        if deployment == "cloud":
            return self._jira_cloud(url, api_url)
        if self.jira_token is None:
            raise ConfigError(
                "JIRA_TOKEN is not set: Jira Data Center needs a personal access token "
                "(Profile > Personal Access Tokens) to create and read tickets; set JIRA_TOKEN"
            )
        return JiraDataCenterAuth(url=url, api_url=api_url, token=self.jira_token)

    def _jira_cloud(self, url: str, api_url: str | None) -> JiraCloudAuth:
        if self.jira_api_token is None:
            hint = (
                " (JIRA_TOKEN is set, but it is a Data Center personal access token; "
                "Jira Cloud needs an API token with the account's email)"
                if self.jira_token
                else ""
            )
            raise ConfigError(
                "JIRA_API_TOKEN is not set: Jira Cloud needs an API token "
                "(id.atlassian.com > Security > API tokens) to create and read tickets; set "
                "JIRA_API_TOKEN and JIRA_EMAIL, or JIRA_TOKEN for Jira Data Center" + hint
            )
        if not self.jira_email:
            raise ConfigError(
                "JIRA_EMAIL is not set: Jira Cloud signs in with the email of the account "
                "that owns JIRA_API_TOKEN; set JIRA_EMAIL"
            )
        return JiraCloudAuth(
            url=url, api_url=api_url, email=self.jira_email, api_token=self.jira_api_token
        )


_URL_EXAMPLES = {
    "JIRA_URL": "https://acme.atlassian.net",
    "JIRA_API_URL": CLOUD_API_URL.format(cloud_id="CLOUD_ID"),
}


def _url(from_env: str | None, variable: str, from_config: str | None, key: str) -> str | None:
    """The environment overrides the configuration file."""
    if from_env is None:
        return from_config
    parts = urlsplit(from_env)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"{variable} is {from_env!r}: expected an http(s) URL such as "
            f"{_URL_EXAMPLES.get(variable, DEFAULT_GITHUB_API_URL)}"
            f" (it overrides {key})"
        )
    if parts.username or parts.password:
        raise ConfigError(
            f"{variable} contains credentials: expected a URL without them; "
            "put tokens in their own variables"
        )
    return from_env.rstrip("/")


def _number(value: str, variable: str, expected: str) -> int:
    if not value.isdigit():
        raise ConfigError(f"{variable} is {value!r}: expected {expected}")
    return int(value)


def _read_pem(value: str) -> str | None:
    """PEM text as given, with escaped newlines undone; or the content of the .pem file
    that ``value`` names; None when it is neither."""
    text = value.replace("\\n", "\n")
    if text.startswith(_PEM_START):
        return text
    try:
        path = Path(value).expanduser()
        content = path.read_text(encoding="utf-8") if path.is_file() else ""
    except (OSError, UnicodeDecodeError, ValueError):
        content = ""  # never echo the value: it may be a mangled key
    return content if content.lstrip().startswith(_PEM_START) else None


def _pem(value: str) -> str:
    pem = _read_pem(value)
    if pem is not None:
        return pem
    raise ConfigError(
        "GITHUB_APP_PRIVATE_KEY is neither PEM text nor the path of a readable .pem file: "
        "expected the App's private key, starting with -----BEGIN RSA PRIVATE KEY-----"
    )
