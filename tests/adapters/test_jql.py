"""The sandbox's JQL: the parser (Jira's lexical rules and messages) and the evaluator."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmsync_sandbox.jira import catalog, jql_errors, jql_parse, jql_tokens
from pmsync_sandbox.jira import jql_syntax as jql
from pmsync_sandbox.jira.jql_errors import JqlValidationError
from pmsync_sandbox.jira.jql_eval import JqlContext, compile_query
from pmsync_sandbox.jira.store import JiraComment, JiraStore, RichText, Ticket

NOW = datetime(2026, 11, 20, 14, 2, tzinfo=UTC)

# ---- parser ------------------------------------------------------------------------------


def clause(source: str) -> jql.Clause:
    where = jql_parse.parse(source).where
    assert isinstance(where, jql.Clause)
    return where


def test_a_clause_has_field_operator_and_value() -> None:
    assert clause("project = OPS") == jql.Clause("project", "=", jql.Value("OPS", quoted=False))


@pytest.mark.parametrize(
    ("source", "operator"),
    [
        ("a = b", "="),
        ("a != b", "!="),
        ("a ~ b", "~"),
        ("a !~ b", "!~"),
        ("a < b", "<"),
        ("a <= b", "<="),
        ("a > b", ">"),
        ("a >= b", ">="),
        ("a in (b)", "in"),
        ("a IN (b)", "in"),
        ("a not in (b)", "not in"),
        ("a NOT IN (b)", "not in"),
        ("a is EMPTY", "is"),
        ("a IS NOT null", "is not"),
    ],
)
def test_every_operator(source: str, operator: str) -> None:
    assert clause(source).operator == operator


def test_and_binds_tighter_than_or() -> None:
    where = jql_parse.parse("a = 1 OR b = 2 AND c = 3").where
    assert isinstance(where, jql.Or)
    assert isinstance(where.parts[1], jql.And)


def test_parentheses_and_not() -> None:
    where = jql_parse.parse("NOT (a = 1 OR b = 2) AND c = 3").where
    assert isinstance(where, jql.And)
    negated = where.parts[0]
    assert isinstance(negated, jql.Not)
    assert isinstance(negated.part, jql.Or)


def test_symbol_forms_of_and_or_not() -> None:
    assert jql_parse.parse("a = 1 && b = 2 || !c = 3") == jql_parse.parse(
        "a = 1 AND b = 2 OR NOT c = 3"
    )


def test_keywords_ignore_case() -> None:
    assert jql_parse.parse("a = 1 and b in (2) order by c desc") == jql_parse.parse(
        "a = 1 AND b IN (2) ORDER BY c DESC"
    )


def test_lists_functions_and_empty() -> None:
    operand = clause('labels in (a, "b c", EMPTY, currentUser())').operand
    assert operand == jql.ValueList(
        (
            jql.Value("a", quoted=False),
            jql.Value("b c", quoted=True),
            jql.Empty(),
            jql.Function("currentUser", ()),
        )
    )


def test_function_arguments() -> None:
    assert clause('updated >= startOfDay("-1d")').operand == jql.Function("startOfDay", ("-1d",))


def test_order_by_several_fields() -> None:
    query = jql_parse.parse("project = OPS ORDER BY priority DESC, key ASC, created")
    assert query.order_by == (
        jql.SortKey("priority", descending=True),
        jql.SortKey("key", descending=False),
        jql.SortKey("created", descending=False),
    )


def test_order_by_alone_and_the_empty_query() -> None:
    assert jql_parse.parse("ORDER BY key") == jql.Query(None, (jql.SortKey("key", False),))
    assert jql_parse.parse("   ") == jql.Query(None, ())


@pytest.mark.parametrize(
    ("source", "value"),
    [
        (r'"a \"b\" c"', 'a "b" c'),
        (r'"back\\slash"', "back\\slash"),
        (r"'it\'s'", "it's"),
        (r'"tab\there"', "tab\there"),
        (r'"line\nbreak\r"', "line\nbreak\r"),
        ('"raw\nnewline"', "raw\nnewline"),
        (r'"\u0041\u00e9"', "Aé"),
        (r"spaced\ word", "spaced word"),
        ("service:payments-db", "service:payments-db"),
        ("OPS-12", "OPS-12"),
        ('"reserved words: and or not"', "reserved words: and or not"),
    ],
)
def test_strings_decode_as_jira_decodes_them(source: str, value: str) -> None:
    operand = clause(f"labels = {source}").operand
    assert isinstance(operand, jql.Value)
    assert operand.text == value


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "project OPS",
            "Error in the JQL Query: Expecting operator but got 'OPS'. The valid operators are "
            "'=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. "
            "(line 1, character 9)",
        ),
        (
            "labels = and",
            "Error in the JQL Query: Expecting either a value, list or function but got 'and'. "
            "You must surround 'and' in quotation marks to use it as a value. "
            "(line 1, character 10)",
        ),
        (
            "select = x",
            "Error in the JQL Query: 'select' is a reserved JQL word. You must surround it in "
            "quotation marks to use it in a query. (line 1, character 1)",
        ),
        (
            'summary ~ "open',
            "Error in the JQL Query: The quoted string 'open' has not been completed. "
            "(line 1, character 11)",
        ),
        (
            "labels = a@b",
            "Error in the JQL Query: The character '@' is a reserved JQL character. You must "
            "enclose it in a string or use the escape '\\u0040' instead. (line 1, character 11)",
        ),
        (
            r'labels = "a\qb"',
            "Error in the JQL Query: '\\q' is an illegal JQL escape sequence. The valid escape "
            "sequences are \\', \\\", \\t, \\n, \\r, \\\\, '\\ ' and \\uXXXX. "
            "(line 1, character 12)",
        ),
        ("project = ", "Expecting either a value, list or function before the end of the query."),
        ("(a = b", "Expecting ')' before the end of the query."),
        ("a = b c = d", "Expecting either 'OR' or 'AND' but got 'c'. (line 1, character 7)"),
        ("a = b\nAND", "Expecting a field name before the end of the query."),
        ("a = b\nAND c d", "Expecting operator but got 'd'"),
        ('a = "tab\tinside"', "The character '\\u0009' is an illegal JQL character."),
        ("labels is OPS", "Expecting 'EMPTY' or 'NULL' but got 'OPS'."),
        ("status was Done", "The operator 'WAS' searches issue history"),
    ],
)
def test_syntax_errors_carry_jiras_message(source: str, message: str) -> None:
    with pytest.raises(jql_errors.JqlSyntaxError) as caught:
        jql_parse.parse(source)
    assert message in str(caught.value)
    assert str(caught.value).startswith("Error in the JQL Query: ")


def test_positions_count_lines() -> None:
    with pytest.raises(jql_errors.JqlSyntaxError, match=r"\(line 2, character 7\)"):
        jql_parse.parse("a = b\nAND c d")


def test_quote_escapes_what_jira_escapes() -> None:
    assert jql_tokens.quote('a "b" \\ c') == '"a \\"b\\" \\\\ c"'
    assert jql_tokens.quote("tab\tnl\ncr\r") == '"tab\\tnl\\ncr\\r"'
    assert jql_tokens.quote("bell\x07 del\x7f") == '"bell\\u0007 del\\u007f"'
    assert jql_tokens.quote("it's") == '"it\'s"'


def _single_quoted(text: str) -> str:
    """Jira's other string form: single quotes, with the same escapes."""
    out = []
    for char in text:
        if char in "\\'":
            out.append("\\" + char)
        elif char == "\t":
            out.append("\\t")
        elif jql_tokens.is_control(char):
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "'" + "".join(out) + "'"


