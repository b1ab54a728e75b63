"""Jira Cloud service accounts (issue #21, part 7): a scoped API token must call
``https://api.atlassian.com/ex/jira/{cloudId}``, while the links pmsync writes for people
stay on the site; ``pmsync doctor`` names the cloud id when the site answers such a token 401."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import responses
from support.realdata import load_json

from pmsync.adapters.jira import JiraAdapter
from pmsync.adapters.jira_answers import classify
from pmsync.adapters.retry import Remote, RequestLog, RetryPolicy
from pmsync.config.redact import install_redaction
from pmsync.config.schema import Config
from pmsync.config.settings import JiraCloudAuth, Settings
from pmsync.entry.run import connect
from pmsync.errors import ConfigError
from pmsync.orchestration.doctor import jira_checks

SITE = "https://acme.atlassian.net"
CLOUD_ID = "35273b54-3f06-40d2-880f-dd28cf8daafa"
API = f"https://api.atlassian.com/ex/jira/{CLOUD_ID}"
TOKEN = "ATATT3xFfGF0ScopedServiceAccountToken"
SEARCH = load_json("jira-responses/jira-cli-testdata/search.json")
ENV = {
    "JIRA_URL": SITE,
    "JIRA_EMAIL": "pmsync-bot@serviceaccount.atlassian.com",
    "JIRA_API_TOKEN": TOKEN,
    "GITHUB_TOKEN": "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
}


def cloud(config: dict[str, Any] | None = None, **env: str) -> JiraCloudAuth:
    settings = Settings.from_env({**ENV, **env})
    auth = settings.require_jira(Config.model_validate({"jira": config or {}}).jira)
    assert isinstance(auth, JiraCloudAuth)
    return auth


def adapter(api_url: str | None) -> tuple[JiraAdapter, RequestLog]:
    log = RequestLog()
    remote = Remote("jira", classify, policy=RetryPolicy(max_attempts=1), log=log, sleep=print)
    made = JiraAdapter.connect(
        SITE, TOKEN, email=ENV["JIRA_EMAIL"], deployment="cloud", remote=remote, api_url=api_url
    )
    return made, log


def test_requests_go_to_the_site_unless_told_otherwise() -> None:
    assert cloud().api_url is None
    assert cloud({"cloud_id": CLOUD_ID}).api_url == API
    assert cloud(JIRA_API_URL=f"{API}/").api_url == API
    # the environment overrides the configuration, as JIRA_URL does jira.url
    other = "https://api.atlassian.com/ex/jira/other"
    assert cloud({"cloud_id": CLOUD_ID}, JIRA_API_URL=other).api_url == other
    assert cloud({"cloud_id": CLOUD_ID}).url == SITE


def test_a_bad_api_url_or_a_cloud_id_on_data_center_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"JIRA_API_URL is 'api\.atlassian\.com'.*ex/jira"):
        cloud(JIRA_API_URL="api.atlassian.com")
    with pytest.raises(ConfigError, match="JIRA_API_URL contains credentials"):
        cloud(JIRA_API_URL=f"https://bot:{TOKEN}@api.atlassian.com/ex/jira/x")
    settings = Settings.from_env({"JIRA_URL": SITE, "JIRA_TOKEN": "NjI5MzQ2ODU3MTc0OkRD"})
    config = Config.model_validate({"jira": {"cloud_id": CLOUD_ID, "deployment": "datacenter"}})
    with pytest.raises(ConfigError, match=r"jira.cloud_id is set but jira.deployment"):
        settings.require_jira(config.jira)


def test_config_check_lists_the_variable() -> None:
    assert Settings.from_env({**ENV, "JIRA_API_URL": API}).is_set()["JIRA_API_URL"] is True
    assert Settings.from_env(ENV).is_set()["JIRA_API_URL"] is False


@responses.activate
def test_requests_go_to_api_atlassian_com_and_links_stay_on_the_site() -> None:
    responses.get(f"{API}/rest/api/2/search/jql", json={"issues": SEARCH["issues"], "isLast": True})
    jira, log = adapter(API)
    tickets = jira.tickets_with_labels(["pmsync-pm-0123456789"])
    assert [call.request.url.split("?")[0] for call in responses.calls] == [
        f"{API}/rest/api/2/search/jql"
    ]
    assert tickets[0].url == f"{SITE}/browse/TEST-1"
    assert jira.server_url == SITE
    assert log.count("jira", write=False) == 1


@responses.activate
def test_a_run_composed_from_the_settings_calls_the_api_url() -> None:
    responses.get(f"{API}/rest/api/2/myself", json={"accountId": "712020:bot"})
    settings = Settings.from_env(ENV)
    config = Config.model_validate({"jira": {"cloud_id": CLOUD_ID, "deployment": "cloud"}})
    clients = connect(settings, config)
    assert (clients.jira.server_url, clients.jira.api_url) == (SITE, API)
    assert clients.jira.site.whoami() == {"accountId": "712020:bot"}


@responses.activate
def test_a_401_from_the_site_names_the_cloud_id_the_site_tells() -> None:
    responses.get(f"{SITE}/rest/api/2/myself", status=401, json={"errorMessages": ["no"]})
    responses.get(f"{SITE}/_edge/tenant_info", json={"cloudId": CLOUD_ID})
    jira, _ = adapter(None)
    [check] = jira_checks(jira.site, Config(), deployment="cloud", site_url=SITE)
    assert check.verdict == "fail"
    assert f"jira.cloud_id: {CLOUD_ID}" in check.fix
    assert f"JIRA_API_URL={API}" in check.fix


@responses.activate
def test_a_site_that_does_not_tell_its_id_gets_the_way_to_find_it() -> None:
    responses.get(f"{SITE}/rest/api/2/myself", status=401, json={"errorMessages": ["no"]})
    responses.get(f"{SITE}/_edge/tenant_info", status=404, body="<html>Not found</html>")
    jira, _ = adapter(None)
    [check] = jira_checks(jira.site, Config(), deployment="cloud", site_url=SITE)
    assert "CLOUD_ID" in check.fix
    assert f"{SITE}/_edge/tenant_info" in check.fix


@responses.activate
def test_a_401_through_the_api_url_does_not_send_people_to_it_again() -> None:
    responses.get(f"{API}/rest/api/2/myself", status=401, json={"errorMessages": ["no"]})
    jira, _ = adapter(API)
    [check] = jira_checks(jira.site, Config(), deployment="cloud", site_url=SITE, api_url=API)
    assert check.verdict == "fail"
    assert "cloud_id" not in check.fix
    assert len(responses.calls) == 1  # no tenant_info read


@responses.activate
def test_the_token_never_shows_in_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    responses.get(f"{API}/rest/api/2/myself", status=401, json={"errorMessages": [TOKEN]})
    settings = Settings.from_env({**ENV, "JIRA_API_URL": API})
    logger = logging.getLogger("pmsync.test.service_account")
    logger.addHandler(caplog.handler)
    install_redaction(settings, logger)
    jira, _ = adapter(API)
    [check] = jira_checks(jira.site, Config(), deployment="cloud", site_url=SITE, api_url=API)
    request = responses.calls[0].request
    logger.warning("doctor: %s %s %s", check.detail, request.url, request.headers)
    logger.removeHandler(caplog.handler)
    assert API in caplog.text
    assert TOKEN not in caplog.text
    assert "Authorization" in caplog.text
