"""The issue form: which `### Heading` is which field, and a body cut into those sections.

GitHub renders an issue form as ``### <label>`` + blank line + value per field, in form
order, with ``_No response_`` for an empty field. This module reads the form YAML (so teams
may rename labels) and splits a rendered body back into fields. It never raises on a body.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from pmsync.errors import ConfigError

FieldKind = Literal["input", "textarea", "dropdown", "checkboxes"]
_FIELD_KINDS: frozenset[str] = frozenset({"input", "textarea", "dropdown", "checkboxes"})

FORM_IN_REPOSITORY = Path(".github/ISSUE_TEMPLATE/postmortem.yml")
NO_RESPONSE = "_No response_"


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    kind: FieldKind
    required: bool = False
    options: tuple[str, ...] = ()  # dropdown options, or checkbox labels
    render: str | None = None  # a textarea with `render:` arrives fenced in a code block


@dataclass(frozen=True)
class Form:
    fields: tuple[FormField, ...]
    labels: tuple[str, ...] = ()  # issue labels the form applies

    def field(self, field_id: str) -> FormField | None:
        return next((f for f in self.fields if f.id == field_id), None)

    def heading_map(self) -> dict[str, str]:
        """Heading label -> field id, as the form defines them."""
        return {f.label: f.id for f in self.fields}


@dataclass(frozen=True)
class Section:
    heading: str  # the heading text as written in the body
    field_id: str | None  # None when no form field matches the heading
    start: int  # index of the heading line in the body's lines
    end: int  # index one past the section's last line
    raw: str  # the section's text as written (LF line ends, outer blank lines removed)
    value: str  # the field's value: "" for `_No response_`, code fence of `render:` removed


@dataclass(frozen=True)
class SplitBody:
    lines: tuple[str, ...]  # the body's lines, line ends removed
    sections: tuple[Section, ...]
    # How many `#` the section headings have: 3 as GitHub renders a form, 2 or 4 when a
    # post-mortem was written by hand with other headings.
    heading_level: int = 3
    # Headings of that level that name no field of the form, as written, in body order.
    unknown_headings: tuple[str, ...] = ()

    def section(self, field_id: str) -> Section | None:
        return next((s for s in self.sections if s.field_id == field_id), None)

    def value(self, field_id: str) -> str | None:
        """The field's value; None when the body has no heading for it."""
        found = self.section(field_id)
        return found.value if found else None


# --- reading the form -------------------------------------------------------------------


def slugify_label(label: str) -> str:
    """The id GitHub-form tools derive from a label that has no `id:`."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


@lru_cache(maxsize=16)
def form_from_yaml(text: str, source: str = "<form>") -> Form:
    """Build a Form from issue-form YAML; ConfigError names the file and what is wrong.
    Remembered by text: every run reads the same form, and a Form never changes."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source} is not valid YAML: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("body"), list):
        raise ConfigError(f"{source} is not an issue form: it needs a `body:` list of fields")
    fields = tuple(
        field
        for index, element in enumerate(document["body"])
        if (field := _read_element(element, index, source)) is not None
    )
    labels = document.get("labels") or ()
    if isinstance(labels, str):
        labels = [part.strip() for part in labels.split(",")]
    return Form(fields=fields, labels=tuple(str(label) for label in labels))


def _read_element(element: Any, index: int, source: str) -> FormField | None:
    if not isinstance(element, dict):
        raise ConfigError(f"{source}: body[{index}] is not a mapping with `type:`")
    kind = element.get("type")
    if kind not in _FIELD_KINDS:
        return None  # markdown (renders nothing) or an element kind we do not read
    attributes = element.get("attributes") or {}
    label = attributes.get("label") if isinstance(attributes, dict) else None
    if not isinstance(label, str) or not label.strip():
        raise ConfigError(f"{source}: body[{index}] ({kind}) needs `attributes.label`")
    validations = element.get("validations") or {}
    required = isinstance(validations, dict) and validations.get("required") is True
    return FormField(
        id=str(element.get("id") or slugify_label(label)),
        label=label.strip(),
        kind=kind,
        required=required,
        options=_options(kind, attributes.get("options")),
        render=str(attributes["render"]) if attributes.get("render") else None,
    )


