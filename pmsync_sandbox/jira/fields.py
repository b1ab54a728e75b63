"""Reading the ``fields`` and ``update`` of create, edit and transition requests.

Each field is checked the way Jira checks it, and a bad value becomes an entry of the
``errors`` object Jira answers with (``{"summary": "You must specify a summary of the
issue."}``). The reader turns good values into the store's own terms (catalog ids,
account ids, dates, rich text) and never touches a ticket itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pmsync_sandbox.jira import adf, catalog
from pmsync_sandbox.jira.profiles import SelectField
from pmsync_sandbox.jira.store import JiraProject, JiraStore, RichText

SUMMARY_LIMIT = 255
LABEL_LIMIT = 255
NOT_A_STRING = "Operation value must be a string"

# Fields a request may set on create and edit when the screen has them; the rest are Jira's.
EDITABLE = ("summary", "description", "priority", "labels", "duedate", "assignee", "reporter")
# A select field's value names an option by id or value (toabctl/jiracli#41 shows
# "<name> is required."; getsentry/sentry#13001 "Option value 'X' is not valid";
# bobcarroll/jira-client#106 the answer to a value that is no object).
NOT_AN_OPTION = "Could not find valid 'id' or 'value' in the Parent Option object."


class FieldError(Exception):
    """One field's value is refused; the message is Jira's text for it."""


def cannot_set(field_id: str) -> str:
    return f"Field '{field_id}' cannot be set. It is not on the appropriate screen, or unknown."


@dataclass
class FieldChanges:
    """What a request asks for, in store terms, with the errors Jira would report."""

    values: dict[str, Any] = field(default_factory=dict)  # Ticket attribute -> new value
    label_ops: list[tuple[str, str]] = field(default_factory=list)  # ("add"|"remove", label)
    comments: list[RichText] = field(default_factory=list)
    custom: dict[str, str | None] = field(default_factory=dict)  # select field -> option id
    errors: dict[str, str] = field(default_factory=dict)
    project: JiraProject | None = None
    issue_type: str | None = None

    def fail(self, field_id: str, message: str) -> None:
        self.errors.setdefault(field_id, message)

    def labels_after(self, current: list[str]) -> list[str]:
        labels = list(self.values.get("labels", current))
        for op, label in self.label_ops:
            if op == "add" and label not in labels:
                labels.append(label)
            elif op == "remove" and label in labels:
                labels.remove(label)
        return labels


class FieldReader:
    def __init__(self, store: JiraStore, *, version: str, cloud: bool) -> None:
        self.store = store
        self.site = store.site
        self.version = version
        self.cloud = cloud

    # ---- requests -----------------------------------------------------------------------

    def for_create(self, body: object) -> FieldChanges:
        changes = FieldChanges()
        fields, update = self._parts(body, changes)
        self._project(fields.pop("project", None), changes)
        self._issue_type(fields.pop("issuetype", None), changes)
        if "summary" not in fields:
            changes.fail("summary", "You must specify a summary of the issue.")
        self._fields(fields, changes)
        self._updates(update, changes)
        for select in self.site.screen.select_fields:
            if select.required and changes.custom.get(select.id) is None:
                changes.fail(select.id, f"{select.name} is required.")
        return changes

    def for_edit(self, body: object) -> FieldChanges:
        changes = FieldChanges()
        fields, update = self._parts(body, changes)
        self._fields(fields, changes)
        self._updates(update, changes)
        for select in self.site.screen.select_fields:
            if select.required and select.id in changes.custom and not changes.custom[select.id]:
                changes.fail(select.id, f"{select.name} is required.")
        return changes

    def rich_text(self, value: object) -> RichText:
        """A description or comment body in the form this REST version takes."""
        if self.version == "2":
            if not isinstance(value, str):
                raise FieldError(NOT_A_STRING)
            return RichText(wiki=value)
        if not adf.is_document(value):
            raise FieldError(adf.NOT_A_DOCUMENT)
        assert isinstance(value, dict)  # is_document checked it
        return RichText(wiki=adf.to_wiki(value), adf=value)

    # ---- structure ----------------------------------------------------------------------

    def _parts(self, body: object, changes: FieldChanges) -> tuple[dict[str, Any], dict[str, Any]]:
        if not isinstance(body, dict):
            changes.errors["body"] = "The request body must be a JSON object."
            return {}, {}
        fields = body.get("fields") or {}
        update = body.get("update") or {}
        if not isinstance(fields, dict) or not isinstance(update, dict):
            changes.errors["body"] = "'fields' and 'update' must be JSON objects."
            return {}, {}
        return dict(fields), dict(update)

    def _on_screen(self, field_id: str) -> bool:
        return field_id in EDITABLE and field_id in self.site.screen.system_fields

    def _fields(self, fields: dict[str, Any], changes: FieldChanges) -> None:
        for field_id, value in fields.items():
            try:
                self._set(field_id, value, changes)
            except FieldError as error:
                changes.fail(field_id, str(error))

    def _set(self, field_id: str, value: object, changes: FieldChanges) -> None:
        select = self.site.screen.select_field(field_id)
        if select is not None:
            changes.custom[field_id] = self._option(select, value)
        elif self._on_screen(field_id):
            changes.values[_ATTRIBUTE.get(field_id, field_id)] = self._value(field_id, value)
        else:
            raise FieldError(cannot_set(field_id))

    def _updates(self, update: dict[str, Any], changes: FieldChanges) -> None:
        for field_id, operations in update.items():
            if not isinstance(operations, list):
                changes.fail(field_id, "The update operations must be a list.")
                continue
            for operation in operations:
                try:
                    self.operation(field_id, operation, changes)
                except FieldError as error:
                    changes.fail(field_id, str(error))

    def operation(self, field_id: str, operation: object, changes: FieldChanges) -> None:
        if not isinstance(operation, dict) or len(operation) != 1:
            raise FieldError("Each update operation is an object with one verb.")
        ((verb, argument),) = operation.items()
        if field_id == "comment" and verb == "add":
            body = argument.get("body") if isinstance(argument, dict) else None
            changes.comments.append(self._comment_body(body))
        elif field_id == "labels" and verb in ("add", "remove"):
            changes.label_ops.append((verb, self._label(argument)))
        elif verb == "set" and (
            self._on_screen(field_id) or self.site.screen.select_field(field_id)
        ):
            self._set(field_id, argument, changes)
        elif self._on_screen(field_id) or field_id == "comment":
            raise FieldError(f"The operation '{verb}' is not supported by the '{field_id}' field.")
        else:
            raise FieldError(cannot_set(field_id))

    def _comment_body(self, body: object) -> RichText:
        text = self.rich_text(body)
        if not text.wiki.strip():
            raise FieldError("Comment body can not be empty!")
        return text

    # ---- values -------------------------------------------------------------------------

    def _value(self, field_id: str, value: object) -> object:
        reader = {
            "summary": self._summary,
            "description": self._description,
            "priority": self._priority,
            "labels": self._labels,
            "duedate": self._due,
            "assignee": self._assignee,
            "reporter": self._reporter,
        }[field_id]
        return reader(value)

    def _project(self, value: object, changes: FieldChanges) -> None:
        ref = reference(value, "id", "key")
        found = self.store.project(ref) if ref else None
        if found is None:
            changes.fail("project", "Specify a valid project ID or key")
        changes.project = found

    def _issue_type(self, value: object, changes: FieldChanges) -> None:
        if value is None:
            changes.fail("issuetype", "Specify an issue type")
            return
        ref = reference(value, "id", "name")
        # A team-managed project takes only its own types (go-jira#265: "The issue type
        # selected is invalid." for a site-wide type there).
        types = (
            self.site.issue_types_of(changes.project.key)
            if changes.project is not None
            else self.site.all_issue_types
        )
        found = catalog.by_id_or_name(types, ref) if ref else None
        if found is None:
            changes.fail("issuetype", "The issue type selected is invalid.")
        else:
            changes.issue_type = found.id

    @staticmethod
    def _summary(value: object) -> str:
        if not isinstance(value, str):
            raise FieldError(NOT_A_STRING)
        if not value.strip():
            raise FieldError("You must specify a summary of the issue.")
        if "\n" in value or "\r" in value:
            raise FieldError("The summary is invalid because it contains newline characters.")
        if len(value) > SUMMARY_LIMIT:
            raise FieldError("Summary must be less than 255 characters.")
        return value

    def _description(self, value: object) -> RichText | None:
        return None if value is None else self.rich_text(value)

    def _priority(self, value: object) -> str:
        ref = reference(value, "id", "name")
        if not ref:
            raise FieldError("Specify the Priority (id or name) in the string format")
        found = catalog.by_id_or_name(self.site.priorities, ref)
        if found is None:
            # Real answers: Cloud {"priority": "The priority selected is invalid."}
            # (tenable/integration-jira-cloud#205, REST v3); Data Center names the name.
            by_name = isinstance(value, dict) and "id" not in value
            if by_name and not self.cloud:
                raise FieldError(f"Priority name '{ref}' is not valid")
            raise FieldError("The priority selected is invalid.")
        return found.id

    def _option(self, select: SelectField, value: object) -> str | None:
        """The option id a select field's value names; None clears the field."""
        if value is None:
            return None
        if not isinstance(value, dict):
            raise FieldError(NOT_AN_OPTION)
        option_id, option_value = reference(value, "id"), reference(value, "value")
        if option_id is not None:
            found = select.option(option_id, by="id")
            if found is None:
                raise FieldError(f"Option id '{option_id}' is not valid")
        elif option_value is not None:
            found = select.option(option_value, by="value")
            if found is None:
                raise FieldError(f"Option value '{option_value}' is not valid")
        else:
            raise FieldError(NOT_AN_OPTION)
        return found.id

    @staticmethod
    def _label(value: object) -> str:
        if not isinstance(value, str):
            raise FieldError(NOT_A_STRING)
        if not value:
            raise FieldError("A label cannot be empty.")
        if any(c.isspace() for c in value):
            raise FieldError(f"The label '{value}' contains spaces which is invalid.")
        if len(value) > LABEL_LIMIT:
            raise FieldError(
                f"The label '{value}' exceeds the maximum length for a single label of "
                f"{LABEL_LIMIT} characters."
            )
        return value

    def _labels(self, value: object) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise FieldError("The labels must be a list of strings.")
        labels: list[str] = []
        for item in value:
            label = self._label(item)
            if label not in labels:
                labels.append(label)
        return labels

    @staticmethod
    def _due(value: object) -> date | None:
        if value is None:
            return None
        try:
            if not isinstance(value, str) or len(value) != len("2026-01-01"):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise FieldError(f"Error parsing date string: {value}") from None

    def _assignee(self, value: object) -> str | None:
        if value is None:
            return None
        return self.person(value)

    def _reporter(self, value: object) -> str:
        if value is None:
            raise FieldError("Reporter is required.")
        return self.person(value)

    def person(self, value: object) -> str:
        """An account id, from ``{"accountId"}`` on Cloud or ``{"name"}`` on Data Center."""
        if self.cloud:
            account_id = reference(value, "accountId", "id")
            if not account_id:
                raise FieldError("expected Object containing an 'accountId' property")
            if self.store.user(account_id) is None:
                raise FieldError(f"Account ID {account_id} does not exist.")
            return account_id
        name = reference(value, "name", "key")
        if not name:
            raise FieldError("expected Object containing a 'name' property")
        person = self.store.user_by_name(name)
        if person is None:
            raise FieldError(f"User '{name}' does not exist.")
        return person.account_id


_ATTRIBUTE = {"duedate": "due"}


def reference(value: object, *keys: str) -> str | None:
    """The first of ``keys`` present in an object like ``{"id": "3"}``, as a string."""
    if not isinstance(value, dict):
        return None
    for key in keys:
        ref = value.get(key)
        if isinstance(ref, str | int) and not isinstance(ref, bool) and str(ref):
            return str(ref)
    return None
