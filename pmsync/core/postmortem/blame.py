"""Blame language: the phrases in a root cause that name a person as the cause.

A capitalised word alone cannot tell a person ("Dave should have…") from a system
("Kubernetes should have…"), so for verbs that systems share with people ("should have",
"failed to", "caused by") the subject counts only on evidence that it is a person: an
@handle, a login or name from the config's ``people:`` map, a pronoun or role word ("she",
"the on-call engineer"), or a common given name. Verbs only people do ("forgot to", "made a
mistake") accept any capitalised subject as well. A person, so evidenced, followed in the
same clause by a word of fault ("did not", "ignored", "the wrong", "without reading",
"thought") blames too: "The reviewer approved it without reading the diff".
tests/core/test_lint_measured.py measures the whole on labelled root-cause sentences.

The root cause is untrusted text of up to 65,536 characters, so every pattern runs in
linear time: a subject can start only where a word starts (a lookbehind) and its length is
bounded, so no start position rescans a run of word characters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from pmsync.config.schema import Person


def _given_names() -> frozenset[str]:
    """The common given names of ``given_names.txt`` (where they come from is said there)."""
    text = (resources.files("pmsync.core.postmortem") / "given_names.txt").read_text("utf-8")
    lines = (line for line in text.splitlines() if not line.startswith("#"))
    return frozenset(name for line in lines for name in line.split())


# A word here, in a blaming phrase, most likely names a person.
GIVEN_NAMES = _given_names()

# Given names that, in an incident report, more often name a system, a cloud region, a
# month or a common word than a person.
_SYSTEMS_REGIONS_MONTHS_AND_WORDS = """
Ada Aurora Cassandra Crystal Darwin Felix Hugo Ivy Jasmine Jasper Julia Rocky Ruby Travis Winston
Dallas Virginia
April May June August Summer Autumn
Brain Grant Junior Miles Son Will Young
"""
NOT_PEOPLE = frozenset(_SYSTEMS_REGIONS_MONTHS_AND_WORDS.split())
# Capitalised words that start a sentence without naming anyone ("It forgot to…" is rare,
# but "We made a mistake" is collective, not blame of one person).
_FUNCTION_WORDS = """
A An The It Its This That There These Those We Our Us They Their You Which What Who
Nothing Everything Something Anything Nobody Everyone Everybody One
"""
_NOT_SUBJECTS = frozenset(_FUNCTION_WORDS.split())

_PRONOUN = r"(?:[Hh]e|[Ss]he|I|[Ss]ome(?:one|body))"
_ROLE = (
    r"(?:[Tt]he|[Aa]n?|[Oo]ur|[Oo]ne) (?:on-?call(?: engineer)?|engineer|operator|developer|"
    r"author|reviewer|administrator|admin|deployer|release manager|SRE|DBA|intern|"
    r"contractor|person|employee|team member|new hire|maintainer)"
)
# A login or a word: at most 39 characters, as GitHub logins are.
_WORD = r"[A-Za-z0-9][\w-]{0,38}"
# "/" ends no subject: "I/O" is not "I", "@org/team" is a team.
_SUBJECT = rf"(?<![\w@./-])(?:(?P<role>{_ROLE}|{_PRONOUN})|(?P<word>@?{_WORD}))(?![\w/-])"

Subject = Literal["person", "capitalised", "any"]


@dataclass(frozen=True)
class _Phrase:
    pattern: re.Pattern[str]
    subject: Subject  # what the phrase's subject must be for the phrase to blame someone


def _phrase(pattern: str, subject: Subject, flags: int = 0) -> _Phrase:
    return _Phrase(re.compile(pattern, flags), subject)


_PHRASES = (
    _phrase(r"\b(?:human|operator|user|engineer|pilot) error\b", "any", re.IGNORECASE),
    _phrase(rf"{_SUBJECT}'s (?:mistake|fault|negligence|carelessness)\b", "any"),
    _phrase(rf"{_SUBJECT}'s (?:error|oversight)\b", "person"),
    _phrase(
        r"\b(?:fault of|to blame|(?<!git )blamed?|careless(?:ness)?|negligen(?:t|ce)|sloppy)\b",
        "any",
        re.IGNORECASE,
    ),
    _phrase(rf"{_SUBJECT} (?:should(?: not|n't)? have(?! been)|failed to)\b", "person"),
    _phrase(rf"\b(?:[Cc]aused by|[Dd]ue to|[Bb]ecause of) {_SUBJECT}", "person"),
    _phrase(rf"{_SUBJECT} (?:forgot|neglected) to\b", "capitalised"),
    _phrase(rf"{_SUBJECT} (?:made|makes) (?:a|an|the) (?:mistake|error|typo)\b", "capitalised"),
    _phrase(r"(?<![\w/.@-])@[A-Za-z0-9][\w-]{0,38}(?:/[\w.-]{1,100})?", "any"),  # a mention
)

# A fault in what a person did, a few words after the person: "the reviewer approved it
# without reading the diff", "he deleted the wrong table", "if Kevin had tested it".
_PERSON = re.compile(_SUBJECT)
_FAULT = re.compile(
    r"\b(?:did(?: not|n't)|never|ignored|skipped|overlooked|missed|misconfigured|mistyped|"
    r"misread|accidentally|carelessly|wrongly|mistakenly|by (?:accident|mistake)|the wrong|"
    r"untested|without (?:\w+ing|review|approval|permission)|should(?: not|n't)? have|"
    r"had (?:tested|checked|reviewed|read|followed|known|asked)|thought|assumed|believed)\b",
    re.IGNORECASE,
)
_FAULT_REACH = 100  # characters after the person: the rest of a short clause
_CLAUSE_END = re.compile(r"[.;:!?,]\s|[.;:!?]$")

# Code is not prose: GitHub does not treat @ in code as a mention (`@Override`, ```…```).
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_FENCE = re.compile(r"^\s{0,3}(?:```|~~~)")


def blame_phrases(root_cause: str, people: frozenset[str] = frozenset()) -> list[str]:
    """The phrases that blame a person, each once, in the order of the patterns.

    ``people`` holds lower-cased words that name someone (see ``people_names``).
    """
    prose = _prose(root_cause)
    found = (
        match.group(0)
        for phrase in _PHRASES
        for match in phrase.pattern.finditer(prose)
        if _blames(phrase.subject, match, people)
    )
    return list(dict.fromkeys([*found, *_faults(prose, people)]))


def _faults(prose: str, people: frozenset[str]) -> list[str]:
    """A person, then in the same clause a word of fault: "The DBA dropped the index by accident".

    Each person reads at most ``_FAULT_REACH`` characters past it, so the pass stays linear.
    """
    found = []
    for person in _PERSON.finditer(prose):
        word = person.group("word")
        if word is not None and not _is_person(word, people):
            continue  # a system or a word: "Redis ignored the limit", "1.2.0 didn't"
        reach = prose[person.end() : person.end() + _FAULT_REACH]
        end = _CLAUSE_END.search(reach)
        fault = _FAULT.search(reach[: end.start()] if end else reach)
        if fault:
            found.append(prose[person.start() : person.end() + fault.end()])
    return found


_USER_NAME = re.compile(r"[A-Za-z0-9][\w.+-]{1,99}")  # not a Cloud accountId such as "557058:…"
_NAME_PART = re.compile(r"[A-Za-z]{3,}")


def people_names(people: Mapping[str, Person]) -> frozenset[str]:
    """Lower-cased words that name someone in the people map: logins, user names, email names.

    Each is kept whole, and so is each alphabetic part of three or more letters
    ("alice.smith@…" gives "alice.smith", "alice" and "smith").
    """
    names: set[str] = set()
    for login, person in people.items():
        for text in (login, person.jira_account, (person.email or "").partition("@")[0]):
            if text and _USER_NAME.fullmatch(text):
                names.add(text.lower())
                names.update(
                    part.lower() for part in re.split(r"[._+-]", text) if _NAME_PART.fullmatch(part)
                )
    return frozenset(names)


def _prose(text: str) -> str:
    """One line of prose: code removed, emphasis marks dropped, spaces and quotes made plain."""
    lines, in_fence = [], False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence:
            lines.append(_CODE_SPAN.sub("code", line))  # a word: "`pkg`@1.2" mentions no one
    prose = " ".join(" ".join(lines).split())
    return prose.replace("*", "").replace("\u2019", "'")


def _blames(subject: Subject, match: re.Match[str], people: frozenset[str]) -> bool:
    word = match.groupdict().get("word")
    if subject == "any" or word is None:  # no subject, or a pronoun or role word
        return True
    if _is_person(word, people):
        return True
    return subject == "capitalised" and word[0].isupper() and word not in _NOT_SUBJECTS


def _is_person(word: str, people: frozenset[str]) -> bool:
    return (
        word.startswith("@")
        or word.lower() in people
        or (word in GIVEN_NAMES and word not in NOT_PEOPLE)
    )
