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

The text is untrusted: only its first ``_READ`` characters are read, and every step is a
single pass over a bounded list of words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["no-target", "no-deliverable", "meeting", "topic"]

_READ = 400  # an action's statement is its start; the rest explains it


@dataclass(frozen=True)
class Vagueness:
    """Why an action item is vague: its kind, and the words that show it."""

    kind: Kind
    words: str


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _forms(bases: str) -> frozenset[str]:
    """Each verb with its inflections (over-generated: a non-word never occurs)."""
    forms: set[str] = set()
    for base in bases.split():
        stem = base[:-1] if base.endswith("e") else base
        forms.update({base, base + "s", base + "es", base + "d", base + "ed", stem + "ing"})
        forms.update({stem + "ed", base + base[-1] + "ed", base + base[-1] + "ing"})
        if base.endswith("y"):
            forms.update({base[:-1] + "ies", base[:-1] + "ied"})
    return frozenset(forms)


# Verbs that make or change something: an item led by one of them names a deliverable.
_MAKE = _forms(
    """
    add adopt allow apply archive automate backfill back block build bump cap change
    configure connect containerise containerize convert copy create decommission decouple
    delete deploy deprecate disable document drop emit enable encrypt enforce establish
    exclude expose extract fix flag gate give implement import include install introduce
    isolate label limit lock log make merge migrate modify monitor move notify page pause pin
    port prevent provision publish purge put rate record refactor release remove rename
    replace require reserve restart restore restrict resume retire revert roll rotate route
    run scale schedule script send separate set setup shard ship split stop store switch
    tag terminate test throttle trigger turn unify update upgrade use validate verify version
    wire write alert alarm backup cache capture catch clean collect disallow drain expire
    export forbid ignore inject mark mount mute own patch persist probe pull push rebuild
    redirect register reject rename reroute reset resize retry revoke segment sign snapshot
    sync transfer trim uninstall unlock upload watch wrap adjust issue increase reduce
    host assign grant provide offer renew protect secure scan link point handle
    """
) | _set(
    "built made set put ran run sent wrote written took taken kept held gave given got"
    " shipped stopped split"
)

_MAKE_BASE = frozenset(word for word in _MAKE if not word.endswith(("s", "ed", "ing")))

# Verbs of looking and weighing: what they produce is an opinion until a change is named.
_WEIGH = _forms(
    """
    investigate consider assess evaluate reevaluate re-evaluate explore research analyse
    analyze study determine identify understand examine revisit review rethink reconsider
    prioritize prioritise continue attempt try ask figure find look see think discover
    """
)
# Those of them that weigh only with a question after them ("Check why …").
_WEIGH_IF_ASKING = _forms("check confirm")
_ROUTINE = _forms("review check assess evaluate audit")
_QUESTION = _set("why if whether how what which where")

# Talking, agreeing and learning: a meeting rather than a change.
_TALK = _forms(
    """
    discuss talk reflect agree align teach train educate brainstorm meet chat debate
    coordinate remind
    """
) | frozenset({"reach", "get"})  # "reach out", "get in touch": see _talk
_MEETING_NOUNS = _set(
    "talk chat meeting meetings session sessions workshop workshops discussion discussions "
    "call calls conversation conversations retro retrospective training trainings "
    "brainstorm sync"
)
_ARRANGE = _forms("have hold schedule organise organize arrange book plan run set setup")

# Comparative verbs: they say which way, not how far.
_COMPARE = _forms(
    """
    improve enhance better increase reduce decrease lower raise minimise minimize maximise
    maximize optimise optimize streamline strengthen harden tighten boost expand rework
    revamp refine tune tweak simplify mature grow bring cut speed
    """
)
# Comparative verbs that need a particle to compare ("bring down", "speed up", "cut back").
_COMPARE_PARTICLE = {"bring": {"down", "up"}, "speed": {"up"}}
_COMPARATIVES = _set(
    "better more less fewer further greater stronger faster quicker improved enhanced "
    "increased reduced additional extra some"
)
# Determiners and such that make an ambiguous first word a verb ("Clear the cache").
_DETERMINERS = _set(
    "a an the all any our their its this that these those every each some no my your"
)
# Words that can start an item as an adjective as well as a verb.
_ADJECTIVE_OR_VERB = _set("clear clean open close better level light")

# Ideas rather than things: made or implemented, they still name nothing to check.
_ABSTRACT = _set("""
    strategy strategies plan plans process processes approach approaches path way ways
    guideline guidelines governance visibility awareness culture posture practice
    practices mindset durability resilience resiliency robustness reliability stability
    observability hygiene maturity readiness excellence
    """)
_PHRASE_ENDS = _set("to for so that which in when of on with from by and or as")
_CREATE = _forms("create implement define establish introduce develop have need put make get")

# What monitoring is, and what it watches: monitoring with no signal watches nothing yet.
_WATCHING = _set("monitoring alerting alerts alarms observability metrics logging dashboards")
_SIGNALS = _set("""
    usage rate rates error errors latency expiry expiration restarts restart timeouts timeout
    saturation capacity memory cpu disk lag queue size count health status failures failure
    availability uptime throughput drops drift
    """)

