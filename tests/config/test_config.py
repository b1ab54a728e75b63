"""Loading, lookup order and error messages of the configuration file."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from pmsync.config.loading import find_config_file, load_config, parse_config
from pmsync.config.problems import _SECRET_KEY, InvalidConfig
from pmsync.config.schema import (
    SCHEMA_PATH,
    Config,
    Person,
    config_json_schema,
    config_json_schema_text,
)
from pmsync.core.domain.model import Priority
from pmsync.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_CONFIGS = sorted((ROOT / "config").glob("*.yml"))

# The minimal file of issue 2, exactly as written there.
MINIMAL = """\
github:
  repositories: [acme/payments, acme/storefront]
jira:
  project: OPS
people:
  alice: {jira_account: alice, email: alice@example.com}
  bob: {jira_account: bob, email: bob@example.com}
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(InvalidConfig) as caught:
        parse_config(text, "pmsync.yml")
    return [str(problem) for problem in caught.value.problems]


def only_problem(text: str) -> str:
    problems = problems_of(text)
    assert len(problems) == 1, problems
    return problems[0]


# --- good files -------------------------------------------------------------------------------


def test_minimal_file_from_the_issue_loads_with_defaults_for_the_rest() -> None:
    config = parse_config(MINIMAL)
    assert config.github.repositories == ["acme/payments", "acme/storefront"]
    assert config.jira.project == "OPS"
    assert config.people["alice"].jira_account == "alice"
    assert config.people["bob"].email == "bob@example.com"
    assert config.jira.priorities[Priority.P0] == "Highest"
    assert config.followup.milestones_days == [14, 28]
    assert config.repeats.lookback_days == 180
    assert config.lint.max_action_items == 10


def test_empty_file_means_all_defaults() -> None:
    assert parse_config("") == Config()
    assert parse_config("# only a comment\n") == Config()


def test_null_section_takes_its_defaults() -> None:
    config = parse_config("github:\n  repositories: [acme/x]\njira:\nlint:\n  due_far_days:\n")
    assert config.jira == Config().jira
    assert config.lint.due_far_days == 30


@pytest.mark.parametrize("path", SHIPPED_CONFIGS, ids=lambda p: p.name)
def test_every_shipped_config_loads(path: Path) -> None:
    config = load_config(path)
    assert config.github.repositories, "a shipped example should name repositories"


def test_shipped_configs_exist() -> None:
    names = {path.name for path in SHIPPED_CONFIGS}
    assert {"pmsync.example.yml", "pmsync.minimal.yml"} <= names


def test_minimal_shipped_file_is_the_one_from_the_issue() -> None:
    shipped = yaml.safe_load((ROOT / "config/pmsync.minimal.yml").read_text())
    assert shipped == yaml.safe_load(MINIMAL)


def _field_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    paths: set[str] = set()
    for name, field in model.model_fields.items():
        paths.add(prefix + name)
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            paths |= _field_paths(field.annotation, f"{prefix}{name}.")
    return paths


def _data_paths(data: Any, prefix: str = "") -> set[str]:
    paths: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            paths.add(prefix + str(key))
            paths |= _data_paths(value, f"{prefix}{key}.")
    return paths


def test_example_sets_every_key() -> None:
    data = yaml.safe_load((ROOT / "config/pmsync.example.yml").read_text())
    missing = _field_paths(Config) - _data_paths(data)
    assert not missing, f"config/pmsync.example.yml does not show {sorted(missing)}"
    person = next(iter(data["people"].values()))
    assert set(person) == set(Person.model_fields)
    assert set(data["jira"]["sync_direction"]) == {"action", "priority", "owner", "due"}


def test_example_points_editors_at_the_schema() -> None:
    for path in SHIPPED_CONFIGS:
        first = path.read_text().splitlines()[0]
        assert first == "# yaml-language-server: $schema=./pmsync.schema.json", path


# --- JSON Schema ------------------------------------------------------------------------------


def test_checked_in_schema_is_current() -> None:
    checked_in = (ROOT / SCHEMA_PATH).read_text(encoding="utf-8")
    assert checked_in == config_json_schema_text(), (
        "config/pmsync.schema.json is stale; run `pmsync config schema --write`"
    )


