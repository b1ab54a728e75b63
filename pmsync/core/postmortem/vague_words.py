"""The words the vague-action rules read: verbs by what they do, comparatives, ideas that
name no thing, the lead-ins before a verb, and the markers of a measure or a cadence.

They are general English, not phrases of any one post-mortem; each list says in a comment
what its words have in common.
"""

from __future__ import annotations

import re


def word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def verb_forms(bases: str) -> frozenset[str]:
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
MAKE = verb_forms(
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
) | word_set(
    "built made set put ran run sent wrote written took taken kept held gave given got"
    " shipped stopped split"
)

MAKE_BASE = frozenset(word for word in MAKE if not word.endswith(("s", "ed", "ing")))

# Verbs of looking and weighing: what they produce is an opinion until a change is named.
WEIGH = verb_forms(
    """
    investigate consider assess evaluate reevaluate re-evaluate explore research analyse
    analyze study determine identify understand examine revisit review rethink reconsider
    prioritize prioritise continue attempt try ask figure find look see think discover
    """
)
# Those of them that weigh only with a question after them ("Check why …").
WEIGH_IF_ASKING = verb_forms("check confirm")
ROUTINE = verb_forms("review check assess evaluate audit")
QUESTION = word_set("why if whether how what which where")

# Talking, agreeing and learning: a meeting rather than a change.
TALK = verb_forms(
    """
    discuss talk reflect agree align teach train educate brainstorm meet chat debate
    coordinate remind
    """
) | frozenset({"reach", "get"})  # "reach out", "get in touch": see _talk
MEETING_NOUNS = word_set(
    "talk chat meeting meetings session sessions workshop workshops discussion discussions "
    "call calls conversation conversations retro retrospective training trainings "
    "brainstorm sync"
)
ARRANGE = verb_forms("have hold schedule organise organize arrange book plan run set setup")

# Comparative verbs: they say which way, not how far.
COMPARE = verb_forms(
    """
    improve enhance better increase reduce decrease lower raise minimise minimize maximise
    maximize optimise optimize streamline strengthen harden tighten boost expand rework
    revamp refine tune tweak simplify mature grow bring cut speed
    """
)
# Comparative verbs that need a particle to compare ("bring down", "speed up", "cut back").
COMPARE_PARTICLE = {"bring": {"down", "up"}, "speed": {"up"}}
COMPARATIVES = word_set(
    "better more less fewer further greater stronger faster quicker improved enhanced "
    "increased reduced additional extra some"
)
# Determiners and such that make an ambiguous first word a verb ("Clear the cache").
DETERMINERS = word_set(
    "a an the all any our their its this that these those every each some no my your"
)
# Words that can start an item as an adjective as well as a verb.
ADJECTIVE_OR_VERB = word_set("clear clean open close better level light")

# Ideas rather than things: made or implemented, they still name nothing to check.
ABSTRACT = word_set("""
    strategy strategies plan plans process processes approach approaches path way ways
    guideline guidelines governance visibility awareness culture posture practice
    practices mindset durability resilience resiliency robustness reliability stability
    observability hygiene maturity readiness excellence
    """)
PHRASE_ENDS = word_set("to for so that which in when of on with from by and or as")
CREATE = verb_forms("create implement define establish introduce develop have need put make get")

# What monitoring is, and what it watches: monitoring with no signal watches nothing yet.
WATCHING = word_set("monitoring alerting alerts alarms observability metrics logging dashboards")
SIGNALS = word_set("""
    usage rate rates error errors latency expiry expiration restarts restart timeouts timeout
    saturation capacity memory cpu disk lag queue size count health status failures failure
    availability uptime throughput drops drift
    """)

# Objects that name nothing: "Fix it".
NOTHING = word_set("it this that things stuff everything issue issues problem problems")

# Lead-ins before the verb: a subject and modal words ("We need to", "DevEx will").
SUBJECTS = word_set("we i you they team everyone someone")
MODALS = word_set(
    "need needs should must will shall can could would might may have has had 'll to "
    "plan plans want wants going are is also then please probably"
)
WISH = word_set("should must")

# Things that do not change what an item asks for, skipped when looking for its object.
MODIFIERS = word_set(
    "a an the our all any some new more better clear proper specific missing existing "
    "current standardized standardised"
)

TO_VAGUE = word_set("help ensure improve support enable allow make be")
NOMINALISED = word_set("""
    development implementation creation addition introduction migration separation removal
    replacement automation documentation setup set-up deployment installation configuration
    adoption upgrade rollout isolation
    """)
DONE_MARKERS = word_set("been done completed")

# Numbers, thresholds and cadences make an item checkable.
MEASURE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|percent|ms\b|sec|seconds?|mins?\b|minutes?|hours?|days?|weeks?|"
    r"[kmg]i?b\b|rps|qps|times)|"
    r"\b(?:above|below|under|over|within|exceeds?|at least|at most|more than|less than|"
    r"fewer than|no more than|up to)\s+\$?\d|"
    r"\b(?:before|after) (?:each|every)\b",
    re.IGNORECASE,
)
CADENCE = re.compile(
    r"\b(?:daily|weekly|monthly|quarterly|yearly|annually|nightly|hourly|every|"
    r"(?:before|after) (?:each|every)|per (?:release|deploy|sprint))\b",
    re.IGNORECASE,
)
HEDGES = re.compile(
    r"\b(?:if possible|where possible|as much as possible|if needed|as needed|when needed|"
    r"if necessary|when necessary|might be|could be|maybe|perhaps|at some point|tbd|"
    r"a certain|some kind of|something (?:more|better|less|else)|even more|"
    r"and so on|etc)\b",
    re.IGNORECASE,
)
HOW = re.compile(r"\((?:\w+ ){0,3}?\w+ing\b|\bby \w+ing\b|\b(?:with|to) (?:a|an)\b")


VERBS = MAKE | WEIGH | TALK | COMPARE | WEIGH_IF_ASKING | ARRANGE | verb_forms("ensure")
