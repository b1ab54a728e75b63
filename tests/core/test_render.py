"""Rendering: user text cannot mention anyone, reference an issue, make a link or an image,
break pmsync's markup, or inject Jira markup."""

from __future__ import annotations

import html
import re
from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from support.factories import finding
from support.github_markdown import as_read_on_github, stray_links

from pmsync.core.domain import markers
from pmsync.core.domain.markers import Snapshot
from pmsync.core.render import (
    JIRA_SPECIAL,
    ZWJ,
    ConflictNote,
    DescriptionView,
    RemovedRow,
    StatusRow,
    StatusView,
    UnassignedNote,
    UnknownKeyNote,
    finding_views,
    jira_escape,
    jira_inline,
    mention,
    neutralise,
    quiet_handle,
    render,
    render_approval,
    render_feedback,
    render_status,
    render_ticket_description,
    render_ticket_duplicate,
    render_ticket_removed,
)

# What GitHub turns into a notification: @ + a handle, not inside a word.
MENTION = re.compile(r"(?<![A-Za-z0-9`])@[A-Za-z0-9]")
ATTACKS = [
    "@bob please fix",
    "ping @acme/sre and @alice",
    "&#64;bob via an entity",
    "close it --> <!-- pmsync:status --> here",
    "a | b | c",
    "line one\nline two\r\n| x |",
    "back\\slash \\| pipe",
    "[link](https://evil.example) ![img](https://evil.example/x.png)",
    "<img src=x onerror=alert(1)>",
    "see #12, other-org/repo#1, acme#3 and GH-7 (gh-8)",
    "<https://evil.example/pmsync> https://github.com/other/repo/issues/1 www.evil.example",
    "[OPS-1](https://evil.example/browse/OPS-1) [ref][1] ![a]",
]
# Text made of the pieces that build mentions, references, links and markers, which plain
# random text seldom puts side by side.
PIECES = ["#", "GH-", "gh-", "://", "www.", "[", "]", "(", ")", "!", "@", "<", ">", "\\"]
PIECES += ["&", "|", "-->", "<!--", "1", "a", "x/y", " ", "\n", ZWJ]
HOSTILE = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=12).map("".join)


# --- neutralise --------------------------------------------------------------------------------


def test_neutralise_examples() -> None:
    assert neutralise("@bob") == f"@{ZWJ}bob"
    assert neutralise("a | b") == "a \\| b"
    assert neutralise("x --> y") == "x --&gt; y"
    assert neutralise("one\n two") == "one two"
    assert neutralise("C:\\temp") == "C:&#92;temp"
    assert neutralise("R&D") == "R&amp;D"
    assert neutralise("see #12 and acme/app#3") == f"see #{ZWJ}12 and acme/app#{ZWJ}3"
    assert neutralise("GH-7 gh-8 # 9 #x") == f"G{ZWJ}H-7 g{ZWJ}h-8 # 9 #x"
    assert neutralise("[a](https://x.example)") == f"\\[a\\](https:{ZWJ}//x.example)"
    assert neutralise("![i](y) www.x.example") == f"!\\[i\\](y) w{ZWJ}ww.x.example"
    assert neutralise("<https://x>") == f"&lt;https:{ZWJ}//x&gt;"


@given(st.text() | HOSTILE)
def test_neutralised_text_is_inert_and_reads_the_same(text: str) -> None:
    safe = neutralise(text)
    assert not MENTION.search(as_read_on_github(safe))
    assert not set(safe) & {"<", ">", "\n", "\r"}
    assert not re.search(r"(?<!\\)\|", safe)
    assert "-->" not in safe and "<!--" not in safe
    assert stray_links(safe, set()) == []
    seen = as_read_on_github(safe).replace(ZWJ, "")
    assert seen == " ".join(text.split()).replace(ZWJ, "")


