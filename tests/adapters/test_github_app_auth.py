"""Acting as a GitHub App: the exact requests from app id + private key to an installation
token, the token's use and its redaction, and the errors a misconfigured App gets.

The answers are GitHub's own examples from its OpenAPI description (tests/data/openapi).
"""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path
from typing import Any

import jwt
import pytest
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr
from support.github_api import github_remote
from support.realdata import load_json
from support.sandbox_pmsync import write_config

from pmsync.adapters.github import GitHubAdapter
from pmsync.adapters.retry import RequestLog
from pmsync.config.redact import Redactor, secret_forms
from pmsync.config.settings import GitHubAppAuth, Settings
from pmsync.entry.cli import main
from pmsync.errors import ConfigError

API = "https://ghe.acme.example:443/api/v3"  # PyGithub always names the port
REPO = "acme/payments"
APP_ID = 424242
INSTALLATION_ID = 9876543
_EXAMPLES = load_json("openapi/github-rest-api.cut.json")["components"]["examples"]
TOKEN = _EXAMPLES["installation-token"]["value"]["token"]  # ghs_…, GitHub's own example
INSTALLATION_URL = f"{API}/repos/{REPO}/installation"
TOKEN_URL = f"{API}/app/installations/{INSTALLATION_ID}/access_tokens"


def _rebased(value: Any) -> Any:
    return json.loads(json.dumps(value).replace("https://api.github.com", API))


def installation() -> dict[str, Any]:
    found = copy.deepcopy(_EXAMPLES["installation"]["value"])
    found.update(id=INSTALLATION_ID, app_id=APP_ID, app_slug="pmsync-acme")
    found["access_tokens_url"] = TOKEN_URL
    return dict(_rebased(found))