@pytest.mark.parametrize("path", SHIPPED_CONFIGS, ids=lambda p: p.name)
def test_shipped_configs_satisfy_the_schema(path: Path) -> None:
    jsonschema.validate(yaml.safe_load(path.read_text()), config_json_schema())


def test_schema_rejects_what_the_model_rejects() -> None:
    schema = config_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert not validator.is_valid({"jira": {"projct": "OPS"}})
    assert not validator.is_valid({"jira": {"priorities": {"P5": "Blocker"}}})
    assert not validator.is_valid({"repeats": {"rule": "weekly"}})
    assert validator.is_valid(yaml.safe_load(MINIMAL))


def test_schema_describes_every_field_for_editors() -> None:
    schema = config_json_schema()
    undescribed = [
        f"{name}.{field}"
        for name, definition in schema["$defs"].items()
        for field, spec in definition.get("properties", {}).items()
        if not spec.get("description")
    ]
    undescribed += [f for f, spec in schema["properties"].items() if not spec.get("description")]
    assert not undescribed


# --- lookup order -----------------------------------------------------------------------------


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config").mkdir()
    (tmp_path / ".github").mkdir()
    return tmp_path


def write(path: Path, project: str) -> Path:
    path.write_text(f"jira:\n  project: {project}\n")
    return path


def test_no_file_anywhere_gives_defaults(workdir: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="pmsync.config.loading"):
        assert load_config(None, environ={}) == Config()
    assert "using defaults" in caplog.text


def test_github_folder_is_the_last_resort(workdir: Path) -> None:
    write(workdir / ".github/pmsync.yml", "GH")
    assert load_config(None, environ={}).jira.project == "GH"


def test_config_folder_wins_over_github_folder(workdir: Path) -> None:
    write(workdir / ".github/pmsync.yml", "GH")
    write(workdir / "config/pmsync.yml", "CFG")
    assert load_config(None, environ={}).jira.project == "CFG"


def test_environment_variable_wins_over_default_paths(workdir: Path) -> None:
    write(workdir / "config/pmsync.yml", "CFG")
    chosen = write(workdir / "env.yml", "ENV")
    assert load_config(None, environ={"PMSYNC_CONFIG": str(chosen)}).jira.project == "ENV"


def test_empty_environment_variable_is_ignored(workdir: Path) -> None:
    write(workdir / "config/pmsync.yml", "CFG")
    assert load_config(None, environ={"PMSYNC_CONFIG": ""}).jira.project == "CFG"


