"""Untrusted text stays text: in GitHub comments it notifies nobody but the configured
owners pmsync means to notify, in Jira it makes no markup or link, in JQL it is one
quoted value, and it never reaches a shell.

The comment and ticket checks run the whole story on the sandbox (status, feedback,
follow-up, nudge, repeat and back-link comments; ticket descriptions) with hostile text in
every field a post-mortem author controls.
"""

from __future__ import annotations

import ast
import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import jira
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support.github_markdown import stray_links
from support.sandbox_pmsync import BODY, REPO, Site

from pmsync.adapters import jira_answers
from pmsync.adapters.jira import JiraAdapter
from pmsync.adapters.retry import Remote, RetryPolicy
from pmsync.config.schema import FollowupConfig
from pmsync.core.render import JIRA_SPECIAL, ZWJ
from pmsync_sandbox.runner import Sandbox

PACKAGE = Path(__file__).resolve().parents[2] / "pmsync"

# -- hostile post-mortems -----------------------------------------------------------------------

HOSTILE_TITLE = (
    "Pool exhausted @bob @acme/sre <!-- pmsync:approval --> [x|https://evil.example] "
    "other-org/repo#1 #2"
)
HOSTILE_ACTION = (
    "Page @alice and @acme/sre <!-- pmsync:status --> [x](https://evil.example) {code} "
    "[~admin] !i.png! other-org/repo#1 GH-2 ![i](https://evil.example/i.png) "
    "<https://evil.example> www.evil.example"
)
HOSTILE_ROWS = f"""\
| {HOSTILE_ACTION} | Detect | P1 | @bob | 2026-11-27 | |
| Tell @carol h1. big *bold* &#64;alice | Prevent | P2 | @carol | 2026-11-25 | |
| Ask the @acme/sre team | Process | P2 | @acme/sre | 2 weeks | |
"""
HOSTILE_TEXT = (
    "Checkout failed for @alice and @acme/sre.\nh1. Not a heading\n{code}evil{code} "
    "[evil|https://evil.example] !https://evil.example/x.png! [~admin] @admin {color:red}x{color}"
    "\nbq. quoted"
)
BROKEN_ROW = (
    "| Fix @alice #3 | Detect | @bob <b>x</b> [x](https://evil.example) | bob | someday #4 | |\n"
)


def _section(body: str, heading: str, text: str) -> str:
    start = body.index(f"### {heading}\n\n") + len(f"### {heading}\n\n")
    end = body.index("\n\n### ", start)
    return body[:start] + text + body[end:]


def _rows(body: str, rows: str) -> str:
    start = body.index("| Alert when")
    end = body.index("\n### Lessons")
    return body[:start] + rows + body[end:]


def hostile_body() -> str:
    body = _rows(BODY, HOSTILE_ROWS)
    body = _section(body, "Summary", HOSTILE_TEXT)
    return _section(body, "Root cause", HOSTILE_TEXT)


def earlier_body() -> str:
    """The same services a month earlier: the hostile one is a repeat of it."""
    body = BODY.replace("2026-11-20 14:02 UTC", "2026-10-20 14:02 UTC")
    return body.replace("2026-11-20 15:47 UTC", "2026-10-20 15:47 UTC").replace(
        "2026-11-27", "2026-10-27"
    )


# -- what GitHub would notify -------------------------------------------------------------------

# "@" + a handle (or org/team), not inside a word, as GitHub finds mentions.
_MENTION = re.compile(r"(?<![A-Za-z0-9_`])@([A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9_.-]+)?)")
_CODE_SPAN = re.compile(r"`[^`\n]*`")


def mentions(body: str) -> list[tuple[str, str]]:
    """(handle, line) for every mention GitHub would notify, outside code spans and
    comments, with entities decoded and escaped pipes read as pipes, as a reader sees it."""
    found = []
    for line in body.splitlines():
        seen = html.unescape(_CODE_SPAN.sub("", line).replace("\\|", "|"))
        seen = re.sub(r"<!--.*?-->", "", seen)
        found += [(handle, line) for handle in _MENTION.findall(seen)]
    return found


# The follow-up reviews' line addressed to the owners of open items.
_OWNERS_LINE = re.compile(
    r"(?:@\S+, )*@\S+: you own an (?:open item above|item that is still open)\."
)


def kind(body: str) -> str:
    for name in ("status", "feedback", "approval", "repeat", "backlink", "followup", "nudge"):
        if body.lstrip().startswith(f"<!-- pmsync:{name}"):
            return name
    return "other"


