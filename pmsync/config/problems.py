"""Turn what is wrong with a configuration file into one readable line per problem.

Each line names the key path (``jira.priorities.P5``), the line in the file, the value
found and what is expected. Secret-looking keys are refused before validation, and their
values are never echoed.
"""

from __future__ import annotations

import datetime
import difflib
import re
import types
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from pmsync.config.yamlfile import YamlDocument, YamlProblem
from pmsync.errors import ConfigError

_SECRET_KEY = re.compile(
    r"(token|password|passwd|secret|private_?key|api_?key|credentials?|pat)$", re.IGNORECASE
)
_FOUND_MAX = 80
# user:password@ in a URL; never echoed back
_URL_USERINFO = re.compile(r"//[^/@\s]+@")


@dataclass(frozen=True)
class ConfigProblem:
    path: str  # dotted key path, "" for the file as a whole
    message: str  # the value found (if it helps) and what is expected
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        what = f"{self.path}: " if self.path else ""
        return f"{where}{what}{self.message}"


class InvalidConfig(ConfigError):
    """The configuration file has one or more problems; ``problems`` lists them all."""

    def __init__(self, source: str, problems: Sequence[ConfigProblem]) -> None:
        self.source = source
        # in file order, so they read top to bottom like the file
        self.problems = tuple(sorted(problems, key=lambda p: (p.line is None, p.line or 0)))
        count = len(self.problems)
        heading = f"{source} has {count} problem{'s' if count != 1 else ''}:"
        super().__init__("\n".join([heading, *(f"  {p}" for p in self.problems)]))


def problem_from_yaml(exc: YamlProblem) -> ConfigProblem:
    return ConfigProblem(path="", message=f"not valid YAML: {exc.message}", line=exc.line)


def prepare(
    root: type[BaseModel], data: Any, document: YamlDocument
) -> tuple[dict[str, Any], list[ConfigProblem]]:
    """Data ready for validation, and the problems found before it.

    Secret keys are reported and dropped; ``null`` for a section or setting means
    "take the default" (a section whose lines are all commented out reads as null).
    """
    if not isinstance(data, dict):
        found = "a list" if isinstance(data, list) else _show(data)
        expected = ", ".join(root.model_fields)
        message = f"found {found}; expected a mapping with the sections {expected}"
        return {}, [ConfigProblem(path="", message=message, line=1)]
    problems: list[ConfigProblem] = []
    cleaned = _clean(root, data, (), document, problems)
    return cleaned, problems


def problems_from_validation(
    root: type[BaseModel], exc: ValidationError, document: YamlDocument
) -> list[ConfigProblem]:
    return [_problem(root, error, document) for error in exc.errors()]


# --- secrets and nulls ------------------------------------------------------------------------


def _clean(
    root: type[BaseModel],
    node: dict[Any, Any],
    path: tuple[str | int, ...],
    document: YamlDocument,
    problems: list[ConfigProblem],
) -> dict[Any, Any]:
    parent = _type_at(root, path)
    free_form = get_origin(parent) is dict  # keys are user names (services, people)
    fields = parent.model_fields if _is_model(parent) else {}
    cleaned: dict[Any, Any] = {}
    for key, value in node.items():
        child = (*path, str(key))
        if not free_form and _SECRET_KEY.search(str(key).replace("-", "_")):
            problems.append(_secret_problem(child, document))
        elif value is None and str(key) in fields:
            continue
        else:
            cleaned[key] = _clean_value(root, value, child, document, problems)
    return cleaned


def _clean_value(
    root: type[BaseModel],
    value: Any,
    path: tuple[str | int, ...],
    document: YamlDocument,
    problems: list[ConfigProblem],
) -> Any:
    if isinstance(value, dict):
        return _clean(root, value, path, document, problems)
    if isinstance(value, list):
        return [
            _clean_value(root, item, (*path, index), document, problems)
            for index, item in enumerate(value)
        ]
    return value


