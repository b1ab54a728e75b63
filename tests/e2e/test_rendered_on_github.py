"""pmsync's comments and report as GitHub shows them (issue #18).

The demo's story runs once on the test sandbox; every comment pmsync wrote there, the
digest issue and the report are then rendered the way github.com renders them:

1. by cmark-gfm, GitHub's own Markdown library (through ``cmarkgfm``), with the options
   github.com uses: no Markdown, escape or marker may show as text, and each
   ``<details>`` has its ``<summary>``;
2. (mark ``browser``, run by scripts/test-slow after scripts/install-chromium) in headless
   Chromium with Mermaid, as github.com draws ```` ```mermaid ```` blocks: every chart
   becomes an SVG and none is Mermaid's "Syntax error" drawing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from pmsync.config.redact import Redactor
from pmsync_sandbox.demo.story import tell
from pmsync_sandbox.demo.world import BOT
from pmsync_sandbox.runner import Sandbox

TOOLS = Path(__file__).resolve().parents[2] / "tools"
# github.com keeps raw HTML (<details>, markers) and writes a fence's language as <pre lang>.
GITHUB_OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_GITHUB_PRE_LANG
# What a reader would see if Markdown were not rendered, or escaped twice.
LEFTOVERS = {
    "bold": re.compile(r"\*\*\S"),
    "table delimiter row": re.compile(r"\|\s*:?-{3,}"),
    "backslash escape": re.compile(r"\\[|\[\]*_#`]"),
    "entity shown as text": re.compile(r"&(?:amp|lt|gt|quot|#\d+);"),
    "HTML comment": re.compile(r"<!--|-->"),
    "link syntax": re.compile(r"\]\("),
    "code fence": re.compile(r"```"),
}


class VisibleText(HTMLParser):
    """The text a reader sees, outside code (which shows its text as written on purpose)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.in_code = 0
        self.details = 0
        self.summaries = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_code += tag in ("code", "pre")
        self.details += tag == "details"
        self.summaries += tag == "summary"

    def handle_endtag(self, tag: str) -> None:
        self.in_code -= tag in ("code", "pre")

    def handle_data(self, data: str) -> None:
        if not self.in_code:
            self.parts.append(data)


def github_html(markdown: str) -> str:
    html: str = cmarkgfm.github_flavored_markdown_to_html(markdown, options=GITHUB_OPTIONS)
    return html


@pytest.fixture(scope="module")
def pages(sandbox_server: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each text pmsync wrote in the story, by where it is, as Markdown."""
    sandbox_server.reset()
    output = tmp_path_factory.mktemp("demo") / "demo-output"
    work = tmp_path_factory.mktemp("work")
    tell(sandbox_server, output, work, show=lambda line: None, redactor=Redactor())
    state = sandbox_server.state()["github"]["repos"]
    found: dict[str, str] = {"report": (output / "report.md").read_text(encoding="utf-8")}
    for repo, held in state.items():
        for comment in held["comments"].values():
            if comment["user"] == BOT:
                found[f"{repo}#{comment['issue_number']} comment {comment['id']}"] = comment["body"]
        for issue in held["issues"].values():
            if issue["user"] == BOT:
                found[f"{repo}#{issue['number']} body"] = issue["body"] or ""
    return found


def test_the_story_gives_every_kind_of_text_to_check(pages: dict[str, str]) -> None:
    kinds = {m.group(1) for body in pages.values() if (m := re.match(r"<!-- pmsync:(\w+)", body))}
    assert {"status", "feedback", "followup", "repeat"} <= kinds, kinds
    assert any("```mermaid" in body for body in pages.values())


def test_no_markdown_escape_or_marker_shows_as_text_on_github(pages: dict[str, str]) -> None:
    shown: list[str] = []
    for where, markdown in pages.items():
        seen = VisibleText()
        seen.feed(github_html(markdown))
        text = "".join(seen.parts)
        shown += [f"{where}: {name}" for name, pattern in LEFTOVERS.items() if pattern.search(text)]
        if seen.details != seen.summaries:
            shown.append(f"{where}: a <details> without its <summary>")
    assert shown == []


def test_the_leftover_check_notices_markdown_that_did_not_render() -> None:
    # Escaped twice, as a template filtering text twice would write it.
    broken = "| a |\n|---|---|\n\\\\| cell\n&amp;lt; <!-- x --"
    seen = VisibleText()
    seen.feed(github_html(broken))
    text = "".join(seen.parts)
    assert {name for name, pattern in LEFTOVERS.items() if pattern.search(text)} >= {
        "table delimiter row",
        "backslash escape",
        "entity shown as text",
        "HTML comment",
    }


@pytest.mark.browser
def test_every_chart_draws_in_a_browser_as_github_draws_it(pages: dict[str, str]) -> None:
    node = shutil.which("node")
    if node is None or not (TOOLS / "browser" / "node_modules" / "playwright-core").is_dir():
        pytest.fail("the browser checks are not installed: run scripts/install-chromium")
    charted = {where: github_html(md) for where, md in pages.items() if "```mermaid" in md}
    done = subprocess.run(
        [node, str(TOOLS / "browser" / "render.mjs")],
        input=json.dumps([{"name": where, "html": html} for where, html in charted.items()]),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    seen = json.loads(done.stdout)
    charts = [(page["name"], chart) for page in seen for chart in page["charts"]]
    assert len(charts) >= 2
    assert [(name, c["error"]) for name, c in charts if not c["svg"] or c["error"]] == []
    assert all(c["text"].strip() for _, c in charts)  # titles and labels were drawn
    assert not any("Syntax error" in page["text"] for page in seen)