# Objects that name nothing: "Fix it".
_NOTHING = _set("it this that things stuff everything issue issues problem problems")

# Lead-ins before the verb: a subject and modal words ("We need to", "DevEx will").
_SUBJECTS = _set("we i you they team everyone someone")
_MODALS = _set(
    "need needs should must will shall can could would might may have has had 'll to "
    "plan plans want wants going are is also then please probably"
)
_WISH = _set("should must")

# Things that do not change what an item asks for, skipped when looking for its object.
_MODIFIERS = _set(
    "a an the our all any some new more better clear proper specific missing existing "
    "current standardized standardised"
)

_TO_VAGUE = _set("help ensure improve support enable allow make be")
_NOMINALISED = _set("""
    development implementation creation addition introduction migration separation removal
    replacement automation documentation setup set-up deployment installation configuration
    adoption upgrade rollout isolation
    """)
_DONE_MARKERS = _set("been done completed")

# Numbers, thresholds and cadences make an item checkable.
_MEASURE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|percent|ms\b|sec|seconds?|mins?\b|minutes?|hours?|days?|weeks?|"
    r"[kmg]i?b\b|rps|qps|times)|"
    r"\b(?:above|below|under|over|within|exceeds?|at least|at most|more than|less than|"
    r"fewer than|no more than|up to)\s+\$?\d|"
    r"\b(?:before|after) (?:each|every)\b",
    re.IGNORECASE,
)
_CADENCE = re.compile(
    r"\b(?:daily|weekly|monthly|quarterly|yearly|annually|nightly|hourly|every|"
    r"(?:before|after) (?:each|every)|per (?:release|deploy|sprint))\b",
    re.IGNORECASE,
)
_HEDGES = re.compile(
    r"\b(?:if possible|where possible|as much as possible|if needed|as needed|when needed|"
    r"if necessary|when necessary|might be|could be|maybe|perhaps|at some point|tbd|"
    r"a certain|some kind of|something (?:more|better|less|else)|even more|"
    r"and so on|etc)\b",
    re.IGNORECASE,
)
_HOW = re.compile(r"\((?:\w+ ){0,3}?\w+ing\b|\bby \w+ing\b|\b(?:with|to) (?:a|an)\b")
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
    measured = _MEASURE.search(statement) is not None or _CADENCE.search(statement) is not None
    start = _lead_in(words)
    wish = any(word in _WISH for word in words[:start])
    rest = words[start:]
    if not rest:
        return Vagueness("topic", statement)
    verb, after = rest[0], rest[1:]
    found = _vagueness(verb, after, lower, measured)
    if found is None and not _is_verb(verb, after):
        found = _topic(rest, lower, measured, wish)
    if found is None:
        return None
    return Vagueness(found.kind, _as_written(statement, found.words))


def _vagueness(verb: str, after: list[str], lower: str, measured: bool) -> Vagueness | None:
    checks = (_meeting, _weighing, _intention, _comparative, _abstract, _unwatched, _nothing)
    for check in checks:
        found = check(verb, after, lower, measured)
        if found is not None:
            return found
    hedge = _HEDGES.search(lower)
    return Vagueness("no-target", hedge.group(0)) if hedge else None


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
        words[0] in _SUBJECTS or (words[1] in _MODALS - {"to"} and not _is_verb(words[0], []))
    ):
        index = 1
    while index < len(words) - 1 and words[index] in _MODALS:
        if words[index] in {"need", "needs"} and words[index + 1] != "to":
            break  # "We need monitoring of …": a need, not an action
        if words[index] == "have" and words[index + 1] not in _MAKE | _COMPARE | _WEIGH:
            break  # "have a talk", "need to have a scanner": "have" is the verb
        index += 1
    return index


def _is_verb(word: str, after: list[str]) -> bool:
    if word in _ADJECTIVE_OR_VERB:
        return bool(after) and after[0] in _DETERMINERS
    if word in _VERBS:
        return True
    if after and (after[0] in _DETERMINERS or after[0].endswith("'s")):
        return True  # an imperative of a verb not listed: "Host sushibar's instance on …"
    # "Version lock Flux": a noun used as a verb before a verb of the list
    return bool(after) and after[0] in _MAKE and after[0] not in _ARRANGE


_VERBS = _MAKE | _WEIGH | _TALK | _COMPARE | _WEIGH_IF_ASKING | _ARRANGE | _forms("ensure")


def _meeting(verb: str, after: list[str], _: str, measured: bool) -> Vagueness | None:
    if measured:
        return None
    if verb in _TALK:
        talking = (
            verb not in {"reach", "get"} or after[:1] == ["out"] or after[:2] == ["in", "touch"]
        )
        if not talking:  # "reach" and "get" only as "reach out", "get in touch"
            return None
        return Vagueness("meeting", " ".join([verb, *after[:2]]))
    if verb in _ARRANGE:
        noun = next((w for w in after[:3] if w not in _MODIFIERS), "")
        if noun in _MEETING_NOUNS:
            return Vagueness("meeting", " ".join([verb, *after[: after.index(noun) + 1]]))
    return None


