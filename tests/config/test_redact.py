"""Known secrets never reach logs or printed errors, in any of the forms they leak in."""

from __future__ import annotations

import base64
import io
import json
import logging
import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import requests
import responses
from github import Auth, Github, GithubException
from hypothesis import given, settings
from hypothesis import strategies as st
from jira import JIRA, JIRAError

from pmsync.config.redact import (
    MASK,
    MIN_SECRET_LENGTH,
    RedactingFilter,
    Redactor,
    install_redaction,
    redact,
    secret_forms,
)
from pmsync.config.settings import Settings

GITHUB_TOKEN = "ghp_R3dactM3PleaseAbCdEfGhIjKlMnOpQrSt"
JIRA_EMAIL = "bot@acme.example"
JIRA_API_TOKEN = "ATATT3xFfGF0+Jira/Cloud=Token&42"
JIRA_PAT = "NjI5MzQ2ODU3MTc0OkRhdGFDZW50ZXJQQVQ"
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
    "-----END RSA PRIVATE KEY-----\n"
)
SETTINGS = Settings.from_env(
    {
        "GITHUB_TOKEN": GITHUB_TOKEN,
        "GITHUB_APP_ID": "7",
        "GITHUB_APP_PRIVATE_KEY": PEM,
        "JIRA_URL": "https://acme.atlassian.net",
        "JIRA_EMAIL": JIRA_EMAIL,
        "JIRA_API_TOKEN": JIRA_API_TOKEN,
        "JIRA_TOKEN": JIRA_PAT,
    }
)
BASIC = base64.b64encode(f"{JIRA_EMAIL}:{JIRA_API_TOKEN}".encode()).decode()
# Every shape a leaked secret was seen in; none may survive redaction.
LEAKED_FORMS = [
    GITHUB_TOKEN,
    JIRA_API_TOKEN,
    JIRA_PAT,
    BASIC,
    quote(JIRA_API_TOKEN, safe=""),
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
]


def assert_clean(text: str) -> None:
    for form in LEAKED_FORMS:
        assert form not in text, f"{form!r} leaked in {text!r}"


@pytest.fixture
def redactor() -> Redactor:
    return Redactor(SETTINGS.secret_values())


@pytest.fixture
def log_output() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A private root-like logger with one handler writing to a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("redact-test")
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    yield root, stream
    root.removeHandler(handler)
    for held in list(root.filters):
        root.removeFilter(held)


# --- redact() ---------------------------------------------------------------------------------


def test_plain_token_is_masked(redactor: Redactor) -> None:
    text = f"Authorization: token {GITHUB_TOKEN}"
    assert redactor.redact(text) == f"Authorization: token {MASK}"


def test_basic_auth_header_is_masked(redactor: Redactor) -> None:
    assert redactor.redact(f"{{'Authorization': 'Basic {BASIC}'}}") == (
        f"{{'Authorization': 'Basic {MASK}'}}"
    )


def test_url_encoded_token_is_masked(redactor: Redactor) -> None:
    url = f"https://acme.atlassian.net/x?token={quote(JIRA_API_TOKEN, safe='')}&a=1"
    assert redactor.redact(url) == f"https://acme.atlassian.net/x?token={MASK}&a=1"


def test_private_key_is_masked_whole_line_by_line_and_escaped(redactor: Redactor) -> None:
    assert redactor.redact(PEM.strip()) == MASK  # the environment value, stripped
    one_line = PEM.splitlines()[1]
    assert redactor.redact(f"bad key line: {one_line}") == f"bad key line: {MASK}"
    assert_clean(redactor.redact(json.dumps({"key": PEM})))


def test_redact_function_takes_plain_secrets() -> None:
    assert redact("user s3cr3t-value here", ["s3cr3t-value"]) == f"user {MASK} here"


def test_too_short_values_are_left_alone() -> None:
    assert redact("a bc abc", ["abc"]) == "a bc abc"
    assert secret_forms("abc") == set()


def test_longest_form_is_masked_first() -> None:
    assert redact("key=abcdefgh", ["abcd", "abcdefgh"]) == f"key={MASK}"


def test_secret_minted_at_run_time_can_be_added(redactor: Redactor) -> None:
    installation_token = "ghs_InstallationTokenMintedAtRunTime"
    assert installation_token in redactor.redact(installation_token)
    redactor.add(installation_token)
    assert redactor.redact(f"token {installation_token}") == f"token {MASK}"


def test_nothing_to_redact_leaves_text_unchanged() -> None:
    assert Redactor().redact("GITHUB_TOKEN is not set") == "GITHUB_TOKEN is not set"