def test_quiet_handles_and_real_mentions() -> None:
    assert quiet_handle("bob") == f"@{ZWJ}bob"
    assert mention("bob", {"Bob", "alice"}) == "@bob"
    assert mention("carol", {"bob"}) == f"@{ZWJ}carol"
    assert mention("acme/sre", {"acme/sre"}) == f"@{ZWJ}acme/sre"  # teams are never pinged
    assert mention("bob <!--", {"bob <!--"}) == f"@{ZWJ}bob &lt;!--"


# --- jira_escape -------------------------------------------------------------------------------

OUR_ENTITIES = re.compile(r"&#92;|&amp;|&#104;|&#98;|&#58;")


def jira_unescape(text: str) -> str:
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


def test_jira_escape_examples() -> None:
    assert jira_escape("[click|http://evil]") == "\\[click\\|http&#58;//evil\\]"
    assert jira_escape("see https://evil.example or FTP://x") == (
        "see https&#58;//evil.example or FTP&#58;//x"
    )
    assert jira_escape("mailto:a at b, news:x") == "mailto&#58;a at b, news&#58;x"
    assert jira_escape("*bold* {code} !img.png!") == "\\*bold\\* \\{code\\} \\!img.png\\!"
    assert jira_escape("[~admin] @admin") == "\\[\\~admin\\] \\@admin"
    assert jira_escape("h1. Big\nbq. quote\n# one") == "&#104;1. Big\n&#98;q. quote\n\\# one"
    assert jira_escape("a\\\\b") == "a&#92;&#92;b"  # "\\" would be a line break
    assert jira_escape("one\r\ntwo") == "one\ntwo"
    assert jira_inline("one\ntwo") == "one two"


@given(st.text())
def test_jira_escaped_text_has_no_markup_and_reads_the_same(text: str) -> None:
    safe = jira_escape(text)
    bare = OUR_ENTITIES.sub("", safe)
    for index, char in enumerate(bare):
        if char in JIRA_SPECIAL:
            assert index > 0 and bare[index - 1] == "\\", (text, safe)
        if char == "\\":
            assert index + 1 < len(bare) and bare[index + 1] in JIRA_SPECIAL, (text, safe)
    assert not re.search(r"(?m)^[ \t]*(h[1-6]|bq)\.", safe)
    assert not re.search(r"&(?!#92;|amp;|#104;|#98;|#58;)", safe)
    assert not re.search(r"(?i)://|mailto:|news:|nntp:", safe)  # no bare URL Jira links
    assert jira_unescape(safe) == text.replace("\r\n", "\n").replace("\r", "\n")


# --- templates ---------------------------------------------------------------------------------


def status_view(action: str = "Add pool alert", owner: str = "bob") -> StatusView:
    return StatusView(
        summary="1 of 3 done · 1 overdue",
        rows=(
            StatusRow(
                row=1,
                key="OPS-1",
                url="https://jira.example.com/browse/OPS-1",
                action=action,
                owner=owner,
                priority="P1",
                due=date(2026, 12, 1),
                status="Done",
                progress="done",
            ),
            StatusRow(
                row=2,
                key="OPS-2",
                url="https://jira.example.com/browse/OPS-2",
                action="Write runbook",
                owner="carol",
                priority="P2",
                due=date(2026, 12, 1),
                status="In Progress",
                progress="overdue",
                days_overdue=9,
            ),
            StatusRow(
                row=3,
                key=None,
                url=None,
                action="Fix it",
                owner="dave",
                priority="P3",
                due=None,
                status="not tracked by pmsync",
                progress="open",
            ),
        ),
        removed=(
            RemovedRow(key="OPS-9", url="https://j/browse/OPS-9", action=action, status="To Do"),
        ),
        conflicts=(ConflictNote(key="OPS-1", field="priority", github="P1", jira="Highest"),),
        unassigned=(
            UnassignedNote(key="OPS-2", owner="carol", reason="unknown"),
            UnassignedNote(key="OPS-3", owner="acme/sre", reason="team"),
            UnassignedNote(key="OPS-4", owner="erin", reason="email", email="erin@example.com"),
        ),
        unknown_keys=(
            UnknownKeyNote(row=3, key="XYZ-5"),
            UnknownKeyNote(row=4, key="OPS-1", held_by=1),
        ),
        snapshot_marker=markers.encode_snapshot(Snapshot(linked=("OPS-1",))),
    )