def installation_token() -> dict[str, Any]:
    return dict(_rebased(_EXAMPLES["installation-token"]["value"]))


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    """A throwaway App key, made for this test module."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode("ascii")


def app_auth(pem: str, installation_id: int | None = None) -> GitHubAppAuth:
    return GitHubAppAuth(
        api_url=API, app_id=APP_ID, private_key=SecretStr(pem), installation_id=installation_id
    )


def connect(
    auth: GitHubAppAuth, redactor: Redactor | None = None, repository: str | None = REPO
) -> tuple[GitHubAdapter, RequestLog]:
    remote, request_log = github_remote()
    adapter = GitHubAdapter.connect(
        auth,
        remote=remote,
        throttle=False,
        repository=repository,
        on_token=(redactor or Redactor()).add,
    )
    return adapter, request_log


def signed_by_the_app(request: Any, key: rsa.RSAPrivateKey) -> bool:
    scheme, _, token = request.headers["Authorization"].partition(" ")
    claims = jwt.decode(token, key.public_key(), algorithms=["RS256"])
    return (
        scheme == "Bearer" and str(claims["iss"]) == str(APP_ID) and claims["exp"] > claims["iat"]
    )


def test_the_installation_of_the_repository_gives_the_token_every_request_then_uses(
    mocked: responses.RequestsMock, key: rsa.RSAPrivateKey, pem: str
) -> None:
    mocked.get(INSTALLATION_URL, json=installation())
    mocked.post(TOKEN_URL, json=installation_token(), status=201)
    mocked.get(f"{API}/repos/{REPO}/issues/1/comments", json=[])
    adapter, request_log = connect(app_auth(pem))

    assert [(c.request.method, c.request.url) for c in mocked.calls] == [
        ("GET", INSTALLATION_URL),
        ("POST", TOKEN_URL),
    ]
    assert all(signed_by_the_app(call.request, key) for call in mocked.calls)
    assert json.loads(mocked.calls[1].request.body or "") == {"permissions": {}}
    assert [(r.method, r.path, r.write) for r in request_log.records] == [
        ("GET", f"/repos/{REPO}/installation", False),
        ("POST", f"/app/installations/{INSTALLATION_ID}/access_tokens", True),
    ]

    # The run's requests carry the installation token; the App knows its own comments
    # as <app-slug>[bot] without GET /user, which installation tokens may not call.
    assert adapter.identity() == "pmsync-acme[bot]"
    assert adapter.bot_comments(REPO, 1) == ()
    assert mocked.calls[2].request.headers["Authorization"] == f"token {TOKEN}"
    assert len(mocked.calls) == 3


def test_a_configured_installation_is_read_by_its_id(
    mocked: responses.RequestsMock, key: rsa.RSAPrivateKey, pem: str
) -> None:
    mocked.get(f"{API}/app/installations/{INSTALLATION_ID}", json=installation())
    mocked.post(TOKEN_URL, json=installation_token(), status=201)
    adapter, request_log = connect(app_auth(pem, INSTALLATION_ID))
    assert request_log.count() == 2
    assert all(signed_by_the_app(call.request, key) for call in mocked.calls)
    assert adapter.identity() == "pmsync-acme[bot]"


def test_without_a_repository_the_only_installation_is_taken(
    mocked: responses.RequestsMock, pem: str
) -> None:
    mocked.get(f"{API}/app/installations", json=[installation()])
    mocked.post(TOKEN_URL, json=installation_token(), status=201)
    connect(app_auth(pem), repository=None)
    assert len(mocked.calls) == 2


def test_several_installations_and_no_repository_is_a_config_error(
    mocked: responses.RequestsMock, pem: str
) -> None:
    other = installation() | {"id": 1}
    mocked.get(f"{API}/app/installations", json=[installation(), other])
    with pytest.raises(ConfigError, match=r"2 installations.*GITHUB_APP_INSTALLATION_ID"):
        connect(app_auth(pem), repository=None)


def test_the_token_is_redacted_from_the_moment_it_exists(
    mocked: responses.RequestsMock, pem: str, caplog: pytest.LogCaptureFixture
) -> None:
    mocked.get(INSTALLATION_URL, json=installation())
    mocked.post(TOKEN_URL, json=installation_token(), status=201)
    redactor = Redactor()
    # PyGithub keeps its own logger at INFO; someone debugging turns it up.
    with caplog.at_level(logging.DEBUG, logger="github"):
        connect(app_auth(pem), redactor)
    assert redactor.redact(f"Authorization: token {TOKEN}") == "Authorization: token ***"
    # PyGithub logs whole answers at debug level; the token's answer is not among them.
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"/repos/{REPO}/installation" in logged  # the other request is logged
    assert not any(form in logged for form in secret_forms(TOKEN))
    assert not logging.getLogger("github.Requester").disabled


def test_an_app_not_installed_on_the_repository_is_told_how_to_fix_it(
    mocked: responses.RequestsMock, pem: str
) -> None:
    not_found = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
    mocked.get(INSTALLATION_URL, json=not_found, status=404)
    with pytest.raises(ConfigError) as caught:
        connect(app_auth(pem))
    assert f"the GitHub App {APP_ID} is not installed on {REPO}" in str(caught.value)
    assert "GITHUB_APP_INSTALLATION_ID" in str(caught.value)


def test_a_key_of_another_app_is_refused_with_the_variables_named(
    mocked: responses.RequestsMock, pem: str
) -> None:
    refused = {
        "message": "A JSON web token could not be decoded",
        "documentation_url": "https://docs.github.com/rest",
    }
    mocked.get(INSTALLATION_URL, json=refused, status=401)
    with pytest.raises(ConfigError) as caught:
        connect(app_auth(pem))
    message = str(caught.value)
    assert "A JSON web token could not be decoded" in message
    assert f"GITHUB_APP_ID ({APP_ID}) and GITHUB_APP_PRIVATE_KEY" in message
    assert "BEGIN" not in message


def test_a_key_that_cannot_sign_is_refused_before_any_request(
    mocked: responses.RequestsMock, pem: str
) -> None:
    mangled = pem.replace(pem.splitlines()[3], "A" * 64)
    with pytest.raises(ConfigError, match="not a usable RSA private key") as caught:
        connect(app_auth(mangled))
    assert not any(line in str(caught.value) for line in mangled.splitlines()[1:-1])
    assert len(mocked.calls) == 0


# A refusal that quotes the token back.
ECHO = {"message": f"token {TOKEN} may not list issues", "documentation_url": "x"}


@pytest.fixture
def app_config(
    pem: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mocked: responses.RequestsMock
) -> Path:
    """The environment with App credentials only, GitHub ready to mint the installation
    token of REPO, and a config file; its path."""
    monkeypatch.setenv("GITHUB_API_URL", API)
    monkeypatch.setenv("GITHUB_APP_ID", str(APP_ID))
    monkeypatch.setenv("GITHUB_APP_PRIVATE_KEY", pem.replace("\n", "\\n"))  # as CI passes it
    monkeypatch.setenv("JIRA_URL", "https://acme.atlassian.net")
    monkeypatch.setenv("JIRA_EMAIL", "pmsync@acme.example")
    monkeypatch.setenv("JIRA_API_TOKEN", "jira-api-token-for-the-app-test")
    mocked.get(INSTALLATION_URL, json=installation())
    mocked.post(TOKEN_URL, json=installation_token(), status=201)
    return write_config(tmp_path)


@pytest.mark.parametrize(
    ("command", "path"), [("sync", f"/repos/{REPO}/issues"), ("report", "/search/issues")]
)
def test_the_cli_acts_as_the_app_and_masks_its_token(
    mocked: responses.RequestsMock,
    app_config: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    path: str,
) -> None:
    """`pmsync sync` and `pmsync report` with only App credentials: the token is minted for
    the repository they read, and an error that quotes the token back shows it masked."""
    mocked.get(f"{API}{path}", json=ECHO, status=403)

    assert main([command, "--config", str(app_config), "--repo", REPO]) == 4
    out, err = capsys.readouterr()
    assert f"github GET {path} answered 403: token *** may not list issues" in err
    assert not any(form in out + err for form in secret_forms(TOKEN))
    assert mocked.calls[2].request.headers["Authorization"] == f"token {TOKEN}"


def test_the_worker_acts_as_the_app_and_masks_its_token(
    mocked: responses.RequestsMock,
    app_config: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each job mints a token for the worker's first repository (the sync's and the
    digest's), and its failure is logged with the token masked."""
    caplog.set_level(logging.INFO, logger="pmsync.entry.worker")
    mocked.get(f"{API}/repos/{REPO}/issues", json=ECHO, status=403)
    mocked.get(f"{API}/search/issues", json=ECHO, status=403)

    assert main(["worker", "--once", "--config", str(app_config), "--repo", REPO]) == 1
    out, err = capsys.readouterr()
    logged = caplog.text
    assert f"github GET /repos/{REPO}/issues answered 403: token *** may not list" in logged
    assert "github GET /search/issues answered 403: token *** may not list" in logged
    assert not any(form in out + err + logged for form in secret_forms(TOKEN))
    minted = [c for c in mocked.calls if c.request.url == TOKEN_URL]
    assert len(minted) == 2  # one token per job run