@settings(max_examples=300, deadline=None)
@given(
    secret=st.text(min_size=MIN_SECRET_LENGTH, max_size=30),
    before=st.text(max_size=30),
    after=st.text(max_size=30),
)
def test_no_form_of_a_secret_survives(secret: str, before: str, after: str) -> None:
    for form in secret_forms(secret):
        masked = redact(before + form + after, [secret])
        assert secret not in masked
        assert form not in masked


# --- logging ----------------------------------------------------------------------------------


def test_log_arguments_messages_and_child_loggers_are_masked(
    log_output: tuple[logging.Logger, io.StringIO],
) -> None:
    root, stream = log_output
    install_redaction(SETTINGS, root)
    root.info("calling with %s", GITHUB_TOKEN)
    root.getChild("adapters.jira").warning(f"header Basic {BASIC}")
    root.getChild("adapters.github").error("%(token)s", {"token": JIRA_PAT})
    output = stream.getvalue()
    assert output.count(MASK) == 3
    assert_clean(output)


def test_tracebacks_in_logs_are_masked(log_output: tuple[logging.Logger, io.StringIO]) -> None:
    root, stream = log_output
    install_redaction(SETTINGS, root)
    try:
        raise RuntimeError(f"server refused token {GITHUB_TOKEN}")
    except RuntimeError:
        root.getChild("worker").exception("sync failed")
    output = stream.getvalue()
    assert "Traceback" in output and "RuntimeError: server refused token ***" in output
    assert_clean(output)


def test_installing_twice_replaces_the_filter(
    log_output: tuple[logging.Logger, io.StringIO],
) -> None:
    root, stream = log_output
    install_redaction(Settings(), root)
    install_redaction(SETTINGS, root)
    for holder in (root, *root.handlers):
        assert sum(isinstance(f, RedactingFilter) for f in holder.filters) == 1
    root.info(GITHUB_TOKEN)
    assert_clean(stream.getvalue())


def test_badly_formatted_record_is_still_masked(
    log_output: tuple[logging.Logger, io.StringIO],
) -> None:
    root, stream = log_output
    install_redaction(SETTINGS, root)
    root.info("two %s %s", GITHUB_TOKEN)  # one argument short
    assert_clean(stream.getvalue())
    assert MASK in stream.getvalue()


# --- errors from the real client libraries ----------------------------------------------------


@responses.activate
def test_jira_error_with_request_headers_is_masked(redactor: Redactor) -> None:
    url = "https://acme.atlassian.net/rest/api/2/issue/OPS-1"
    responses.get(url, json={"errorMessages": ["You are not authenticated."]}, status=401)
    client = JIRA(
        server="https://acme.atlassian.net",
        basic_auth=(JIRA_EMAIL, JIRA_API_TOKEN),
        get_server_info=False,
        max_retries=0,
    )
    with pytest.raises(JIRAError) as caught:
        client.issue("OPS-1")
    sent = responses.calls[0].request.headers["Authorization"]
    assert sent == f"Basic {BASIC}"  # what requests really put on the wire
    # An error message that quotes the request, as a careless adapter might write it.
    text = f"{caught.value}\n\trequest headers = {dict(responses.calls[0].request.headers)}"
    assert BASIC in text
    masked = redactor.redact(text)
    assert_clean(masked)
    assert "You are not authenticated." in masked


@responses.activate
def test_github_exception_is_masked(redactor: Redactor) -> None:
    responses.get(
        re.compile(r"https://api\.github\.com(:443)?/user"),
        json={"message": f"Bad credentials: {GITHUB_TOKEN}"},
        status=401,
    )
    client = Github(auth=Auth.Token(GITHUB_TOKEN), retry=None, seconds_between_requests=None)
    with pytest.raises(GithubException) as caught:
        _ = client.get_user().login
    assert responses.calls[0].request.headers["Authorization"] == f"token {GITHUB_TOKEN}"
    text = f"{caught.value} {responses.calls[0].request.headers}"
    assert GITHUB_TOKEN in text
    assert_clean(redactor.redact(text))


@responses.activate
def test_requests_connection_error_with_token_in_url_is_masked(redactor: Redactor) -> None:
    with pytest.raises(requests.ConnectionError) as caught:
        requests.get(
            "https://jira.acme.example/rest/api/2/myself",
            params={"token": JIRA_API_TOKEN},
            timeout=1,
        )
    assert quote(JIRA_API_TOKEN, safe="") in str(caught.value)
    assert_clean(redactor.redact(str(caught.value)))


def test_shortened_masks_before_it_cuts() -> None:
    secret = "s3cret-token-value-0123456789"
    text = "x" * 480 + secret + " tail"
    shortened = Redactor([secret]).shortened(text)
    assert len(shortened) <= 500 and "s3cret" not in shortened
    assert shortened.endswith("*** tail")