def _options(kind: str, options: Any) -> tuple[str, ...]:
    if not isinstance(options, list):
        return ()
    if kind == "checkboxes":
        return tuple(
            str(option.get("label", "")).strip() for option in options if isinstance(option, dict)
        )
    return tuple(str(option).strip() for option in options)


def load_form(path: Path) -> Form:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"cannot read the issue form {path}: {exc.strerror or exc}; "
            "set `form:` in the config to an existing file, or remove it to use the default"
        ) from exc
    return form_from_yaml(text, str(path))


def packaged_form_path() -> Path:
    return Path(str(resources.files("pmsync.core.postmortem") / "forms" / "postmortem.yml"))


@cache
def default_form() -> Form:
    """The post-mortem form shipped with pmsync."""
    return load_form(packaged_form_path())


def find_form(configured: Path | None, root: Path) -> Path:
    """The form to read: the configured one, else the repository's, else the packaged one."""
    if configured is not None:
        return configured if configured.is_absolute() else root / configured
    in_repository = root / FORM_IN_REPOSITORY
    return in_repository if in_repository.is_file() else packaged_form_path()


def form_for(configured: Path | None, root: Path) -> Form:
    """Read the form ``find_form`` picks (``configured`` is ``Config.form``)."""
    return load_form(find_form(configured, root))


# --- matching headings to fields ----------------------------------------------------------


def normalise_label(label: str) -> str:
    """Case, spacing, hyphens, remarks in brackets and trailing punctuation do not matter."""
    without_remarks = re.sub(r"\([^()]*\)", " ", label)
    text = without_remarks if without_remarks.strip() else label
    for mark in "*`-_":
        text = text.replace(mark, " ")
    return " ".join(text.casefold().split()).rstrip(" .:;,!?")


def _resembles(heading: str, label: str) -> bool:
    """A label that drifted since the issue was filed: a word prefix, or a small edit."""
    if not heading or not label:
        return False
    shorter, longer = sorted((heading, label), key=len)
    if len(shorter) < 0.6 * len(longer):
        return False  # too different in length for either test (and keeps long lines cheap)
    if longer.startswith(shorter + " "):
        return True
    return SequenceMatcher(None, heading, label).ratio() >= 0.85


# --- splitting a body ---------------------------------------------------------------------

_HEADING = re.compile(r"^ {0,3}(#{2,4})[ \t]+(\S.*?)(?:[ \t]+#+)?[ \t]*$")
# The level GitHub renders a form's labels at, preferred when levels tie; then the others.
_LEVELS = (3, 2, 4)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def body_lines(body: str | None) -> list[str]:
    """The body's lines, whatever mix of CRLF, CR and LF it uses."""
    return _LINE_BREAK.split(body or "")


def fenced_lines(lines: list[str] | tuple[str, ...]) -> set[int]:
    """Indexes of lines inside closed code fences (a fence never closed hides nothing)."""
    hidden: set[int] = set()
    opening: tuple[int, str] | None = None
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if match is None:
            continue
        marker, rest = match.groups()
        if opening is None:
            if not (marker[0] == "`" and "`" in rest):  # backticks in the info string: not a fence
                opening = (index, marker)
        elif _closes(opening[1], marker, rest):
            hidden.update(range(opening[0], index + 1))
            opening = None
    return hidden


def _closes(opening: str, marker: str, rest: str) -> bool:
    return marker[0] == opening[0] and len(marker) >= len(opening) and not rest.strip()