def key_lines(pem: str) -> list[str]:
    """The base64 lines of a PEM key, which the redactor masks one by one."""
    return [line for line in pem.splitlines() if line and not line.startswith("-----")]


@pytest.mark.parametrize("given", ["path", "escaped"])
def test_the_key_itself_is_a_secret_however_it_is_given(
    pem: str, tmp_path: Path, given: str
) -> None:
    """A path (or escaped newlines) in GITHUB_APP_PRIVATE_KEY: the PEM that pmsync reads
    from it is masked, not only the variable's own value."""
    key_file = tmp_path / "app.pem"
    key_file.write_text(pem, encoding="ascii")
    value = str(key_file) if given == "path" else pem.replace("\n", "\\n")
    settings = Settings.from_env({"GITHUB_APP_PRIVATE_KEY": value})
    assert pem in settings.secret_values()
    redactor = Redactor(settings.secret_values())
    lines = key_lines(pem)
    quoted = f"refused key {pem} (its 3rd line: {lines[2]})"
    assert redactor.redact(quoted) == "refused key *** (its 3rd line: ***)"


def test_a_key_file_that_is_not_a_key_adds_no_secret(tmp_path: Path) -> None:
    not_a_key = tmp_path / "notes.txt"
    not_a_key.write_text("just some notes\n", encoding="utf-8")
    settings = Settings.from_env({"GITHUB_APP_PRIVATE_KEY": str(not_a_key)})
    assert settings.secret_values() == [str(not_a_key)]


def test_the_cli_masks_a_key_read_from_a_file(
    mocked: responses.RequestsMock,
    pem: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """GitHub's refusal quotes a line of the key that pmsync read from a file: the error
    the user sees, and its annotation in Actions, show it masked."""
    config = write_config(tmp_path)
    key_file = tmp_path / "app.pem"
    key_file.write_text(pem, encoding="ascii")
    summary = tmp_path / "summary.md"
    for name, value in {
        "GITHUB_API_URL": API,
        "GITHUB_APP_ID": str(APP_ID),
        "GITHUB_APP_PRIVATE_KEY": str(key_file),
        "JIRA_URL": "https://acme.atlassian.net",
        "JIRA_EMAIL": "pmsync@acme.example",
        "JIRA_API_TOKEN": "jira-api-token-for-the-app-test",
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
    }.items():
        monkeypatch.setenv(name, value)
    line = key_lines(pem)[5]
    refused = {"message": f"key line {line} could not be decoded", "documentation_url": "x"}
    mocked.get(INSTALLATION_URL, json=refused, status=401)

    assert main(["sync", "--config", str(config), "--repo", REPO]) == 3
    out, err = capsys.readouterr()
    assert "key line *** could not be decoded" in err
    shown = out + err + summary.read_text(encoding="utf-8")
    assert "could not be decoded" in summary.read_text(encoding="utf-8")
    assert not any(form in shown for form in secret_forms(line))


def test_the_apps_jwt_is_masked_before_any_request_carries_it(
    mocked: responses.RequestsMock, pem: str
) -> None:
    mocked.get(INSTALLATION_URL, json=installation())
    mocked.post(TOKEN_URL, json=installation_token(), status=201)
    redactor = Redactor()
    connect(app_auth(pem), redactor)
    sent = [call.request.headers["Authorization"] for call in mocked.calls]
    assert [redactor.redact(header) for header in sent] == ["Bearer ***", "Bearer ***"]