def _weighing(verb: str, after: list[str], lower: str, _: bool) -> Vagueness | None:
    asking = verb in _WEIGH_IF_ASKING and bool(after) and after[0] in _QUESTION
    if verb not in _WEIGH and not asking:
        return None
    if _MEASURE.search(lower) or (verb in _ROUTINE and _CADENCE.search(lower)):
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
            and following in _MAKE
            and (following in _MAKE_BASE or following.endswith("ed"))
        ):
            later = after[index + 2 : index + 6]
            if not any(w in _ABSTRACT for w in later) and following not in _COMPARE:
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
    if verb in _COMPARE:
        particles = _COMPARE_PARTICLE.get(verb)
        if particles is not None and not (after and after[0] in particles):
            return None
        if (
            verb in _MAKE
            and not any(w in _COMPARATIVES for w in after)
            and not _HEDGES.search(lower)
        ):
            return None  # "Increase the pool to …" is measured; "Adjust the limit" a change
        if _HOW.search(lower) and not re.search(r"\b(?:more|better|less)\b", lower):
            return None  # the item says how: "Harden the API (moving to mTLS)"
        return Vagueness("no-target", " ".join([verb, *after[:2]]))
    if verb in _COMPARATIVES and verb not in {"additional", "extra", "some"}:
        return Vagueness("no-target", " ".join([verb, *after[:2]]))
    if verb in _MAKE | _ARRANGE:
        quantity = next((w for w in after[:2] if w in {"more", "some", "better", "further"}), None)
        if quantity is not None:
            return Vagueness("no-target", " ".join([verb, *after[: after.index(quantity) + 2]]))
    # a comparative participle after a subject: "Timeout values increased to …"
    for index, word in enumerate(after[:6]):
        if word in _COMPARE and word.endswith("ed") and index > 0 and verb not in _MAKE:
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
    elif verb not in _CREATE:
        return None
    if start < 0:
        return None
    if after[start : start + 1] == ["and"] and start + 1 < len(after):
        start += 2  # "Define and implement a strategy"
    phrase = after[start : start + 6]
    for index, word in enumerate(phrase):  # the heads of the object: before "and" or its end
        last = index + 1 == len(phrase) or phrase[index + 1] in _PHRASE_ENDS
        if word in {"and", "or"}:
            continue  # "rules and guidelines": both are heads
        if word in _PHRASE_ENDS or (
            word.endswith("ing") and index > 0 and phrase[index - 1] not in _MODIFIERS
        ):
            break  # "a wiki article covering …" ends at the article; "a learning path" does not
        if last and word in _ABSTRACT:
            return Vagueness("no-deliverable", " ".join([verb, *after[: start + index + 1]]))
    return None


def _unwatched(verb: str, after: list[str], _: str, measured: bool) -> Vagueness | None:
    """Monitoring of a thing, with no word of what to watch: "Implement monitoring on Kyverno"."""
    if verb not in _MAKE or measured or len(after) > 5:
        return None
    if not after or after[0] not in _WATCHING:
        return None
    rest = after[1:]
    while rest and (rest[0] in _WATCHING or rest[0] == "and"):
        rest = rest[1:]
    of_a_thing = bool(rest) and rest[0] in {"of", "on", "for", "in", "to", "around"}
    if of_a_thing and len(rest) <= 3 and not any(word in _SIGNALS for word in rest):
        return Vagueness("no-target", " ".join([verb, *after]))
    return None


def _nothing(verb: str, after: list[str], _: str, measured: bool) -> Vagueness | None:
    objects = [w for w in after if w not in _MODIFIERS]
    if objects and len(objects) <= 2 and all(w in _NOTHING for w in objects):
        return Vagueness("no-deliverable", " ".join([verb, *after]))
    return None


def _topic(words: list[str], lower: str, measured: bool, wish: bool) -> Vagueness | None:
    """An item that starts with no verb: a topic, unless the rest describes a deliverable."""
    if measured:
        return None
    if words[0] in _NOMINALISED or words[0] in {"automatic", "automated"}:
        return None  # "Development of tooling for …", "Automated backups of …"
    for index, word in enumerate(words[1:], start=1):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word == "to" and following and following not in _TO_VAGUE and _is_verb(following, []):
            return None  # "Load testing to validate the pool under contention"
        if word in {"when", "whenever", "that", "which"}:
            return None  # "Automatic throttling when pools approach exhaustion"
        made = word in _DONE_MARKERS or (word in _MAKE and word.endswith(("ed", "en")))
        if made and word not in _COMPARE:
            return None  # "Timeouts moved to runtime configuration", "has been documented"
        if wish and word in _MAKE:
            return None
    if wish:
        return Vagueness("no-deliverable", " ".join(words[:4]))
    return Vagueness("topic", " ".join(words[:4]))