def test_explicit_path_wins_over_everything(
    workdir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(workdir / "config/pmsync.yml", "CFG")
    env_file = write(workdir / "env.yml", "ENV")
    explicit = write(workdir / "mine.yml", "MINE")
    with caplog.at_level(logging.DEBUG, logger="pmsync.config.loading"):
        config = load_config(str(explicit), environ={"PMSYNC_CONFIG": str(env_file)})
    assert config.jira.project == "MINE"
    assert f"configuration from {explicit}" in caplog.text


def test_missing_explicit_file_is_an_error(workdir: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.yml \(from the command line\) does not exist"):
        load_config("nope.yml", environ={})


def test_missing_file_named_by_environment_names_the_variable(workdir: Path) -> None:
    with pytest.raises(ConfigError, match=r"gone\.yml \(from \$PMSYNC_CONFIG\) does not exist"):
        find_config_file(None, {"PMSYNC_CONFIG": "gone.yml"})


def test_folder_instead_of_file_is_an_error(workdir: Path) -> None:
    with pytest.raises(ConfigError, match=r"config \(from \$PMSYNC_CONFIG\) is a folder"):
        load_config(None, environ={"PMSYNC_CONFIG": "config"})


def test_problems_name_the_file(workdir: Path) -> None:
    path = workdir / "config/pmsync.yml"
    path.write_text("jira:\n  project: ops\n")
    with pytest.raises(InvalidConfig) as caught:
        load_config(None, environ={})
    assert str(caught.value).startswith(f"{Path('config/pmsync.yml')} has 1 problem:\n")
    assert caught.value.exit_code == 3


def test_unreadable_file_is_a_config_error(workdir: Path) -> None:
    path = workdir / "config/pmsync.yml"
    path.write_bytes(b"jira:\n  project: \xff\xfe\n")
    with pytest.raises(ConfigError, match="cannot read configuration file"):
        load_config(None, environ={})


# --- typical mistakes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "jira:\n  priorities: {P0: Highest, P1: High, P2: Medium, P5: Low}\n",
            "line 2: jira.priorities.P5: found key 'P5'; expected 'P0', 'P1', 'P2' or 'P3'",
        ),
        (
            "jira:\n  priorities: {P0: Blocker, P1: Critical}\n",
            "line 2: jira.priorities: expected a Jira priority name for each of P0, P1, P2, P3; "
            "missing P2, P3",
        ),
        ("jira:\n  projct: OPS\n", "line 2: jira.projct: unknown key; did you mean 'project'?"),
        ("githib:\n  repositories: []\n", "line 1: githib: unknown key; did you mean 'github'?"),
        (
            "followup:\n  milestones-days: [14]\n",
            "line 2: followup.milestones-days: unknown key; did you mean 'milestones_days'?",
        ),
        (
            "jira:\n  zzz: 1\n",
            "line 2: jira.zzz: unknown key; expected one of url, deployment, project, "
            "projects_by_service, issue_type, issue_types, fields, link_type, cloud_id, "
            "priorities, dropped_resolutions, sync_direction, link_repeats",
        ),
        (
            "jira:\n  project: ops\n",
            "line 2: jira.project: found 'ops'; expected a Jira project key: an upper-case "
            "letter, then upper-case letters, digits or '_' (at least 2 characters), e.g. 'OPS'",
        ),
        (
            "jira:\n  projects_by_service:\n    payments: Pay-Team\n",
            "line 3: jira.projects_by_service.payments: found 'Pay-Team'; expected a Jira project "
            "key: an upper-case letter, then upper-case letters, digits or '_' (at least 2 "
            "characters)",
        ),
        (
            "people:\n  '@alice': {jira_account: alice}\n",
            "line 2: people.@alice: found key '@alice'; expected the GitHub login without '@', "
            "e.g. 'alice'",
        ),
        (
            "people:\n  alice smith: {email: a@example.com}\n",
            "line 2: people.alice smith: found key 'alice smith'; expected a GitHub login: "
            "letters, digits and single hyphens, at most 39 characters",
        ),
        (
            "people:\n  bob: {}\n",
            "line 2: people.bob: expected jira_account or email (or both) for this person",
        ),
        (
            "people:\n  bob:\n    email: bob at example\n",
            "line 3: people.bob.email: found 'bob at example'; expected an email address, "
            "e.g. alice@example.com",
        ),
        (
            "github:\n  repositories: [acme/payments, ACME/Payments]\n",
            "line 2: github.repositories: found ['acme/payments', 'ACME/Payments']; expected each "
            "repository once; 'ACME/Payments' is listed twice",
        ),
        (
            "github:\n  repositories: [acme/payments, acme/payments]\n",
            "line 2: github.repositories: found ['acme/payments', 'acme/payments']; expected each "
            "repository once; 'acme/payments' is listed twice",
        ),
        (
            "github:\n  repositories:\n    - acme/payments\n    - payments\n",
            "line 4: github.repositories[1]: found 'payments'; expected a repository as "
            "owner/name, e.g. acme/payments",
        ),
        (
            "github:\n  repositories: acme/payments\n",
            "line 2: github.repositories: found 'acme/payments'; expected a list, e.g. [one, two]",
        ),
        (
            "followup:\n  milestones_days: [28, 14]\n",
            "line 2: followup.milestones_days: found [28, 14]; expected days in ascending order "
            "without repeats, e.g. [14, 28]",
        ),
        (
            "followup:\n  milestones_days: [0, 14]\n",
            "line 2: followup.milestones_days: found [0, 14]; expected positive numbers of days, "
            "e.g. [14, 28]",
        ),
        (
            "followup:\n  milestones_days: [14, two weeks]\n",
            "line 2: followup.milestones_days[1]: found 'two weeks'; expected a whole number",
        ),
        (
            "repeats:\n  lookback_days: 0\n",
            "line 2: repeats.lookback_days: found 0; expected a number greater than or equal to 1",
        ),
        (
            "repeats:\n  rule: weekly\n",
            "line 2: repeats.rule: found 'weekly'; expected 'service', 'service+root-cause' or "
            "'root-cause'",
        ),
        (
            "jira:\n  deployment: server\n",
            "line 2: jira.deployment: found 'server'; expected 'auto', 'cloud' or 'datacenter'",
        ),
        (
            "jira:\n  url: acme.atlassian.net\n",
            "line 2: jira.url: found 'acme.atlassian.net'; expected an http(s) URL, e.g. "
            "https://acme.atlassian.net",
        ),
        (
            "jira:\n  url: https://acme.atlassian.net\n  deployment: datacenter\n",
            "line 1: jira: jira.deployment is 'datacenter' but https://acme.atlassian.net is a "
            "Jira Cloud site; expected deployment 'cloud' or 'auto'",
        ),
        (
            "labels:\n  complete: Postmortem\n",
            "line 1: labels: expected distinct labels; labels.postmortem and labels.complete are "
            "both 'Postmortem'",
        ),
        (
            "labels:\n  overdue: ''\n",
            "line 2: labels.overdue: found ''; expected a non-empty label",
        ),
        (
            "labels:\n  service_prefix: 'svc\"'\n",
            "line 2: labels.service_prefix: found 'svc\"'; expected a label without a double "
            'quote ("), which GitHub search cannot quote; remove it from the name',
        ),
        (
            "labels:\n  postmortem: 'post \"mortem\"'\n",
            "line 2: labels.postmortem: found 'post \"mortem\"'; expected a label without a "
            'double quote ("), which GitHub search cannot quote; remove it from the name',
        ),
        (
            "lint:\n  max_action_items: 5\n",
            "line 1: lint: lint.many_action_items_threshold (5) must be below "
            "lint.max_action_items (5) or the warning can never fire; to switch it off set "
            "lint.many_action_items: false",
        ),
        (
            "lint:\n  vague_action: sometimes\n",
            "line 2: lint.vague_action: found 'sometimes'; expected true or false",
        ),
        (
            "trust:\n  author_associations: [OWNER, owner]\n",
            "line 2: trust.author_associations[1]: found 'owner'; expected 'OWNER', 'MEMBER', "
            "'COLLABORATOR', 'CONTRIBUTOR', 'FIRST_TIME_CONTRIBUTOR', 'FIRST_TIMER', 'MANNEQUIN' "
            "or 'NONE'",
        ),
        (
            "jira: OPS\n",
            "line 1: jira: found 'OPS'; expected a mapping of key: value lines",
        ),
        (
            "- github\n- jira\n",
            "line 1: found a list; expected a mapping with the sections github, jira, people, "
            "labels, followup, repeats, trust, report, worker, lint, form",
        ),
    ],
)
def test_typical_mistake_is_explained(text: str, expected: str) -> None:
    assert only_problem(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jira: [\n", "not valid YAML: expected the node content, but found '<stream end>'"),
        (
            "github:\n\trepositories: []\n",
            "line 2: not valid YAML: found character '\\t' that cannot start any token "
            "(indent with spaces, not tabs)",
        ),
        (
            "jira:\n  project: OPS\n  project: PAY\n",
            "line 3: not valid YAML: the key 'project' appears twice",
        ),
        ("jira: {}\n---\njira: {}\n", "not valid YAML: expected a single document"),
    ],
)
def test_yaml_mistakes_are_explained(text: str, expected: str) -> None:
    assert expected in only_problem(text)