def table_lines(body: str) -> list[str]:
    return [line for line in body.splitlines() if line.startswith("| ")]


def test_status_comment_reads_in_ten_seconds() -> None:
    body = render_status(status_view())
    assert body.startswith(markers.STATUS + "\n")
    assert "### Action items: 1 of 3 done · 1 overdue" in body
    assert "| [OPS-1](https://jira.example.com/browse/OPS-1) | Add pool alert |" in body
    assert "⚠️ overdue 9d (In Progress)" in body
    assert "| — | Fix it |" in body
    assert "[OPS-9](https://j/browse/OPS-9) Add pool alert (To Do)" in body
    assert "the priority was changed both in the table (P1) and in Jira (Highest)" in body
    assert "is a team" in body and "has no Jira account" in body
    assert (
        f"**OPS-4** is unassigned in Jira: `people:` in the pmsync configuration gives "
        f"@{ZWJ}erin the e-mail erin@{ZWJ}example.com, which matches no Jira user. Correct the "
        "address, or give their `jira_account` instead." in body
    )
    assert body.count("Add them under `people:`") == 1  # carol's note only
    assert "Row 3 names **XYZ-5**, which is not one of this post-mortem's pmsync" in body
    assert (
        "Row 4 names **OPS-1**, which is already the ticket of row 1, so pmsync leaves row 4 "
        "alone." in body
    )
    assert markers.decode_snapshot(body) == Snapshot(linked=("OPS-1",))
    assert not MENTION.search(as_read_on_github(body))
    assert body.endswith("-->\n")


@given(st.sampled_from(ATTACKS) | HOSTILE, st.sampled_from(ATTACKS) | st.text() | HOSTILE)
def test_user_text_in_the_status_comment_stays_in_its_cell(action: str, owner: str) -> None:
    body = render_status(status_view(action=action, owner=owner))
    assert not MENTION.search(as_read_on_github(body))
    assert body.count("<!--") == 2 and body.count("-->") == 2
    assert markers.decode_snapshot(body) == Snapshot(linked=("OPS-1",))
    for line in table_lines(body):
        assert len(re.findall(r"(?<!\\)\|", line)) == 7, line
    # The template's links (the tickets) and nothing else: no link, image, autolink or
    # cross-reference from the user's text.
    urls = {row.url for row in status_view().rows if row.url} | {"https://j/browse/OPS-9"}
    assert stray_links(body, urls) == []


def test_feedback_variants() -> None:
    errors = finding_views((finding(message="owner 'bob' needs an @: write @bob"),), {})
    warnings = finding_views(
        (finding("warning", field="root_cause", row=None, message="names a person"),),
        {"root_cause": "Root cause (5 whys)"},
    )
    marker = markers.data_marker("feedback-state", "errors")
    broken = render_feedback("errors", marker, errors, warnings)
    assert broken.startswith(markers.FEEDBACK + "\n" + marker + "\n")
    assert "needs a fix before pmsync can create its Jira tickets" in broken
    assert f"- ❌ **Action items, row 1**: owner 'bob' needs an @{ZWJ}: write @{ZWJ}bob" in broken
    assert "- 💡 **Root cause (5 whys)**: names a person" in broken
    fixed = render_feedback("fixed", marker, (), warnings)
    assert "Fixed, thank you" in fixed and "needs a fix" not in fixed
    clean = render_feedback("warnings", marker, (), ())
    assert "No suggestions remain." in clean