def split_sections(body: str | None, form: Form | None = None) -> SplitBody:
    """Cut a rendered body into `### Label` sections and name each by its form field.

    The form's labels decide the sections, not the heading level: a body written by hand
    with `## Summary` (or `####`) is read like GitHub's `### Summary`, taking the level
    whose headings match the most labels (`###` on a tie). With a form, a heading that
    matches no field stays part of a textarea before it (people type headings into
    textareas); after an input, dropdown or checkbox list, where people cannot type one, it
    starts a section of its own. Without a form, or when nothing in the body matches the
    form, every heading of the level starts a section.
    """
    lines = body_lines(body)
    hidden = fenced_lines(lines)
    by_level: dict[int, list[tuple[int, str]]] = {level: [] for level in _LEVELS}
    for index, line in enumerate(lines):
        if index not in hidden and (match := _HEADING.match(line)):
            by_level[len(match.group(1))].append((index, match.group(2).strip()))
    level, candidates, matched = _section_level(by_level, form)
    boundaries: list[tuple[int, str, str | None]] = []
    for index, heading in candidates:
        field_id = matched.get(index)
        if field_id is None and matched and not _may_end_section(boundaries, form):
            continue
        boundaries.append((index, heading, field_id))
    sections = []
    for position, (start, heading, field_id) in enumerate(boundaries):
        end = boundaries[position + 1][0] if position + 1 < len(boundaries) else len(lines)
        raw = "\n".join(lines[start + 1 : end]).strip("\n").rstrip()
        field = form.field(field_id) if form and field_id else None
        sections.append(Section(heading, field_id, start, end, raw, field_value(raw, field)))
    # With nothing matched the body is not the form's at all, which an error says already.
    unknown = tuple(heading for index, heading in candidates if matched and index not in matched)
    return SplitBody(tuple(lines), tuple(sections), level, unknown)


def nearest_label(heading: str, form: Form, taken: Collection[str] = ()) -> str:
    """The form's label most like ``heading``, preferring fields whose sections the body
    lacks (``taken`` holds the ids it has): what the author most likely meant."""
    wanted = normalise_label(heading)
    fields = [f for f in form.fields if f.id not in taken] or list(form.fields)
    return max(
        (f.label for f in fields),
        key=lambda label: SequenceMatcher(None, wanted, normalise_label(label)).ratio(),
    )


def _section_level(
    by_level: dict[int, list[tuple[int, str]]], form: Form | None
) -> tuple[int, list[tuple[int, str]], dict[int, str]]:
    """The heading level that makes the sections, its headings, and their fields."""
    best = (3, by_level[3], {} if form is None else _match_headings(by_level[3], form))
    for level in _LEVELS[1:]:
        if not by_level[level]:
            continue
        matched = {} if form is None else _match_headings(by_level[level], form)
        if len(matched) > len(best[2]) or (not best[1] and not best[2]):
            best = (level, by_level[level], matched)
    return best


def _match_headings(candidates: list[tuple[int, str]], form: Form) -> dict[int, str]:
    """Line index -> field id; each field claims its first exact, then first similar, heading."""
    by_label = {normalise_label(f.label): f.id for f in form.fields}
    matched: dict[int, str] = {}
    claimed: set[str] = set()
    for index, heading in candidates:
        field_id = by_label.get(normalise_label(heading))
        if field_id is not None and field_id not in claimed:
            matched[index] = field_id
            claimed.add(field_id)
    for index, heading in candidates:
        if index in matched:
            continue
        normalised = normalise_label(heading)
        for label, field_id in by_label.items():
            if field_id not in claimed and _resembles(normalised, label):
                matched[index] = field_id
                claimed.add(field_id)
                break
    return matched


def _may_end_section(boundaries: list[tuple[int, str, str | None]], form: Form | None) -> bool:
    if not boundaries or form is None:
        return False
    previous_id = boundaries[-1][2]
    previous = form.field(previous_id) if previous_id else None
    return previous is None or previous.kind != "textarea"


def field_value(raw: str, field: FormField | None) -> str:
    """The value behind a section's text: empty for `_No response_`, unfenced for `render:`."""
    text = raw.strip()
    if text == NO_RESPONSE:
        return ""
    if field is not None and field.render:
        lines = text.split("\n")
        if len(lines) >= 2 and lines[0].startswith("```") and lines[-1].strip() == "```":
            return "\n".join(lines[1:-1]).strip("\n")
    return text


_CHECKBOX = re.compile(r"^\s*[-*+]\s+\[( |x|X)?\]\s+(.*?)\s*$")


def checkbox_states(value: str) -> list[tuple[str, bool]]:
    """Each `- [X] label` line of a checkbox field: (label, ticked); `x` in either case."""
    states = []
    for line in value.split("\n"):
        match = _CHECKBOX.match(line)
        if match:
            states.append((match.group(2), (match.group(1) or " ").lower() == "x"))
    return states


def checked_options(value: str) -> tuple[str, ...]:
    return tuple(label for label, ticked in checkbox_states(value) if ticked)
