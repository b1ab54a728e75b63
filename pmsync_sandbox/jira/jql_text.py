"""JQL's ``~`` word search, ignoring case: every word (``foo*`` is a prefix, ``?`` one
character) and every quoted phrase of the query must occur in the field. Jira's stemming
and stop words are not emulated."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+")


class TextSearch:
    """A ``~`` query: words (with ``*`` and ``?`` wildcards) and quoted phrases."""

    def __init__(self, query: str) -> None:
        phrases = re.findall(r'"([^"]*)"', query)
        rest = re.sub(r'"[^"]*"', " ", query)
        words = re.findall(r"[\w*?]+", rest.casefold())
        self.terms = [p for p in (_term_pattern(w) for w in words) if p is not None]
        self.phrases = [p for p in (_WORD.findall(p.casefold()) for p in phrases) if p]

    def matches(self, text: str) -> bool:
        if not self.terms and not self.phrases:
            return False
        words = _WORD.findall(text.casefold())
        if not all(any(term.fullmatch(w) for w in words) for term in self.terms):
            return False
        return all(_contains_run(words, phrase) for phrase in self.phrases)


def _term_pattern(word: str) -> re.Pattern[str] | None:
    core = word.strip("*?")
    if not core:
        return None
    return re.compile(re.escape(word).replace(r"\*", r"\w*").replace(r"\?", r"\w"))


def _contains_run(words: list[str], phrase: list[str]) -> bool:
    size = len(phrase)
    return any(words[i : i + size] == phrase for i in range(len(words) - size + 1))
