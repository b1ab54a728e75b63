"""What GitHub makes of markdown text, for the tests that check user text stays inert.

Rough but strict: a reader's view of escaped text, and every link, image, autolink and
issue reference GitHub would find in it.
"""

from __future__ import annotations

import html
import re

# What GitHub turns into a cross-reference (a timeline entry on the issue named) or a link,
# in text as its markdown parser sees it. (Commit SHAs link too, but to this repository's
# commits and with no timeline entry or notification, so they are left alone.)
REFERENCE = re.compile(r"#\d|gh-\d", re.IGNORECASE)  # #12, repo#12, owner/repo#12, GH-12
AUTOLINK = re.compile(r"://|www\.", re.IGNORECASE)  # https://…, <https://…>, www.…
BRACKET = re.compile(r"(?<!\\)[\[\]]")  # [text](url), ![alt](src), [text][ref]
# A link a template makes: [text](url), its text escaped.
TEMPLATE_LINK = re.compile(r"(?<!\\)\[((?:\\.|[^\]\\])*)\]\(([^)\s]*)\)")
TASK_BOX = re.compile(r"^(\s*[-*+] )\[[ xX]\]", re.MULTILINE)  # a checklist line: - [ ] text
FENCED_CODE = re.compile(r"^(`{3,}).*?^\1", re.MULTILINE | re.DOTALL)  # e.g. Mermaid charts


def as_read_on_github(text: str) -> str:
    """Roughly what a reader sees: backslash-escaped pipes and brackets shown as themselves,
    entities decoded."""
    return html.unescape(re.sub(r"\\([|\[\]])", r"\1", text))


def stray_links(body: str, urls: set[str]) -> list[str]:
    """Links to anything but ``urls``, and every reference, autolink or unescaped bracket
    GitHub would find outside the links a template makes (text inside a link is never
    autolinked), HTML comments, fenced code blocks and checklist boxes."""
    body = FENCED_CODE.sub("", re.sub(r"<!--.*?-->", "", body, flags=re.S))
    body = TASK_BOX.sub(r"\1", body)
    found = [url for _, url in TEMPLATE_LINK.findall(body) if url not in urls]
    rest = TEMPLATE_LINK.sub("", body)
    seen = as_read_on_github(rest)
    return found + BRACKET.findall(rest) + REFERENCE.findall(seen) + AUTOLINK.findall(seen)


def fenced_content(block: str) -> str:
    """What a CommonMark reader shows inside the fenced code block ``block`` starts with:
    the lines up to the first that closes it (backticks at least as many as the opening
    fence, up to 3 spaces before, only spaces after), or to the end."""
    opening, *lines = block.split("\n")
    width = len(opening) - len(opening.lstrip("`"))
    assert width >= 3 and "`" not in opening[width:], opening
    closing = re.compile(rf" {{0,3}}`{{{width},}} *")
    content = []
    for line in lines:
        if closing.fullmatch(line):
            break
        content.append(line)
    return "\n".join(content)
