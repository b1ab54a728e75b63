"""Vague action items: what keeps a reader from telling when an item is done, and why.

The first rule for action items is a clear, specific description: "Improve monitoring" is
not an action item, "Add alert for connection pool > 80%" is. Items that break it in real
post-mortems fall into four kinds, each named in the author's terms:

* ``no-target`` — a comparative with nothing to measure it by ("Better monitoring of
  namespaces", "Bring down alert noise even more", "Add some monitoring to …").
* ``no-deliverable`` — an investigation, a deliberation or a good intention that names no
  change ("Look into …", "Consider …", "Define a strategy …", "Avoid …", "X should always …").
* ``meeting`` — a talk instead of a change ("Discuss …", "Reflect on …", "Have a talk with …").
* ``topic`` — a subject with no action ("Flux metrics and alerts", "We need a SOC").

The rules read the item's *statement* — its first sentence, or the explanation after a short
heading ("Circuit breaker implementation: Adding circuit breakers …") — as a list of words,
and look at its leading verb, its object and a few markers. They are general patterns of
English, not phrases of any one post-mortem: tests/core/test_lint_measured.py measures them on
200 labelled items of public post-mortems, part of them held out.

This module finds the statement, its leading verb and the items with no verb (topics);
``vague_rules`` holds the rules for an item led by a verb, ``vague_words`` the words they read.

The text is untrusted: only its first ``_READ`` characters are read, and every step is a
single pass over a bounded list of words.
"""

from __future__ import annotations

import re

from pmsync.core.postmortem.vague_rules import Kind, Vagueness, verb_vagueness
from pmsync.core.postmortem.vague_words import (
    ADJECTIVE_OR_VERB,
    ARRANGE,
    CADENCE,
    COMPARE,
    DETERMINERS,
    DONE_MARKERS,
    MAKE,
    MEASURE,
    MODALS,
    NOMINALISED,
    SUBJECTS,
    TO_VAGUE,
    VERBS,
    WEIGH,
    WISH,
)

__all__ = ["Kind", "Vagueness", "vagueness"]

_READ = 400  # an action's statement is its start; the rest explains it
_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
# A short heading before the item's explanation ("Retry limits: Implemented …").
_HEADING = re.compile(r"([^:.;\n]{1,60}):\s+(\S.*)", re.DOTALL)
_SENTENCE_END = re.compile(r"\.\s|\.$|;|\s[-–—]\s|\n|\?|!|:\s")


def vagueness(action: str) -> Vagueness | None:
    """Why ``action`` is vague, or None when it says what will exist when it is done."""
    text = action[:_READ].replace("*", " ").replace("`", " ").replace("\u2019", "'")
    text = " ".join(text.split())
    statement = _statement(text)
    lower = statement.lower()
    words = _WORD.findall(lower)
    if not words:
        return None
    measured = MEASURE.search(statement) is not None or CADENCE.search(statement) is not None
    start = _lead_in(words)
    wish = any(word in WISH for word in words[:start])
    rest = words[start:]
    if not rest:
        return Vagueness("topic", statement)
    verb, after = rest[0], rest[1:]
    if verb in {"need", "needs"} and after[:1] != ["to"] and not measured:
        # "We need a SOC", "We need monitoring of …": a need names what is missing, not
        # what will be done about it
        return Vagueness("topic", _as_written(statement, " ".join(rest[:5])))
    found = verb_vagueness(verb, after, lower, measured)
    if found is None and not _is_verb(verb, after):
        found = _topic(rest, lower, measured, wish)
    if found is None:
        return None
    return Vagueness(found.kind, _as_written(statement, found.words))


def _as_written(statement: str, words: str) -> str:
    """``words`` (lower-cased, punctuation dropped) as the statement spells them."""
    pattern = r"\W+".join(re.escape(word) for word in words.split()[:8])
    found = re.search(pattern, statement, re.IGNORECASE) if pattern else None
    return found.group(0) if found else words


def _statement(text: str) -> str:
    """The part of an item that says what to do: its first sentence, past a short heading."""
    heading = _HEADING.fullmatch(text)
    if heading and len(heading.group(1).split()) <= 6:
        title = heading.group(1).lower().split()
        if not title or not _is_verb(title[0], title[1:]):
            text = heading.group(2)
    end = _SENTENCE_END.search(text)
    return text[: end.start()] if end else text


def _lead_in(words: list[str]) -> int:
    """How many words come before the leading verb ("We need to", "DevEx will")."""
    index = 0
    if len(words) > 1 and (
        words[0] in SUBJECTS or (words[1] in MODALS - {"to"} and not _is_verb(words[0], []))
    ):
        index = 1
    while index < len(words) - 1 and words[index] in MODALS:
        if words[index] in {"need", "needs"} and words[index + 1] != "to":
            break  # "We need monitoring of …": a need, not an action
        if words[index] == "have" and words[index + 1] not in MAKE | COMPARE | WEIGH:
            break  # "have a talk", "need to have a scanner": "have" is the verb
        index += 1
    return index


def _is_verb(word: str, after: list[str]) -> bool:
    if word in ADJECTIVE_OR_VERB:
        return bool(after) and after[0] in DETERMINERS
    if word in VERBS:
        return True
    if after and (after[0] in DETERMINERS or after[0].endswith("'s")):
        return True  # an imperative of a verb not listed: "Host sushibar's instance on …"
    # "Version lock Flux": a noun used as a verb before a verb of the list
    return bool(after) and after[0] in MAKE and after[0] not in ARRANGE


def _topic(words: list[str], lower: str, measured: bool, wish: bool) -> Vagueness | None:
    """An item that starts with no verb: a topic, unless the rest describes a deliverable."""
    if measured:
        return None
    if words[0] in NOMINALISED or words[0] in {"automatic", "automated"}:
        return None  # "Development of tooling for …", "Automated backups of …"
    for index, word in enumerate(words[1:], start=1):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in {"if", "whether", "because", "since"}:
            break  # a condition or a reason follows: what comes after it is no deliverable
        if word == "to" and following and following not in TO_VAGUE and _is_verb(following, []):
            return None  # "Load testing to validate the pool under contention"
        if word in {"when", "whenever", "that", "which"}:
            return None  # "Automatic throttling when pools approach exhaustion"
        made = word in DONE_MARKERS or (word in MAKE and word.endswith(("ed", "en")))
        if made and word not in COMPARE:
            return None  # "Timeouts moved to runtime configuration", "has been documented"
        if wish and word in MAKE:
            return None
    if wish:
        return Vagueness("no-deliverable", " ".join(words[:4]))
    return Vagueness("topic", " ".join(words[:4]))