@pytest.fixture
def story(sandbox: Sandbox) -> Site:
    """An earlier post-mortem, a hostile repeat of it, and one with hostile errors; synced,
    then synced again at the 2-week review, when two items are overdue."""
    site = Site(sandbox)
    site.config = site.config.model_copy(update={"followup": FollowupConfig(nudge_overdue=True)})
    # Each filed the day after its incident: a due date passing later gets its reminder (one
    # already passed at filing would get none).
    sandbox.set_clock(datetime(2026, 10, 21, 9, 0, tzinfo=UTC))
    site.open("alice", earlier_body(), "Payments DB pool exhausted in October")
    site.run()
    sandbox.set_clock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    site.open("alice", hostile_body(), HOSTILE_TITLE)
    site.open("bob", _rows(BODY, BROKEN_ROW), HOSTILE_TITLE)
    site.run()
    sandbox.set_clock(datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    site.run()
    return site


def test_comments_notify_only_configured_owners_where_templates_mean_to(story: Site) -> None:
    bodies = [c["body"] for c in story.comments() if c["user"] == "alice"]
    kinds = [kind(body) for body in bodies]
    # Every template that shows user text was rendered (so this is not vacuously true).
    for wanted in ("status", "feedback", "repeat", "backlink", "followup", "nudge"):
        assert wanted in kinds, f"no {wanted} comment was written"

    notified: dict[str, set[str]] = {}
    for body in bodies:
        for handle, line in mentions(body):
            notified.setdefault(kind(body), set()).add(handle)
            # The two places that mention on purpose, and only there.
            assert line.startswith("⏰ @") or _OWNERS_LINE.match(line), line
    # bob and alice are configured people; carol and the team are named in the table and
    # in hostile text everywhere, and nobody notifies them.
    assert notified == {"followup": {"bob", "alice"}, "nudge": {"bob", "alice"}}
    # carol's overdue item got its nudge too, naming her without notifying her.
    assert any(kind(b) == "nudge" and f"⏰ @{ZWJ}carol: " in b for b in bodies)


def test_comments_link_and_reference_only_what_templates_mean_to(story: Site) -> None:
    """No issue reference (a timeline entry in that issue, maybe in another organisation),
    link, image or autolink from the hostile text; the templates' own links go to the
    post-mortems and their tickets only."""
    issues = story.as_("alice").get_repo(REPO).get_issues(state="all")
    urls = {issue.html_url for issue in issues}
    urls |= {f"{story.sandbox.jira_url}/browse/{key}" for key in story.tickets()}
    bodies = [c["body"] for c in story.comments() if c["user"] == "alice"]
    assert {"status", "feedback", "repeat", "backlink", "followup", "nudge"} <= {
        kind(body) for body in bodies
    }
    for body in bodies:
        assert stray_links(body, urls) == [], body
    # The text is there, inert: the title in the back-link, the action in the status.
    assert any("other-org/repo#" in b and kind(b) == "backlink" for b in bodies)
    assert any("www.evil.example" in b.replace(ZWJ, "") and kind(b) == "status" for b in bodies)


def test_hostile_text_cannot_forge_or_close_pmsync_markers(story: Site) -> None:
    for comment in story.comments():
        if comment["user"] != "alice":
            continue
        body = comment["body"]
        # Only pmsync's own markers open and close; user text cannot end one early.
        assert body.count("<!--") == body.count("-->")
        for opened in re.findall(r"<!--(.*?)-->", body, flags=re.S):
            assert opened.strip().startswith("pmsync:"), opened


def markup(description: str) -> list[str]:
    """The wiki markup of a Jira text: each special character not escaped by a
    backslash, and each line that starts a heading or quote block. (The entities
    ``jira_escape`` writes for a backslash, an ampersand, a block's first letter and a
    URL scheme's colon are text, not markup.)"""
    description = re.sub(r"&(?:#92|amp|#104|#98|#58);", "", description)
    unescaped = [
        char
        for index, char in enumerate(description)
        if char in JIRA_SPECIAL and (index == 0 or description[index - 1] != "\\")
    ]
    blocks = re.findall(r"(?m)^[ \t]*(h[1-6]|bq)\.", description)
    return unescaped + blocks


def test_jira_descriptions_carry_the_templates_markup_and_nothing_else(story: Site) -> None:
    tickets = list(story.tickets().values())
    hostile = [t for t in tickets if "@" in t["summary"] or "team" in t["summary"]]
    benign = [t for t in tickets if t not in hostile]
    assert len(hostile) == 3 and benign
    reference = markup(benign[0]["description"]["wiki"])
    for ticket in hostile:
        text = ticket["description"]["wiki"]
        assert markup(text) == reference, ticket["key"]
        # The only links are the template's two, both to the post-mortem.
        links = re.findall(r"(?<!\\)\[(?:\\.|[^\]\\])*(?<!\\)\|([^\]]*)\]", text)
        assert len(links) == 2 and all(url.endswith("/issues/2") for url in links), links
        assert "evil.example" in text  # the text is there, inert
        assert "://evil" not in text  # no bare URL, which Jira would link


# -- JQL: one quoted value, on the sandbox's Jira ------------------------------------------------

LABELS = ["pmsync-pm-0a1b2c", "Ünïcödé-label", 'quote"label', "back\\slash", "x)OR(labels", "EMPTY"]
INJECTIONS = [
    '" OR labels is not EMPTY OR labels = "',
    'pmsync-pm-0a1b2c" OR project = OPS OR labels = "',
    "') OR key is not EMPTY --",
    "pmsync-pm-0a1b2c\\",
    '\\"',
    "x\n OR labels is not EMPTY",
    "\u0000\u001f\u007f\ufdd0",
]


@pytest.fixture
def labelled(sandbox: Sandbox, jira_client: jira.JIRA) -> Iterator[JiraAdapter]:
    """One ticket per label in LABELS, and pmsync's Jira adapter on the same site."""
    for label in LABELS:
        jira_client.create_issue(
            project="OPS", summary=f"carries {label}", issuetype={"name": "Task"}, labels=[label]
        )
    remote = Remote("jira", jira_answers.classify, policy=RetryPolicy(max_attempts=1))
    yield JiraAdapter.connect(
        sandbox.jira_url,
        sandbox.jira_token,
        email=sandbox.jira_email,
        deployment="cloud",
        remote=remote,
    )


def _holders(value: str) -> list[str]:
    return [f"OPS-{n}" for n, label in enumerate(LABELS, start=1) if label.lower() == value.lower()]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # searches change nothing
)
@given(
    value=st.text(min_size=1, max_size=40)
    | st.sampled_from(LABELS)
    | st.sampled_from(INJECTIONS)
    | st.sampled_from(LABELS).map(lambda label: label + '" OR labels = "' + LABELS[0])
)
@example(value=LABELS[0])
@example(value=LABELS[2].upper())
def test_any_text_in_jql_is_one_value_that_matches_only_itself(
    labelled: JiraAdapter, value: str
) -> None:
    """The sandbox parses the query as Jira would (a value that escapes its quotes makes
    a syntax error or another clause); every query parses and finds exactly the tickets
    labelled with that literal value (labels match in any case, as in Jira)."""
    found = [ticket.key for ticket in labelled.tickets_with_labels([value])]
    assert found == _holders(value)