def test_every_problem_is_reported_in_file_order() -> None:
    problems = problems_of(
        "githib: {}\njira:\n  project: ops\n  password: hunter22\nfollowup:\n"
        "  milestones_days: [28, 14]\n"
    )
    assert [p.split(":")[0] for p in problems] == ["line 1", "line 3", "line 4", "line 6"]


# --- secrets ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "path", "variable"),
    [
        ("github:\n  token: ghp_s3cretvalue\n", "github.token", "GITHUB_TOKEN"),
        ("jira:\n  api_token: ATATTs3cretvalue\n", "jira.api_token", "JIRA_API_TOKEN"),
        ("jira:\n  password: s3cretvalue\n", "jira.password", "JIRA_API_TOKEN"),
        ("jira:\n  token: s3cretvalue\n", "jira.token", "JIRA_TOKEN"),
        (
            "github:\n  app_private_key: s3cretvalue\n",
            "github.app_private_key",
            "GITHUB_APP_PRIVATE_KEY",
        ),
        (
            "people:\n  alice:\n    email: a@example.com\n    api-token: s3cretvalue\n",
            "people.alice.api-token",
            "GITHUB_TOKEN, JIRA_API_TOKEN or JIRA_TOKEN",
        ),
        ("token: s3cretvalue\n", "token", "GITHUB_TOKEN"),
        ("auth:\n  password: s3cretvalue\n", "auth.password", "JIRA_TOKEN"),
    ],
)
def test_secret_in_the_file_points_to_the_environment(text: str, path: str, variable: str) -> None:
    problems = problems_of(text)
    secret_problems = [p for p in problems if f": {path}: secrets do not belong" in p]
    assert len(secret_problems) == 1, problems
    assert variable in secret_problems[0].split("set ", 1)[1]
    assert "in the environment instead" in secret_problems[0]
    assert all("s3cretvalue" not in p for p in problems)


