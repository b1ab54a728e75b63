"""The warnings measured on hand-labelled excerpts of real post-mortems (tests/data/labelled).

``pytest -s tests/core/test_lint_measured.py`` prints the figures the README points to.

Each test prints its figures (``pytest -s`` shows them) and asserts the targets. The
PostHog items are held out: the rules were written looking at the DFDS and Learning
Equality items only, so the held-out figures show how the rules carry to other authors.
"""

from __future__ import annotations

from dataclasses import dataclass

from support.realdata import data_path

from pmsync.core.postmortem.blame import blame_phrases
from pmsync.core.postmortem.vague import vagueness


@dataclass(frozen=True)
class Labelled:
    text: str
    vague: bool
    reason: str
    source: str

    @property
    def held_out(self) -> bool:
        return self.source.startswith("postmortems/posthog/")


def action_items() -> list[Labelled]:
    lines = data_path("labelled/action-items.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["text", "label", "reason", "source"]
    items = []
    for line in lines[1:]:
        text, label, reason, source = line.split("\t")
        assert label in {"vague", "specific"}, line
        items.append(Labelled(text, label == "vague", reason, source))
    return items


ITEMS = action_items()


def rates(items: list[Labelled]) -> tuple[float, float]:
    """Recall (vague items warned about) and false alarms (specific items warned about)."""
    vague = [item for item in items if item.vague]
    specific = [item for item in items if not item.vague]
    caught = sum(vagueness(item.text) is not None for item in vague)
    alarms = sum(vagueness(item.text) is not None for item in specific)
    return caught / len(vague), alarms / len(specific)


def test_the_labelled_set_is_large_enough_and_fair() -> None:
    vague = sum(item.vague for item in ITEMS)
    assert len(ITEMS) >= 150 and 0.3 <= vague / len(ITEMS) <= 0.6
    assert sum(item.held_out for item in ITEMS) >= 50


def test_vague_action_recall_and_false_alarms() -> None:
    recall, false_alarms = rates(ITEMS)
    developed = rates([item for item in ITEMS if not item.held_out])
    held_out = rates([item for item in ITEMS if item.held_out])
    print(
        f"\nvague-action on {len(ITEMS)} labelled items: recall {recall:.0%}, false alarms"
        f" {false_alarms:.0%}; written on: {developed[0]:.0%} / {developed[1]:.0%};"
        f" held out (PostHog): {held_out[0]:.0%} / {held_out[1]:.0%}"
    )
    assert recall >= 0.85 and false_alarms <= 0.10
    # The held-out part has only 12 vague items: its figures guard against a rule that
    # breaks on another company's style rather than pin a rate.
    assert held_out[0] >= 0.5 and held_out[1] <= 0.15


# --- blame language ------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    text: str
    blame: bool
    real: bool  # from a post-mortem, not constructed to have enough blaming sentences


def root_cause_sentences() -> list[Sentence]:
    lines = data_path("labelled/root-causes.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["text", "label", "reason", "origin", "source"]
    sentences = []
    for line in lines[1:]:
        text, label, _, origin, _ = line.split("\t")
        assert label in {"blame", "not"} and origin in {"real", "constructed"}, line
        sentences.append(Sentence(text, label == "blame", origin == "real"))
    return sentences


SENTENCES = root_cause_sentences()


def blame_rates(sentences: list[Sentence]) -> tuple[float, float, float, int]:
    """Recall, precision, false alarms (blameless sentences warned about), and blaming ones."""
    warned = [bool(blame_phrases(sentence.text)) for sentence in sentences]
    hits = sum(w and s.blame for w, s in zip(warned, sentences, strict=True))
    blaming = sum(s.blame for s in sentences)
    blameless = len(sentences) - blaming
    alarms = sum(w and not s.blame for w, s in zip(warned, sentences, strict=True))
    return hits / blaming, hits / max(1, hits + alarms), alarms / blameless, blaming


def test_the_root_cause_set_is_mostly_real_with_enough_blame() -> None:
    real = [s for s in SENTENCES if s.real]
    assert len(real) >= 400 and sum(s.blame for s in real) >= 3
    assert sum(s.blame for s in SENTENCES) >= 30


def test_blame_language_precision_recall_and_false_alarms() -> None:
    recall, precision, alarms, blaming = blame_rates(SENTENCES)
    real = blame_rates([s for s in SENTENCES if s.real])
    print(
        f"\nblame-language on {len(SENTENCES)} labelled sentences ({blaming} blaming):"
        f" recall {recall:.0%}, precision {precision:.0%}, false alarms {alarms:.1%};"
        f" real only ({real[3]} blaming): recall {real[0]:.0%}, precision {real[1]:.0%},"
        f" false alarms {real[2]:.1%}"
    )
    # Most root causes are blameless: a warning on one is what makes a team switch the
    # check off, so false alarms must stay near zero on the real sentences (at most 1 in
    # 100) and precision high overall. Recall counts mostly constructed sentences, a phrase
    # list cannot read every way of pointing at a person, hence 85% rather than all.
    assert real[2] <= 0.01 and precision >= 0.9
    assert recall >= 0.85


def test_the_blame_rule_in_its_own_words() -> None:
    assert blame_phrases("The deploy tool allowed a config change without review.") == []
    assert blame_phrases("Dave should have checked the alias before switching traffic.")