@given(st.text(max_size=60))
@settings(max_examples=300)
def test_any_text_round_trips_through_quoting(text: str) -> None:
    for encoded in (jql_tokens.quote(text), _single_quoted(text)):
        value = jql.Value(text, quoted=True)
        parsed = jql_parse.parse(f"labels = {encoded} ORDER BY key")
        assert parsed.where == jql.Clause("labels", "=", value)
        combined = jql_parse.parse(
            f"summary ~ {encoded} AND labels in ({encoded}, {encoded})"
        ).where
        assert combined == jql.And(
            (
                jql.Clause("summary", "~", value),
                jql.Clause("labels", "in", jql.ValueList((value, value))),
            )
        )


# ---- evaluator ---------------------------------------------------------------------------


class Site:
    """A store with tickets built directly, and a way to run JQL against it."""

    def __init__(self, *, cloud: bool = True) -> None:
        self.store = JiraStore()
        self.cloud = cloud
        self.project = self.store.project("OPS")
        assert self.project is not None

    def ticket(self, summary: str = "Add alert", **values: Any) -> Ticket:
        moment = values.pop("created", NOW)
        defaults: dict[str, Any] = {
            "issue_type": "10002",
            "summary": summary,
            "priority": catalog.DEFAULT_PRIORITY.id,
            "creator": "alice",
            "reporter": "alice",
            "status": catalog.TO_DO.id,
            "created": moment,
            "updated": values.pop("updated", moment),
            "status_category_changed": moment,
        }
        defaults.update(values)
        assert self.project is not None
        return self.store.new_ticket(self.project, **defaults)

    def keys(self, source: str, *, strict: bool = True) -> list[str]:
        actor = self.store.user("alice")
        assert actor is not None
        compiled = compile_query(
            jql_parse.parse(source), JqlContext(self.store, NOW, actor, self.cloud)
        )
        if strict and compiled.problems:
            raise JqlValidationError(compiled.problems)
        matching = [t for t in self.store.tickets() if compiled.matches(t)]
        return [t.key for t in compiled.order(matching)]


