"""Rich text between REST v2 (wiki-markup strings) and v3 (Atlassian Document Format).

Jira keeps one value and shows it in both forms. The sandbox keeps the wiki text, plus the
document itself when a v3 client wrote one, so each client reads back what it wrote. The
conversions cover what tickets and comments need: paragraphs, line breaks, headings,
lists, code blocks and the common marks. Wiki markup inside a v2 string is carried as
plain text into the document rather than interpreted.
"""

from __future__ import annotations

from typing import Any

NOT_A_DOCUMENT = "Operation value must be an Atlassian Document (see the Atlassian Document Format)"

_MARKS = {"strong": "*{}*", "em": "_{}_", "code": "{{{{{}}}}}", "strike": "-{}-"}


def is_document(value: object) -> bool:
    """Whether ``value`` has the outer shape Jira demands of an ADF document."""
    return (
        isinstance(value, dict)
        and value.get("type") == "doc"
        and value.get("version") == 1
        and isinstance(value.get("content"), list)
    )


def from_wiki(text: str) -> dict[str, Any]:
    """A document whose paragraphs are the text's blank-line-separated blocks."""
    content: list[dict[str, Any]] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        if not block.strip("\n"):
            continue
        nodes: list[dict[str, Any]] = []
        for index, line in enumerate(block.strip("\n").split("\n")):
            if index:
                nodes.append({"type": "hardBreak"})
            if line:
                nodes.append({"type": "text", "text": line})
        content.append({"type": "paragraph", "content": nodes})
    return {"type": "doc", "version": 1, "content": content}


def to_wiki(document: dict[str, Any]) -> str:
    """The wiki-markup text Jira shows v2 clients for a document."""
    return "\n\n".join(_block(node) for node in document.get("content", [])).strip("\n")


def _block(node: dict[str, Any]) -> str:
    kind = node.get("type")
    children = node.get("content", [])
    if kind == "heading":
        return f"h{node.get('attrs', {}).get('level', 1)}. {_inline(children)}"
    if kind in ("bulletList", "orderedList"):
        bullet = "*" if kind == "bulletList" else "#"
        return "\n".join(f"{bullet} {_block(item)}" for item in children)
    if kind == "codeBlock":
        return "{code}\n" + _inline(children) + "\n{code}"
    if kind == "rule":
        return "----"
    if kind == "paragraph":
        return _inline(children)
    if kind in ("text", "hardBreak", "mention", "emoji", "inlineCard"):
        return _inline([node])
    return "\n\n".join(_block(child) for child in children)


def _inline(nodes: list[dict[str, Any]]) -> str:
    out: list[str] = []
    for node in nodes:
        kind = node.get("type")
        if kind == "text":
            out.append(_marked(str(node.get("text", "")), node.get("marks", [])))
        elif kind == "hardBreak":
            out.append("\n")
        elif kind == "mention":
            out.append(f"[~accountid:{node.get('attrs', {}).get('id', '')}]")
        elif kind == "emoji":
            out.append(str(node.get("attrs", {}).get("text", "")))
        elif kind == "inlineCard":
            out.append(f"[{node.get('attrs', {}).get('url', '')}]")
        else:
            out.append(_block(node))
    return "".join(out)


def _marked(text: str, marks: list[dict[str, Any]]) -> str:
    for mark in marks:
        kind = mark.get("type")
        if kind == "link":
            text = f"[{text}|{mark.get('attrs', {}).get('href', '')}]"
        elif kind in _MARKS:
            text = _MARKS[kind].format(text)
    return text
