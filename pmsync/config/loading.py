"""Loading the configuration: which file, then read and checked, every problem at once."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pmsync.config.problems import (
    InvalidConfig,
    prepare,
    problem_from_yaml,
    problems_from_validation,
)
from pmsync.config.schema import Config
from pmsync.config.yamlfile import YamlProblem, load_yaml
from pmsync.errors import ConfigError

log = logging.getLogger(__name__)

# Where a configuration file is looked for when neither --config nor $PMSYNC_CONFIG names one.
DEFAULT_CONFIG_PATHS = (Path("config/pmsync.yml"), Path(".github/pmsync.yml"))
CONFIG_ENV_VAR = "PMSYNC_CONFIG"


def find_config_file(
    path: str | Path | None, environ: Mapping[str, str] | None = None
) -> Path | None:
    """The file to read: ``path``, else ``$PMSYNC_CONFIG``, else the first default that exists.

    A file named explicitly (argument or variable) must exist; None means "use defaults".
    """
    env = os.environ if environ is None else environ
    if path is not None:
        named, origin = Path(path), "the command line"
    elif env.get(CONFIG_ENV_VAR):
        named, origin = Path(env[CONFIG_ENV_VAR]), f"${CONFIG_ENV_VAR}"
    else:
        return next((p for p in DEFAULT_CONFIG_PATHS if p.is_file()), None)
    if named.is_dir():
        raise ConfigError(f"{named} (from {origin}) is a folder; expected a configuration file")
    if not named.is_file():
        raise ConfigError(f"configuration file {named} (from {origin}) does not exist")
    return named


def load_config(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Find, read and validate the configuration; see :func:`find_config_file` for the order.

    Raises :class:`pmsync.config.problems.InvalidConfig` (a ``ConfigError``) listing every
    problem with its key path, or ``ConfigError`` when a named file is missing.
    """
    found = find_config_file(path, environ)
    if found is None:
        log.debug(
            "no configuration file (%s unset, none of %s exist); using defaults",
            CONFIG_ENV_VAR,
            ", ".join(str(p) for p in DEFAULT_CONFIG_PATHS),
        )
        return Config()
    log.debug("configuration from %s", found)
    try:
        text = found.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read configuration file {found}: {exc}") from exc
    return parse_config(text, source=str(found))


def parse_config(text: str, source: str = "<config>") -> Config:
    """Validate configuration text; every problem is collected into one InvalidConfig."""
    try:
        document = load_yaml(text)
    except YamlProblem as exc:
        raise InvalidConfig(source, [problem_from_yaml(exc)]) from None
    data: Any = {} if document.data is None else document.data
    cleaned, problems = prepare(Config, data, document)
    try:
        config = Config.model_validate(cleaned)
    except ValidationError as exc:
        problems.extend(problems_from_validation(Config, exc, document))
    if problems:
        raise InvalidConfig(source, problems)
    return config