@pytest.fixture
def site() -> Site:
    return Site()


def test_labels_match_ignoring_case_and_any_of_a_list(site: Site) -> None:
    site.ticket(labels=["postmortem", "Pm-ID-abc"])
    site.ticket(labels=["postmortem"])
    site.ticket(labels=[])
    assert site.keys("labels = pm-id-ABC") == ["OPS-1"]
    assert site.keys("labels in (pm-id-abc, postmortem)") == ["OPS-1", "OPS-2"]
    assert site.keys("labels = postmortem AND labels = pm-id-abc") == ["OPS-1"]


def test_not_equal_and_not_in_skip_empty_fields_as_jira_does(site: Site) -> None:
    site.ticket(labels=["a"])
    site.ticket(labels=["b"])
    site.ticket(labels=[])
    assert site.keys("labels != a") == ["OPS-2"]
    assert site.keys("labels not in (a, b)") == []
    assert site.keys("NOT labels = a") == ["OPS-2", "OPS-3"]
    assert site.keys("labels is EMPTY") == ["OPS-3"]
    assert site.keys("labels is not EMPTY") == ["OPS-1", "OPS-2"]
    assert site.keys("labels in (a, EMPTY)") == ["OPS-1", "OPS-3"]


def test_status_category_by_key_name_and_id(site: Site) -> None:
    site.ticket()
    site.ticket(status=catalog.IN_PROGRESS.id)
    site.ticket(status=catalog.DONE.id, resolution=catalog.RESOLUTION_DONE.id)
    assert site.keys("statusCategory = done") == ["OPS-3"]
    assert site.keys('statusCategory = "In Progress"') == ["OPS-2"]
    assert site.keys("statusCategory in (2, indeterminate)") == ["OPS-1", "OPS-2"]
    assert site.keys("statusCategory != done") == ["OPS-1", "OPS-2"]
    assert site.keys('status = "to do"') == ["OPS-1"]
    assert site.keys("status in (3, Done)") == ["OPS-2", "OPS-3"]


def test_resolution_unresolved_and_names(site: Site) -> None:
    site.ticket()
    site.ticket(status=catalog.DONE.id, resolution=catalog.RESOLUTION_WONT_DO.id)
    assert site.keys("resolution = Unresolved") == ["OPS-1"]
    assert site.keys("resolution is EMPTY") == ["OPS-1"]
    assert site.keys('resolution = "Won\'t Do"') == ["OPS-2"]
    assert site.keys("resolution != Done") == ["OPS-2"]


def test_key_and_id(site: Site) -> None:
    first = site.ticket()
    site.ticket()
    assert site.keys("key = ops-2") == ["OPS-2"]
    assert site.keys(f"issuekey in (OPS-2, {first.id})") == ["OPS-1", "OPS-2"]
    assert site.keys("key != OPS-1") == ["OPS-2"]


