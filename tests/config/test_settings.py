"""Secrets and endpoints from the environment: read always, required only when needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmsync.config.loading import parse_config
from pmsync.config.settings import (
    DEFAULT_GITHUB_API_URL,
    GitHubAppAuth,
    GitHubTokenAuth,
    JiraCloudAuth,
    JiraDataCenterAuth,
    Settings,
)
from pmsync.errors import ConfigError

TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
JIRA_API_TOKEN = "ATATT3xFfGF0T4nS3cr3tJiraCloudToken"
JIRA_PAT = "NjI5MzQ2ODU3MTc0OkRhdGFDZW50ZXJQQVQ"
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n"
    "-----END RSA PRIVATE KEY-----\n"
)

CLOUD_ENV = {
    "JIRA_URL": "https://acme.atlassian.net/",
    "JIRA_EMAIL": "bot@acme.example",
    "JIRA_API_TOKEN": JIRA_API_TOKEN,
}


def env(**values: str) -> Settings:
    return Settings.from_env(values)


def test_nothing_set_is_fine_until_something_is_needed() -> None:
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.secret_values() == []


def test_empty_values_count_as_unset() -> None:
    settings = env(GITHUB_TOKEN="", JIRA_URL="  ", JIRA_API_TOKEN="")
    assert settings == Settings()


def test_secrets_never_show_in_repr_str_or_json() -> None:
    settings = Settings.from_env(
        {"GITHUB_TOKEN": TOKEN, "JIRA_TOKEN": JIRA_PAT, "GITHUB_APP_ID": "7"}
        | {"GITHUB_APP_PRIVATE_KEY": PEM, **CLOUD_ENV}
    )
    shown = [repr(settings), str(settings), f"{settings}", settings.model_dump_json()]
    auth = [settings.require_github(), settings.require_jira()]
    shown += [repr(a) for a in auth] + [a.model_dump_json() for a in auth]
    for text in shown:
        for secret in (TOKEN, JIRA_API_TOKEN, JIRA_PAT, "MIIEowIBAAKCAQEA"):
            assert secret not in text


def test_secret_values_include_the_basic_auth_pair() -> None:
    settings = Settings.from_env({"GITHUB_TOKEN": TOKEN, **CLOUD_ENV})
    assert set(settings.secret_values()) == {
        TOKEN,
        JIRA_API_TOKEN,
        f"bot@acme.example:{JIRA_API_TOKEN}",
    }


def test_is_set_names_each_variable() -> None:
    given = env(GITHUB_TOKEN=TOKEN, JIRA_URL="https://jira.example.com").is_set()
    assert given["GITHUB_TOKEN"] and given["JIRA_URL"]
    assert not given["JIRA_TOKEN"] and not given["GITHUB_APP_ID"]
    assert len(given) == 10  # JIRA_API_URL for service accounts


# --- GitHub -----------------------------------------------------------------------------------


def test_github_token_with_default_api_url() -> None:
    auth = env(GITHUB_TOKEN=TOKEN).require_github()
    assert isinstance(auth, GitHubTokenAuth)
    assert auth.api_url == DEFAULT_GITHUB_API_URL
    assert auth.token.get_secret_value() == TOKEN


def test_missing_github_token_says_what_it_is_for() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings().require_github()
    message = str(caught.value)
    assert message.startswith("GITHUB_TOKEN is not set: pmsync needs it to read post-mortem")
    assert "GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY" in message


def test_api_url_comes_from_environment_over_config() -> None:
    config = parse_config("github:\n  api_url: https://ghe.example.com/api/v3\n").github
    assert env(GITHUB_TOKEN=TOKEN).require_github(config).api_url == (
        "https://ghe.example.com/api/v3"
    )
    settings = env(GITHUB_TOKEN=TOKEN, GITHUB_API_URL="http://127.0.0.1:8080/")
    assert settings.require_github(config).api_url == "http://127.0.0.1:8080"


def test_bad_api_url_names_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"GITHUB_API_URL is 'api\.github\.com': expected an"):
        env(GITHUB_TOKEN=TOKEN, GITHUB_API_URL="api.github.com").require_github()


def test_url_with_credentials_is_refused_without_echoing_them() -> None:
    with pytest.raises(ConfigError) as caught:
        env(JIRA_URL=f"https://bot:{JIRA_API_TOKEN}@jira.example.com").require_jira()
    assert "JIRA_URL contains credentials" in str(caught.value)
    assert JIRA_API_TOKEN not in str(caught.value)


def test_github_app_with_pem_text_and_escaped_newlines() -> None:
    settings = env(GITHUB_APP_ID="12345", GITHUB_APP_PRIVATE_KEY=PEM.replace("\n", "\\n"))
    auth = settings.require_github()
    assert isinstance(auth, GitHubAppAuth)
    assert auth.app_id == 12345
    assert auth.installation_id is None
    assert auth.private_key.get_secret_value() == PEM


def test_github_app_wins_over_a_token_and_reads_a_key_file(tmp_path: Path) -> None:
    key_file = tmp_path / "app.pem"
    key_file.write_text(PEM)
    settings = env(
        GITHUB_TOKEN=TOKEN,
        GITHUB_APP_ID="7",
        GITHUB_APP_PRIVATE_KEY=str(key_file),
        GITHUB_APP_INSTALLATION_ID="99",
    )
    auth = settings.require_github()
    assert isinstance(auth, GitHubAppAuth)
    assert auth.private_key.get_secret_value() == PEM
    assert auth.installation_id == 99


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"GITHUB_APP_PRIVATE_KEY": PEM}, "GITHUB_APP_ID is not set but GITHUB_APP_PRIVATE_KEY"),
        ({"GITHUB_APP_ID": "7"}, "GITHUB_APP_PRIVATE_KEY is not set but GITHUB_APP_ID is"),
        (
            {"GITHUB_APP_ID": "my-app", "GITHUB_APP_PRIVATE_KEY": PEM},
            "GITHUB_APP_ID is 'my-app': expected the numeric App ID",
        ),
        (
            {
                "GITHUB_APP_ID": "7",
                "GITHUB_APP_PRIVATE_KEY": PEM,
                "GITHUB_APP_INSTALLATION_ID": "x",
            },
            "GITHUB_APP_INSTALLATION_ID is 'x': expected the numeric installation ID",
        ),
    ],
)
def test_incomplete_github_app(values: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(values).require_github()


@pytest.mark.parametrize("key", ["MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo", "x" * 5000])
def test_unusable_private_key_is_never_echoed(key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        env(GITHUB_APP_ID="7", GITHUB_APP_PRIVATE_KEY=key).require_github()
    assert "neither PEM text nor the path of a readable .pem file" in str(caught.value)
    assert key not in str(caught.value)


# --- Jira -------------------------------------------------------------------------------------


def test_jira_cloud_from_email_and_api_token() -> None:
    auth = Settings.from_env(CLOUD_ENV).require_jira()
    assert isinstance(auth, JiraCloudAuth)
    assert auth.url == "https://acme.atlassian.net"
    assert auth.email == "bot@acme.example"
    assert auth.api_token.get_secret_value() == JIRA_API_TOKEN


def test_jira_data_center_from_personal_access_token() -> None:
    auth = env(JIRA_URL="https://jira.acme.example", JIRA_TOKEN=JIRA_PAT).require_jira()
    assert isinstance(auth, JiraDataCenterAuth)
    assert auth.deployment == "datacenter"
    assert auth.token.get_secret_value() == JIRA_PAT


def test_jira_url_from_config_when_environment_has_none() -> None:
    config = parse_config("jira:\n  url: https://jira.acme.example\n").jira
    auth = env(JIRA_TOKEN=JIRA_PAT).require_jira(config)
    assert auth.url == "https://jira.acme.example"
    overridden = env(JIRA_TOKEN=JIRA_PAT, JIRA_URL="http://127.0.0.1:9000").require_jira(config)
    assert overridden.url == "http://127.0.0.1:9000"


def test_deployment_in_config_decides_which_token_is_needed() -> None:
    cloud = parse_config("jira:\n  deployment: cloud\n").jira
    datacenter = parse_config("jira:\n  deployment: datacenter\n").jira
    both = Settings.from_env({**CLOUD_ENV, "JIRA_TOKEN": JIRA_PAT})
    assert isinstance(both.require_jira(cloud), JiraCloudAuth)
    assert isinstance(both.require_jira(datacenter), JiraDataCenterAuth)
    with pytest.raises(ConfigError, match="JIRA_TOKEN is not set: Jira Data Center needs"):
        Settings.from_env(CLOUD_ENV).require_jira(datacenter)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "JIRA_URL is not set: pmsync needs the Jira site to create and read tickets"),
        (
            {"JIRA_URL": "jira.acme.example"},
            "JIRA_URL is 'jira.acme.example': expected an http(s) URL such as "
            "https://acme.atlassian.net",
        ),
        (
            {"JIRA_URL": "https://acme.atlassian.net"},
            "JIRA_API_TOKEN is not set: Jira Cloud needs an API token",
        ),
        (
            {"JIRA_URL": "https://acme.atlassian.net", "JIRA_API_TOKEN": JIRA_API_TOKEN},
            "JIRA_EMAIL is not set: Jira Cloud signs in with the email",
        ),
    ],
)
def test_missing_jira_settings_name_the_variable(values: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(values).require_jira()
    assert str(caught.value).startswith(message)


def test_data_center_token_on_cloud_is_explained() -> None:
    cloud = parse_config("jira:\n  deployment: cloud\n").jira
    settings = env(JIRA_URL="https://acme.atlassian.net", JIRA_TOKEN=JIRA_PAT)
    with pytest.raises(ConfigError, match="JIRA_TOKEN is set, but it is a Data Center"):
        settings.require_jira(cloud)


def test_settings_are_frozen() -> None:
    settings = env(GITHUB_TOKEN=TOKEN)
    with pytest.raises(ValueError, match="frozen"):
        settings.jira_url = "https://x.example"  # type: ignore[misc]
