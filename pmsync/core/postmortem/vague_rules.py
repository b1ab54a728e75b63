"""The rules that tell why an item led by a verb is vague, one function per reason.

Each rule gets the item's leading verb, the words after it, the statement in lower case
and whether it holds a measure, and answers with the words that show the vagueness.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pmsync.core.postmortem.vague_words import (
    ABSTRACT,
    ARRANGE,
    CADENCE,
    COMPARATIVES,
    COMPARE,
    COMPARE_PARTICLE,
    CREATE,
    HEDGES,
    HOW,
    MAKE,
    MAKE_BASE,
    MEASURE,
    MEETING_NOUNS,
    MODIFIERS,
    NOTHING,
    PHRASE_ENDS,
    QUESTION,
    ROUTINE,
    SIGNALS,
    TALK,
    WATCHING,
    WEIGH,
    WEIGH_IF_ASKING,
)

Kind = Literal["no-target", "no-deliverable", "meeting", "topic"]


@dataclass(frozen=True)
class Vagueness:
    """Why an action item is vague: its kind, and the words that show it."""

    kind: Kind
    words: str


def verb_vagueness(verb: str, after: list[str], lower: str, measured: bool) -> Vagueness | None:
    checks = (_meeting, _weighing, _intention, _comparative, _abstract, _unwatched, _nothing)
    for check in checks:
        found = check(verb, after, lower, measured)
        if found is not None:
            return found
    hedge = HEDGES.search(lower)
    return Vagueness("no-target", hedge.group(0)) if hedge else None


def _meeting(verb: str, after: list[str], _: str, measured: bool) -> Vagueness | None:
    if measured:
        return None
    if verb in TALK:
        talking = (
            verb not in {"reach", "get"} or after[:1] == ["out"] or after[:2] == ["in", "touch"]
        )
        if not talking:  # "reach" and "get" only as "reach out", "get in touch"
            return None
        return Vagueness("meeting", " ".join([verb, *after[:2]]))
    if verb in ARRANGE:
        noun = next((w for w in after[:3] if w not in MODIFIERS), "")
        if noun in MEETING_NOUNS:
            return Vagueness("meeting", " ".join([verb, *after[: after.index(noun) + 1]]))
    return None


def _weighing(verb: str, after: list[str], lower: str, _: bool) -> Vagueness | None:
    asking = verb in WEIGH_IF_ASKING and bool(after) and after[0] in QUESTION
    if verb not in WEIGH and not asking:
        return None
    if MEASURE.search(lower) or (verb in ROUTINE and CADENCE.search(lower)):
        return None  # "Review access permissions quarterly" is a routine
    if verb in {"look", "find", "figure", "see", "think"} and not (
        after and after[0] in {"into", "at", "out", "over", "if", "whether", "about", "for"}
    ):
        return None
    if verb == "continue" and after[:1] != ["to"]:
        return None
    # "Investigate X and add an alert for Y": the item names its deliverable after all
    for index, word in enumerate(after[:-1]):
        following = after[index + 1]
        if (
            word in {"and", "then"}
            and following in MAKE
            and (following in MAKE_BASE or following.endswith("ed"))
        ):
            later = after[index + 2 : index + 6]
            if not any(w in ABSTRACT for w in later) and following not in COMPARE:
                return None
    return Vagueness("no-deliverable", " ".join([verb, *after[:1]]))


def _intention(verb: str, after: list[str], lower: str, measured: bool) -> Vagueness | None:
    """A good intention to keep rather than a change that keeps it ("Avoid …", "Be careful")."""
    if verb in {"avoid", "remember", "stay", "remain"} or (verb == "be" and not measured):
        return Vagueness("no-deliverable", " ".join([verb, *after[:2]]))
    habit = re.search(r"\b(?:should|must) (?:always|never)\b|\bbe able to\b|\bkeep an eye\b", lower)
    if habit:
        return Vagueness("no-deliverable", habit.group(0))
    return None


def _comparative(verb: str, after: list[str], lower: str, measured: bool) -> Vagueness | None:
    if measured:
        return None
    if verb in COMPARE:
        particles = COMPARE_PARTICLE.get(verb)
        if particles is not None and not (after and after[0] in particles):
            return None
        if verb in MAKE and not any(w in COMPARATIVES for w in after) and not HEDGES.search(lower):
            return None  # "Increase the pool to …" is measured; "Adjust the limit" a change
        if HOW.search(lower) and not re.search(r"\b(?:more|better|less)\b", lower):
            return None  # the item says how: "Harden the API (moving to mTLS)"
        return Vagueness("no-target", " ".join([verb, *after[:2]]))
    if verb in COMPARATIVES and verb not in {"additional", "extra", "some"}:
        return Vagueness("no-target", " ".join([verb, *after[:2]]))
    if verb in MAKE | ARRANGE:
        quantity = next((w for w in after[:2] if w in {"more", "some", "better", "further"}), None)
        if quantity is not None:
            return Vagueness("no-target", " ".join([verb, *after[: after.index(quantity) + 2]]))
    # a comparative participle after a subject: "Timeout values increased to …"
    for index, word in enumerate(after[:6]):
        if word in COMPARE and word.endswith("ed") and index > 0 and verb not in MAKE:
            return Vagueness("no-target", " ".join(after[max(0, index - 2) : index + 1]))
    return None


def _abstract(verb: str, after: list[str], _: str, measured: bool) -> Vagueness | None:
    """Something made that is an idea, not a thing: "Define a strategy", "Create a process"."""
    if measured:
        return None
    start = 0
    if verb == "ensure" or (verb == "make" and after[:1] == ["sure"]):
        # "Make sure all deployed resources have a plan for …": the object of the "have"
        start = next((i + 1 for i, w in enumerate(after[:8]) if w in {"have", "has"}), -1)
    elif verb not in CREATE:
        return None
    if start < 0:
        return None
    if after[start : start + 1] == ["and"] and start + 1 < len(after):
        start += 2  # "Define and implement a strategy"
    phrase = after[start : start + 6]
    for index, word in enumerate(phrase):  # the heads of the object: before "and" or its end
        last = index + 1 == len(phrase) or phrase[index + 1] in PHRASE_ENDS
        if word in {"and", "or"}:
            continue  # "rules and guidelines": both are heads
        if word in PHRASE_ENDS or (
            word.endswith("ing") and index > 0 and phrase[index - 1] not in MODIFIERS
        ):
            break  # "a wiki article covering …" ends at the article; "a learning path" does not
        if last and word in ABSTRACT:
            return Vagueness("no-deliverable", " ".join([verb, *after[: start + index + 1]]))
    return None


def _unwatched(verb: str, after: list[str], _: str, measured: bool) -> Vagueness | None:
    """Monitoring of a thing, with no word of what to watch: "Implement monitoring on Kyverno"."""
    if verb not in MAKE or measured or len(after) > 5:
        return None
    if not after or after[0] not in WATCHING:
        return None
    rest = after[1:]
    while rest and (rest[0] in WATCHING or rest[0] == "and"):
        rest = rest[1:]
    of_a_thing = bool(rest) and rest[0] in {"of", "on", "for", "in", "to", "around"}
    if of_a_thing and len(rest) <= 3 and not any(word in SIGNALS for word in rest):
        return Vagueness("no-target", " ".join([verb, *after]))
    return None


def _nothing(verb: str, after: list[str], _: str, measured: bool) -> Vagueness | None:
    objects = [w for w in after if w not in MODIFIERS]
    if objects and len(objects) <= 2 and all(w in NOTHING for w in objects):
        return Vagueness("no-deliverable", " ".join([verb, *after]))
    return None