def test_values_that_name_nothing_are_jiras_validation_errors(site: Site) -> None:
    site.ticket()
    cases = {
        "status = Nope": "The value 'Nope' does not exist for the field 'status'.",
        "project = ABC": "The value 'ABC' does not exist for the field 'project'.",
        "key = OPS-99": "An issue with key 'OPS-99' does not exist for field 'key'.",
        "key = 99999": "An issue with id '99999' does not exist for field 'key'.",
        "key = nonsense": "The issue key 'nonsense' for field 'key' is invalid.",
        "assignee = carol": "The value 'carol' does not exist for the field 'assignee'.",
    }
    for source, message in cases.items():
        with pytest.raises(JqlValidationError) as caught:
            site.keys(source)
        assert caught.value.messages == [message]
    assert site.keys("key in (OPS-1, OPS-99)", strict=False) == ["OPS-1"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("colour = red", "Field 'colour' does not exist or you do not have permission to view it."),
        ("summary = x", "The operator '=' is not supported by the 'summary' field."),
        ("labels ~ x", "The operator '~' is not supported by the 'labels' field."),
        ("labels > x", "The operator '>' is not supported by the 'labels' field."),
        ("created in (x)", "The operator 'IN' is not supported by the 'created' field."),
        ('summary ~ ""', "The field 'summary' does not support searching for an empty string."),
        ("updated >= yesterday", "Date value 'yesterday' for field 'updated' is invalid."),
        ("updated >= lastWeek()", "Unable to find JQL function 'lastWeek()'."),
        ("project = OPS ORDER BY colour", "Not able to sort using field 'colour'."),
        ("project = OPS ORDER BY labels", "Field 'labels' does not support sorting."),
    ],
)
def test_fields_and_operators_jira_refuses(site: Site, source: str, message: str) -> None:
    with pytest.raises(JqlValidationError) as caught:
        site.keys(source)
    assert message in caught.value.messages[0]


def test_updated_since_a_minute(site: Site) -> None:
    site.ticket(updated=datetime(2026, 11, 20, 13, 59, 59, tzinfo=UTC))
    site.ticket(updated=datetime(2026, 11, 20, 14, 0, tzinfo=UTC))
    site.ticket(updated=datetime(2026, 11, 20, 14, 0, 30, tzinfo=UTC))
    assert site.keys('updated >= "2026-11-20 14:00"') == ["OPS-2", "OPS-3"]
    assert site.keys('updated > "2026/11/20 14:00"') == ["OPS-3"]
    assert site.keys('updated < "2026-11-20 14:00"') == ["OPS-1"]