def _secret_problem(path: tuple[str | int, ...], document: YamlDocument) -> ConfigProblem:
    name = str(path[-1]).lower()
    if "private" in name:
        variable = "GITHUB_APP_PRIVATE_KEY (with GITHUB_APP_ID)"
    elif path[0] == "github":
        variable = "GITHUB_TOKEN"
    elif path[0] == "jira":
        variable = (
            "JIRA_API_TOKEN (Jira Cloud, with JIRA_EMAIL) or JIRA_TOKEN "
            "(Data Center personal access token)"
        )
    else:
        variable = "GITHUB_TOKEN, JIRA_API_TOKEN or JIRA_TOKEN"
    message = (
        "secrets do not belong in the configuration file, which is committed and readable; "
        f"remove this key and set {variable} in the environment instead"
    )
    return ConfigProblem(_dotted(path), message, _line(document, path))


# --- pydantic errors --------------------------------------------------------------------------


def _problem(root: type[BaseModel], error: ErrorDetails, document: YamlDocument) -> ConfigProblem:
    loc = error["loc"]
    is_key = bool(loc) and loc[-1] == "[key]"
    parts = tuple(part for part in loc if part != "[key]")
    line = _line(document, parts)
    if error["type"] == "extra_forbidden":
        return ConfigProblem(_dotted(parts), f"unknown key{_suggestion(root, parts)}", line)
    expected = _expected(error["msg"])
    found = _found(error.get("input"), is_key)
    return ConfigProblem(_dotted(parts), f"{found}; {expected}" if found else expected, line)


# pydantic's words for types, in the words of someone editing YAML
_TYPE_WORDS = {
    "a valid list": "a list, e.g. [one, two]",
    "a valid dictionary": "a mapping of key: value lines",
    "a valid integer": "a whole number",
    "a valid boolean": "true or false",
    "a valid string": "a text",
}


def _expected(message: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    if message.startswith("Input should be "):
        rest = message[len("Input should be ") :]
        if rest.startswith(("greater", "less")):
            rest = f"a number {rest}"
        for words, plain in _TYPE_WORDS.items():
            if rest.startswith(words):
                rest = plain
        return f"expected {rest}"
    return message[:1].lower() + message[1:]


def _found(value: Any, is_key: bool) -> str:
    if isinstance(value, dict | BaseModel):
        return ""  # the message names what is wrong inside; echoing the map helps nobody
    if isinstance(value, list):
        if not all(_is_scalar(item) for item in value):
            return ""
        text = "[" + ", ".join(_show(item) for item in value) + "]"
    else:
        text = _show(value)
    if len(text) > _FOUND_MAX:
        text = text[: _FOUND_MAX - 1] + "…"
    return f"found key {text}" if is_key else f"found {text}"


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(
        value, str | int | float | bool | datetime.date | datetime.datetime
    )


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(_URL_USERINFO.sub("//***@", value))
    return str(value)


def _suggestion(root: type[BaseModel], parts: tuple[str | int, ...]) -> str:
    parent = _type_at(root, parts[:-1])
    if not _is_model(parent):
        return ""
    allowed = list(parent.model_fields)
    key = str(parts[-1])
    close = difflib.get_close_matches(key.replace("-", "_").lower(), allowed, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; expected one of {', '.join(allowed)}"


def _line(document: YamlDocument, parts: Sequence[str | int]) -> int | None:
    return document.line_of(tuple(str(part) for part in parts))


def _dotted(parts: Sequence[str | int]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


# --- walking the model's types ----------------------------------------------------------------


def _type_at(root: type[BaseModel], path: Sequence[str | int]) -> Any:
    """The declared type at ``path`` (dict keys and list indexes step into values), or None."""
    current: Any = root
    for part in path:
        current = _unwrap(current)
        if _is_model(current):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif get_origin(current) in (dict, list):
            current = get_args(current)[-1]
        else:
            return None
    return _unwrap(current)


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated[...] and Optional[...] down to the type that holds the value."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            options = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)
