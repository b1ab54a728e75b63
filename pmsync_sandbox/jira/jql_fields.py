"""What JQL knows about the fields a query names: their aliases, their kind (text,
labels, key, choice, user, date) and the operators each kind supports."""

from __future__ import annotations

from pmsync_sandbox.jira.jql_errors import JqlValidationError

_ALIASES = {
    "issuekey": "key",
    "id": "key",
    "issue": "key",
    "type": "issuetype",
    "createddate": "created",
    "updateddate": "updated",
    "resolved": "resolutiondate",
    "due": "duedate",
    "statuscategorychangeddate": "statuscategorychangedate",
}
_TEXT_FIELDS = frozenset({"summary", "description", "comment", "environment", "text"})
_CHOICE_FIELDS = frozenset(
    {"project", "status", "statuscategory", "resolution", "issuetype", "priority"}
)
USER_FIELDS = frozenset({"assignee", "reporter", "creator"})
_DATETIME_FIELDS = frozenset(
    {"created", "updated", "resolutiondate", "statuscategorychangedate", "duedate"}
)
_SET_OPERATORS = frozenset({"=", "!=", "in", "not in", "is", "is not"})
OPERATORS: dict[str, frozenset[str]] = {
    "text": frozenset({"~", "!~", "is", "is not"}),
    "labels": _SET_OPERATORS,
    "key": _SET_OPERATORS - {"is", "is not"},
    "choice": _SET_OPERATORS,
    "user": _SET_OPERATORS,
    "date": frozenset({"=", "!=", "<", "<=", ">", ">=", "is", "is not"}),
}


def kind_of(name: str) -> tuple[str, str]:
    """(canonical field name, kind) for a JQL field name; raises for unknown fields."""
    canonical = _ALIASES.get(name.casefold(), name.casefold())
    if canonical in _TEXT_FIELDS:
        return canonical, "text"
    if canonical == "labels":
        return canonical, "labels"
    if canonical == "key":
        return canonical, "key"
    if canonical in _CHOICE_FIELDS:
        return canonical, "choice"
    if canonical in USER_FIELDS:
        return canonical, "user"
    if canonical in _DATETIME_FIELDS:
        return canonical, "date"
    raise JqlValidationError(
        [f"Field '{name}' does not exist or you do not have permission to view it."]
    )


def operator_text(operator: str) -> str:
    return operator.upper() if operator[0].isalpha() else operator