def test_secret_inside_a_wrongly_typed_value_is_not_echoed() -> None:
    problems = problems_of("github:\n  repositories:\n    - {name: acme/x, token: s3cretvalue}\n")
    assert any("github.repositories[0].token: secrets do not belong" in p for p in problems)
    assert all("s3cretvalue" not in p for p in problems)


def test_user_named_keys_may_look_like_secret_words() -> None:
    config = parse_config("jira:\n  projects_by_service:\n    token: TOK\n")
    assert config.project_for(("token",)) == "TOK"


def test_no_configuration_key_looks_like_a_secret() -> None:
    assert not [path for path in _field_paths(Config) if _SECRET_KEY.search(path)]


# --- behaviour --------------------------------------------------------------------------------


def test_project_for_routes_by_first_known_service() -> None:
    config = parse_config("jira:\n  project: OPS\n  projects_by_service: {payments: PAY}\n")
    assert config.project_for(("search", "payments")) == "PAY"
    assert config.project_for(("search",)) == "OPS"


def test_urls_lose_their_trailing_slash() -> None:
    config = parse_config("jira:\n  url: https://acme.atlassian.net/\n")
    assert config.jira.url == "https://acme.atlassian.net"


def test_url_with_credentials_is_refused_without_echoing_them() -> None:
    problem = only_problem("jira:\n  url: https://bob:s3cretvalue@jira.example.com\n")
    assert problem.startswith("line 2: jira.url: ")
    assert "without credentials" in problem
    assert "s3cretvalue" not in problem


def test_threshold_check_is_off_with_the_warning() -> None:
    config = parse_config("lint:\n  max_action_items: 5\n  many_action_items: false\n")
    assert config.lint.max_action_items == 5


def test_config_is_frozen() -> None:
    config = parse_config(MINIMAL)
    with pytest.raises(ValueError, match="frozen"):
        config.jira.project = "X"  # type: ignore[misc]


_yaml_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
_yaml_values = st.recursive(
    _yaml_scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from([*Config.model_fields, "P0", "url", "x"]), inner, max_size=4
        )
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_a_config_or_a_config_error(text: str) -> None:
    try:
        parse_config(text)
    except InvalidConfig as exc:
        assert exc.problems
        assert all(str(problem) for problem in exc.problems)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(list(Config.model_fields)), _yaml_values, max_size=5))
def test_any_structure_gives_a_config_or_a_config_error(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data)
    try:
        parse_config(text)
    except InvalidConfig as exc:
        assert exc.problems


def test_schema_output_is_stable_json() -> None:
    assert json.loads(config_json_schema_text()) == config_json_schema()
    assert config_json_schema_text() == config_json_schema_text()