def test_feedback_after_tickets_exist_does_not_claim_they_wait_to_be_created() -> None:
    errors = finding_views((finding(message="owner 'bob' needs an @: write @bob"),), {})
    marker = markers.data_marker("feedback-state", "errors")
    broken = render_feedback("errors", marker, errors, (), tickets=3)
    assert (
        "### This post-mortem needs a fix before pmsync can bring its Jira tickets up to date"
        in broken
    )
    assert "Its 3 Jira tickets stay as they are until then." in broken
    assert "create its Jira tickets" not in broken
    fixed = render_feedback("fixed", marker, (), (), tickets=1)
    assert "no errors any more, and its 1 Jira ticket follows it" in fixed
    assert "is creating" not in fixed


def test_approval_variants() -> None:
    waiting = render_approval(False, "pm:approved")
    assert waiting.startswith(markers.APPROVAL)
    assert "adding the label `pm:approved`" in waiting
    assert "Nothing has been sent to Jira yet." in waiting
    approved = render_approval(True, "pm:approved")
    assert "A maintainer approved this post-mortem" in approved
    withdrawn = render_approval(False, "pm:approved", tickets=3)
    assert "### Approval withdrawn" in withdrawn and "The 3 tickets created" in withdrawn
    assert "Nothing has been sent to Jira" not in withdrawn
    assert "The 1 ticket created" in render_approval(False, "pm:approved", tickets=1)


def description(**overrides: object) -> DescriptionView:
    values: dict[str, object] = {
        "action": "Add pool alert at 80%",
        "type": "Detect",
        "priority": "P1",
        "owner": "@bob",
        "due": date(2026, 12, 1),
        "title": "Payments DB [outage]",
        "severity": 2,
        "services": ("payments-db", "api"),
        "root_cause_category": "Capacity",
        "summary": "Checkout failed.\nh1. Not a heading",
        "root_cause": "Pool too small {noformat}",
        "issue_ref": "acme/payments#42",
        "issue_url": "https://github.com/acme/payments/issues/42",
    }
    return DescriptionView.model_validate(values | overrides)


def test_ticket_description_is_escaped_wiki_markup() -> None:
    text = render_ticket_description(description())
    assert "*Action:* Add pool alert at 80\\%" in text
    assert "*Owner:* \\@bob (GitHub)" in text
    assert "*Due:* 2026-12-01" in text
    assert "[Payments DB \\[outage\\]|https://github.com/acme/payments/issues/42]" in text
    assert "*Severity:* SEV2" in text
    assert "*Services:* payments\\-db, api" in text
    assert "Checkout failed.\n&#104;1. Not a heading" in text
    assert "Pool too small \\{noformat\\}" in text
    assert "[acme/payments\\#42|https://github.com/acme/payments/issues/42]" in text


@given(st.sampled_from(ATTACKS) | st.text())
def test_no_user_text_opens_a_link_or_macro_in_the_description(text: str) -> None:
    rendered = render_ticket_description(description(action=text, title=text, summary=text))
    links = re.findall(r"(?<!\\)\[", rendered)
    assert len(links) == 2  # the two links the template itself makes
    assert not re.search(r"(?<!\\)\{", rendered)


def test_ticket_removed_comment() -> None:
    text = render_ticket_removed("acme/payments#42", "https://github.com/acme/payments/issues/42")
    assert "removed from the post-mortem [acme/payments\\#42|https://github.com/" in text


def test_ticket_duplicate_comment_names_the_original_and_links_the_post_mortem() -> None:
    url = "https://github.com/acme/payments/issues/42"
    text = render_ticket_duplicate("OPS-5", "acme/payments#42", url)
    assert text.startswith("Duplicate of OPS-5: pmsync made two tickets for one action item")
    assert f"of the post-mortem [acme/payments\\#42|{url}]" in text
    assert text.endswith(
        "The older ticket, OPS-5, is kept and tracks the item; this one is closed.\n"
    )


def test_templates_refuse_undefined_names() -> None:
    try:
        render("approval.md.j2", {"label": "x", "tickets": 0})
    except Exception as exc:  # jinja2.UndefinedError
        assert "approved" in str(exc)
    else:
        raise AssertionError("an undefined name rendered silently")