def test_a_date_means_midnight_so_lte_excludes_that_day(site: Site) -> None:
    site.ticket(created=datetime(2026, 11, 19, 23, 0, tzinfo=UTC))
    site.ticket(created=datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    assert site.keys('created >= "2026-11-20"') == ["OPS-2"]
    assert site.keys("created <= 2026-11-20") == ["OPS-1"]


def test_relative_dates_and_functions_use_the_sandbox_clock(site: Site) -> None:
    site.ticket(created=NOW - timedelta(days=3))
    site.ticket(created=NOW - timedelta(hours=5))
    site.ticket(created=NOW - timedelta(minutes=1))
    assert site.keys("created >= -1d") == ["OPS-2", "OPS-3"]
    assert site.keys('created >= "-2h 30m"') == ["OPS-3"]
    assert site.keys("created >= startOfDay()") == ["OPS-2", "OPS-3"]
    assert site.keys("created >= startOfDay(-3d)") == ["OPS-1", "OPS-2", "OPS-3"]
    assert site.keys("created < now()") == ["OPS-1", "OPS-2", "OPS-3"]
    assert site.keys("created > endOfDay()") == []


def test_due_dates_and_resolution_dates(site: Site) -> None:
    site.ticket(due=date(2026, 11, 19))
    site.ticket(due=date(2026, 12, 1))
    site.ticket(status=catalog.DONE.id, resolution="10000", resolved=NOW)
    assert site.keys("due < now()") == ["OPS-1"]
    assert site.keys('duedate = "2026-12-01"') == ["OPS-2"]
    assert site.keys("duedate is EMPTY") == ["OPS-3"]
    assert site.keys("resolved >= startOfDay()") == ["OPS-3"]


def test_text_search_by_words_prefixes_and_phrases(site: Site) -> None:
    site.ticket("Add connection pool exhaustion alert (80%)")
    site.ticket("Alert on pool size", description=RichText(wiki="Connection limits"))
    third = site.ticket("Write runbook")
    third.comments.append(
        JiraComment(
            id="1",
            author="bob",
            update_author="bob",
            body=RichText(wiki="Mentions the connection pool"),
            created=NOW,
            updated=NOW,
        )
    )
    assert site.keys('summary ~ "POOL alert"') == ["OPS-1", "OPS-2"]
    assert site.keys('summary ~ "exhaust*"') == ["OPS-1"]
    assert site.keys('summary ~ "\\"pool exhaustion\\""') == ["OPS-1"]
    assert site.keys('summary ~ "\\"exhaustion pool\\""') == []
    assert site.keys("summary !~ alert") == ["OPS-3"]
    assert site.keys("description ~ connection") == ["OPS-2"]
    assert site.keys("comment ~ connection") == ["OPS-3"]
    assert site.keys("text ~ connection") == ["OPS-1", "OPS-2", "OPS-3"]


def test_users_and_current_user() -> None:
    for cloud in (True, False):
        site = Site(cloud=cloud)
        site.ticket(assignee="bob")
        site.ticket(assignee="alice")
        site.ticket()
        assert site.keys("assignee = bob") == ["OPS-1"]
        assert site.keys("assignee = currentUser()") == ["OPS-2"]
        assert site.keys("assignee is EMPTY") == ["OPS-3"]
        assert site.keys("assignee != bob") == ["OPS-2"]


def test_project_by_key_name_or_id(site: Site) -> None:
    site.ticket()
    assert site.keys("project = ops") == ["OPS-1"]
    assert site.keys('project = "Operations"') == ["OPS-1"]
    assert site.project is not None
    assert site.keys(f"project = {site.project.id}") == ["OPS-1"]


def test_order_by(site: Site) -> None:
    site.ticket("b", priority="4", due=date(2026, 12, 3))
    site.ticket("a", priority="1")
    site.ticket("c", priority="2", due=date(2026, 12, 1))
    assert site.keys("project = OPS ORDER BY key DESC") == ["OPS-3", "OPS-2", "OPS-1"]
    assert site.keys("project = OPS ORDER BY priority DESC") == ["OPS-2", "OPS-3", "OPS-1"]
    assert site.keys("project = OPS ORDER BY summary") == ["OPS-2", "OPS-1", "OPS-3"]
    assert site.keys("project = OPS ORDER BY duedate ASC") == ["OPS-3", "OPS-1", "OPS-2"]
    assert site.keys("project = OPS ORDER BY duedate DESC") == ["OPS-2", "OPS-1", "OPS-3"]
    assert site.keys("project = OPS ORDER BY created, key DESC") == ["OPS-3", "OPS-2", "OPS-1"]


def test_without_order_by_tickets_come_in_creation_order(site: Site) -> None:
    for _ in range(3):
        site.ticket()
    assert site.keys("project = OPS") == ["OPS-1", "OPS-2", "OPS-3"]


_LABEL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")), min_size=1
).filter(lambda s: not any(c.isspace() for c in s))


@given(target=_LABEL, others=st.lists(_LABEL, max_size=4))
@settings(max_examples=150, deadline=None)
def test_a_quoted_label_matches_only_that_label(target: str, others: list[str]) -> None:
    site = Site()
    site.ticket(labels=[target])
    for other in others:
        site.ticket(labels=[other])
    expected = ["OPS-1"] + [
        f"OPS-{n}" for n, other in enumerate(others, start=2) if other.lower() == target.lower()
    ]
    assert site.keys(f"labels = {jql_tokens.quote(target)}") == expected
    assert (
        site.keys(f"labels in ({_single_quoted(target)}, {jql_tokens.quote(target)})") == expected
    )
