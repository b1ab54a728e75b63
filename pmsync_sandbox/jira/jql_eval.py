"""Evaluating parsed JQL against the sandbox's tickets: which match, and in what order.

Semantics follow Jira where pmsync can tell the difference:

* ``!=`` and ``NOT IN`` never match an empty field (``labels != x`` skips unlabelled
  tickets); ``NOT`` is plain negation.
* Names of statuses, priorities, projects … and labels compare ignoring case; a value that
  names nothing is Jira's validation error ("The value 'X' does not exist for the field
  'status'."), as is a key of a ticket that does not exist.
* Dates compare as instants: ``"2026-11-20"`` is midnight UTC, ``"2026-11-20 14:00"`` that
  minute, ``-1d``/``4w 2d`` are relative to the sandbox clock, ``now()``, ``startOfDay()``
  and ``endOfDay()`` are supported. Like Jira, ``created <= "2026-11-20"`` therefore
  excludes most of that day.
* ``~`` is a word search, ignoring case: every word (``foo*`` is a prefix, ``?`` one
  character) and every quoted phrase of the query must occur in the field. Jira's stemming
  and stop words are not emulated.
* Without ``ORDER BY``, tickets come in creation order; empty values sort last ascending
  and first descending.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from pmsync_sandbox.jira import catalog
from pmsync_sandbox.jira import jql_syntax as jql
from pmsync_sandbox.jira.jql_dates import date_function, parse_date_value
from pmsync_sandbox.jira.jql_errors import JqlValidationError
from pmsync_sandbox.jira.jql_fields import OPERATORS, USER_FIELDS, kind_of, operator_text
from pmsync_sandbox.jira.jql_text import TextSearch
from pmsync_sandbox.jira.store import JiraStore, JiraUser, Ticket

Predicate = Callable[[Ticket], bool]

_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*-\d+$")


@dataclass(frozen=True)
class JqlContext:
    store: JiraStore
    now: datetime
    actor: JiraUser
    cloud: bool


@dataclass(frozen=True)
class CompiledQuery:
    matches: Predicate
    order: Callable[[list[Ticket]], list[Ticket]]
    problems: list[str]  # values that name nothing (Jira's validation messages)
    bounded: bool  # False for a query without a search restriction


class _Empty:
    """The EMPTY / NULL operand, after resolution."""


EMPTY = _Empty()


class _Compiler:
    def __init__(self, context: JqlContext) -> None:
        self.context = context
        self.problems: list[str] = []  # values that name nothing: Jira's validation errors

    # ---- structure ----------------------------------------------------------------------

    def node(self, node: jql.Node) -> Predicate:
        if isinstance(node, jql.And):
            parts = [self.node(p) for p in node.parts]
            return lambda t: all(p(t) for p in parts)
        if isinstance(node, jql.Or):
            parts = [self.node(p) for p in node.parts]
            return lambda t: any(p(t) for p in parts)
        if isinstance(node, jql.Not):
            inner = self.node(node.part)
            return lambda t: not inner(t)
        return self.clause(node)

    def clause(self, clause: jql.Clause) -> Predicate:
        name, kind = kind_of(clause.field)
        if clause.operator not in OPERATORS[kind]:
            raise JqlValidationError(
                [
                    f"The operator '{operator_text(clause.operator)}' is not supported by the "
                    f"'{clause.field}' field."
                ]
            )
        if clause.operator in ("is", "is not"):
            present = self._present(name, kind)
            return present if clause.operator == "is not" else (lambda t: not present(t))
        if kind == "text":
            return self._text(name, clause)
        if kind == "date":
            return self._date(name, clause)
        return self._set(name, kind, clause)

    def _operands(self, operand: jql.Operand) -> list[jql.Value | jql.Function | jql.Empty]:
        if isinstance(operand, jql.ValueList):
            return list(operand.items)
        return [operand]

    # ---- set-like fields: labels, key, choices, users -----------------------------------

    def _set(self, name: str, kind: str, clause: jql.Clause) -> Predicate:
        wanted: set[str] = set()
        wants_empty = False
        for item in self._operands(clause.operand):
            if isinstance(item, jql.Empty):
                wants_empty = True
                continue
            resolved = self._resolve(name, kind, clause.field, item)
            if resolved is EMPTY:
                wants_empty = True
            elif isinstance(resolved, set):
                wanted |= resolved
        values = self._values(name, kind)
        if clause.operator in ("=", "in"):
            return lambda t: bool(values(t) & wanted) or (wants_empty and not values(t))
        return lambda t: bool(values(t)) and not (values(t) & wanted)

    def _present(self, name: str, kind: str) -> Predicate:
        if kind == "text":
            text = self._text_of(name)
            return lambda t: bool(text(t).strip())
        if kind == "date":
            instant = self._instant_of(name)
            return lambda t: instant(t) is not None
        values = self._values(name, kind)
        return lambda t: bool(values(t))

    def _values(self, name: str, kind: str) -> Callable[[Ticket], set[str]]:
        if kind == "labels":
            return lambda t: {label.lower() for label in t.labels}
        if kind == "key":
            return lambda t: {t.id}
        getter: Callable[[Ticket], str | None] = {
            "project": lambda t: t.project,
            "status": lambda t: t.status,
            "statuscategory": lambda t: str(t.category.id),
            "resolution": lambda t: t.resolution,
            "issuetype": lambda t: t.issue_type,
            "priority": lambda t: t.priority,
            "assignee": lambda t: t.assignee,
            "reporter": lambda t: t.reporter,
            "creator": lambda t: t.creator,
        }[name]

        def values(ticket: Ticket) -> set[str]:
            value = getter(ticket)
            return {value} if value is not None else set()

        return values

    def _resolve(
        self, name: str, kind: str, field_name: str, item: jql.Value | jql.Function
    ) -> set[str] | _Empty:
        """The stored values a JQL value stands for; records Jira's error when none."""
        if isinstance(item, jql.Function):
            if kind == "user" and item.name.casefold() == "currentuser":
                return {self.context.actor.account_id}
            raise JqlValidationError([f"Unable to find JQL function '{item.name}()'."])
        text = item.text
        if kind == "labels":  # Jira's label search lower-cases both sides
            return {text.lower()}
        if kind == "key":
            return self._resolve_key(text)
        if name == "resolution" and text.casefold() == "unresolved" and not item.quoted:
            return EMPTY
        found = self._lookup(name, text)
        if found is None:
            self.problems.append(f"The value '{text}' does not exist for the field '{field_name}'.")
            return set()
        return {found}

    def _resolve_key(self, text: str) -> set[str]:
        ticket = self.context.store.ticket(text)
        if ticket is not None:
            return {ticket.id}
        if text.isdigit():
            self.problems.append(f"An issue with id '{text}' does not exist for field 'key'.")
        elif _KEY.match(text):
            self.problems.append(f"An issue with key '{text}' does not exist for field 'key'.")
        else:
            self.problems.append(f"The issue key '{text}' for field 'key' is invalid.")
        return set()

    def _lookup(self, name: str, text: str) -> str | None:
        store = self.context.store
        if name == "project":
            project = store.project(text) or next(
                (p for p in store.state.projects.values() if p.name.casefold() == text.casefold()),
                None,
            )
            return project.key if project else None
        if name == "statuscategory":
            folded = text.casefold()
            category = next(
                (
                    c
                    for c in catalog.STATUS_CATEGORIES
                    if folded in (str(c.id), c.key, c.name.casefold())
                ),
                None,
            )
            return str(category.id) if category else None
        if name in USER_FIELDS:
            person = store.user(text) if self.context.cloud else store.user_by_name(text)
            return person.account_id if person else None
        table: tuple[Any, ...] = {
            "status": catalog.STATUSES,
            "resolution": catalog.RESOLUTIONS,
            "issuetype": store.site.all_issue_types,
            "priority": store.site.priorities,
        }[name]
        entry = catalog.by_id_or_name(table, text)
        return entry.id if entry is not None else None

    # ---- text ---------------------------------------------------------------------------

    def _text_of(self, name: str) -> Callable[[Ticket], str]:
        def description(t: Ticket) -> str:
            return t.description.wiki if t.description is not None else ""

        def comments(t: Ticket) -> str:
            return "\n".join(c.body.wiki for c in t.comments)

        return {
            "summary": lambda t: t.summary,
            "description": description,
            "comment": comments,
            "environment": lambda t: "",
            "text": lambda t: "\n".join((t.summary, description(t), comments(t))),
        }[name]

    def _text(self, name: str, clause: jql.Clause) -> Predicate:
        operand = clause.operand
        if not isinstance(operand, jql.Value):
            raise JqlValidationError(
                [f"The operator '{clause.operator}' needs one text value for '{clause.field}'."]
            )
        if not operand.text.strip():
            raise JqlValidationError(
                [f"The field '{clause.field}' does not support searching for an empty string."]
            )
        search = TextSearch(operand.text)
        text = self._text_of(name)
        if clause.operator == "~":
            return lambda t: search.matches(text(t))
        return lambda t: not search.matches(text(t))

    # ---- dates --------------------------------------------------------------------------

    def _instant_of(self, name: str) -> Callable[[Ticket], datetime | None]:
        def due(t: Ticket) -> datetime | None:
            return datetime.combine(t.due, time(), UTC) if t.due is not None else None

        return {
            "created": lambda t: t.created,
            "updated": lambda t: t.updated,
            "resolutiondate": lambda t: t.resolved,
            "statuscategorychangedate": lambda t: t.status_category_changed,
            "duedate": due,
        }[name]

    def _date(self, name: str, clause: jql.Clause) -> Predicate:
        operand = clause.operand
        if isinstance(operand, jql.Empty) and clause.operator in ("=", "!="):
            present = self._present(name, "date")
            return (lambda t: not present(t)) if clause.operator == "=" else present
        if not isinstance(operand, jql.Value | jql.Function):
            raise JqlValidationError(
                [
                    f"The operator '{operator_text(clause.operator)}' needs a single date "
                    f"for the field '{clause.field}'."
                ]
            )
        limit = self._moment(clause.field, operand)
        instant = self._instant_of(name)
        compare: Callable[[datetime], bool] = {
            "=": lambda v: v == limit,
            "!=": lambda v: v != limit,
            "<": lambda v: v < limit,
            "<=": lambda v: v <= limit,
            ">": lambda v: v > limit,
            ">=": lambda v: v >= limit,
        }[clause.operator]

        def matches(ticket: Ticket) -> bool:
            value = instant(ticket)
            return value is not None and compare(value)

        return matches

    def _moment(self, field_name: str, operand: jql.Value | jql.Function) -> datetime:
        now = self.context.now.astimezone(UTC)
        if isinstance(operand, jql.Function):
            return date_function(operand, now)
        parsed = parse_date_value(operand.text, now)
        if parsed is None:
            raise JqlValidationError(
                [
                    f"Date value '{operand.text}' for field '{field_name}' is invalid. Valid "
                    "formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', "
                    "'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."
                ]
            )
        return parsed

    # ---- ordering -----------------------------------------------------------------------

    def order(self, keys: Iterable[jql.SortKey]) -> Callable[[list[Ticket]], list[Ticket]]:
        sorters = [(self._sort_value(k.field), k.descending) for k in keys]

        def order(tickets: list[Ticket]) -> list[Ticket]:
            result = list(tickets)  # creation order is the final tie-break
            for value, descending in reversed(sorters):
                result.sort(key=_nulls_last(value), reverse=descending)
            return result

        return order

    def _sort_value(self, field_name: str) -> Callable[[Ticket], Any]:
        try:
            name, kind = kind_of(field_name)
        except JqlValidationError:
            raise JqlValidationError([f"Not able to sort using field '{field_name}'."]) from None
        if kind in ("text", "labels") and name != "summary":
            raise JqlValidationError([f"Field '{field_name}' does not support sorting."])
        store = self.context.store
        if kind == "date":
            return self._instant_of(name)
        if kind == "user":
            getter = self._values(name, kind)

            def display_name(t: Ticket) -> str | None:
                person = next((store.user(a) for a in getter(t)), None)
                return person.display_name.casefold() if person else None

            return display_name
        simple: dict[str, Callable[[Ticket], Any]] = {
            "summary": lambda t: t.summary.casefold(),
            "key": lambda t: (t.project, t.number),
            "project": lambda t: t.project,
            "priority": lambda t: catalog.by_id(store.site.priorities, t.priority).rank,
            "status": lambda t: [s.id for s in catalog.STATUSES].index(t.status),
            "statuscategory": lambda t: t.category.id,
            "issuetype": lambda t: catalog.by_id(store.site.all_issue_types, t.issue_type).name,
            "resolution": lambda t: (
                catalog.by_id(catalog.RESOLUTIONS, t.resolution).name if t.resolution else None
            ),
        }
        return simple[name]


def _nulls_last(value: Callable[[Ticket], Any]) -> Callable[[Ticket], tuple[bool, Any]]:
    """A sort key that puts empty values after all others (ascending)."""

    def key(ticket: Ticket) -> tuple[bool, Any]:
        found = value(ticket)
        return (found is None, found if found is not None else 0)

    return key


def compile_query(query: jql.Query, context: JqlContext) -> CompiledQuery:
    """Check the query against the site and turn it into a predicate and an ordering.

    Raises ``JqlValidationError`` for unknown fields, operators a field does not support and
    bad dates. Values that name nothing are returned as ``problems``: under Jira's strict
    validation (the default) the caller answers 400 with them; under ``warn`` they only
    make their clause match nothing.
    """
    compiler = _Compiler(context)
    matches: Predicate = compiler.node(query.where) if query.where else (lambda t: True)
    order = compiler.order(query.order_by)
    return CompiledQuery(matches, order, compiler.problems, query.where is not None)