# -- no shell -----------------------------------------------------------------------------------

# Modules that may start processes, and why. Nothing in pmsync does: untrusted text must
# never reach a shell. An entry here needs a reason a reviewer accepts.
SUBPROCESS_ALLOWED: dict[str, str] = {}

_PROCESS_MODULES = frozenset({"subprocess", "pty", "pexpect", "commands", "popen2", "sh"})
_PROCESS_CALLS = frozenset(
    {"system", "popen", "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve"}
    | {"spawnvp", "spawnvpe", "execl", "execle", "execlp", "execlpe", "execv", "execve"}
    | {"execvp", "execvpe", "posix_spawn", "posix_spawnp", "startfile"}
    | {"create_subprocess_shell", "create_subprocess_exec", "eval", "exec"}
)
_FORBIDDEN = _PROCESS_MODULES | _PROCESS_CALLS
_IMPORTERS = frozenset({"__import__", "import_module"})


def _names(node: ast.AST) -> list[str]:
    """The modules a node imports and the function it calls, by their last name."""
    if isinstance(node, ast.Import):
        return [alias.name.split(".")[0] for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        return [(node.module or "").split(".")[0], *(alias.name for alias in node.names)]
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in _IMPORTERS:  # a module imported by its name as text
            return [
                str(arg.value).split(".")[0] for arg in node.args if isinstance(arg, ast.Constant)
            ]
        return [name]
    return []


def process_uses(source: str) -> list[str]:
    """Where ``source`` could start a process or run text as code, by line."""
    return [
        f"line {getattr(node, 'lineno', 0)}: {name}"
        for node in ast.walk(ast.parse(source))
        for name in _names(node)
        if name in _FORBIDDEN
    ]


@pytest.mark.parametrize(
    "source",
    [
        "import subprocess",
        "import subprocess as sp",
        "from subprocess import run",
        "import os\nos.system('ls')",
        "from os import system",
        "import os\nos.popen('ls')",
        "import os\nos.execvp('ls', ['ls'])",
        "import asyncio\nasyncio.create_subprocess_shell('ls')",
        "import pty\npty.spawn('sh')",
        "__import__('subprocess')",
        "import importlib\nimportlib.import_module('subprocess')",
        "eval(text)",
        "exec(text)",
    ],
)
def test_the_scan_finds_every_way_to_start_a_process(source: str) -> None:
    assert process_uses(source), source


def test_the_scan_leaves_ordinary_code_alone() -> None:
    source = "import os\nimport importlib\nos.path.join('a', 'b')\nimportlib.import_module(name)"
    assert process_uses(source) == []


def test_nothing_in_pmsync_starts_a_process_or_runs_text() -> None:
    found = {
        str(path.relative_to(PACKAGE.parent)): uses
        for path in sorted(PACKAGE.rglob("*.py"))
        if (uses := process_uses(path.read_text(encoding="utf-8")))
    }
    unexpected = {path: uses for path, uses in found.items() if path not in SUBPROCESS_ALLOWED}
    assert unexpected == {}, "untrusted text must never reach a shell or eval"
    assert set(SUBPROCESS_ALLOWED) <= set(found), "stale allow-list entries"
