"""The verdicts of ``pmsync doctor`` about a Jira project, from what was read of the site:
each a ``Check`` line, and each failure with the configuration line that fixes it.

Pure: ``pmsync.orchestration.doctor`` does the reads and hands the answers here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from pydantic import JsonValue

from pmsync.config.schema import Config
from pmsync.core.domain.model import Priority
from pmsync.core.domain.site import (
    Check,
    CreateScreen,
    IssueTypeRef,
    ScreenField,
    Verdict,
)
from pmsync.core.site.fit import OPTIONAL, left_out, static_fields, unfilled_required


def _jira(name: str, detail: str, fix: str = "", *, verdict: Verdict | None = None) -> Check:
    """A Jira check: failed when it comes with a fix, unless ``verdict`` says otherwise."""
    chosen: Verdict = verdict or ("fail" if fix else "ok")
    return Check(area="jira", name=name, verdict=chosen, detail=detail, fix=fix)


def _listed(names: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return shown + (", …" if len(names) > limit else "") if shown else "(none)"


def issue_type_check(project: str, wanted: str, types: Sequence[IssueTypeRef]) -> Check:
    name = f"issue type {wanted!r} in {project}"
    names = [t.name for t in types]
    if any(n.casefold() == wanted.casefold() for n in names):
        return _jira(name, "exists")
    suggestion = next(
        (n for n in names if n.casefold() in ("task", "story")), names[0] if names else "Task"
    )
    return _jira(
        name,
        f"{project} has no issue type {wanted!r}; its types are {_listed(names)}",
        f"jira.issue_types: {{{project}: {suggestion}}}",
    )


def screen_checks(screen: CreateScreen, configured: Mapping[str, JsonValue]) -> list[Check]:
    """What the create screen of the project and type lets pmsync set, and what it requires."""
    where = f"{screen.issue_type} in {screen.project}"
    checks = []
    if not screen.has("labels"):
        checks.append(
            _jira(
                f"labels on the create screen of {where}",
                "missing: pmsync finds its tickets by their labels",
                "ask a Jira admin to add the Labels field to this project's create screen",
            )
        )
    for field_id, words in OPTIONAL.items():
        label = f"{words} on the create screen of {where}"
        if field_id in left_out(screen):
            checks.append(
                _jira(
                    label,
                    "missing: tickets are created without it, and its value is written into "
                    "the ticket's description instead",
                    verdict="warn",
                )
            )
        else:
            checks.append(_jira(label, "can be set"))
    for field in unfilled_required(screen, configured):
        checks.append(
            _jira(
                f"required field {field.name!r} ({field.id}) of {where}",
                "required, without a default, and pmsync does not fill it",
                f"jira.fields: {{{json.dumps(field.name)}: {json.dumps(_example(field))}}}",
            )
        )
    checks += static_field_checks(screen, configured)
    return checks


def _example(field: ScreenField) -> JsonValue:
    return field.allowed[0] if field.allowed else "VALUE"


def static_field_checks(screen: CreateScreen, configured: Mapping[str, JsonValue]) -> list[Check]:
    """Each ``jira.fields`` entry: on this screen, and a value the field allows."""
    where = f"{screen.issue_type} in {screen.project}"
    checks = []
    shaped = static_fields(screen, configured)
    for name in configured:
        field = screen.field_named(name)
        label = f"jira.fields {name!r} for {where}"
        if field is None:
            checks.append(_jira(label, "not on this create screen; not sent", verdict="warn"))
            continue
        sent = shaped[field.id]
        given = sent.get("value") if isinstance(sent, dict) else None
        if field.allowed and isinstance(given, str) and given not in field.allowed:
            checks.append(
                _jira(
                    label,
                    f"{given!r} is not an option of {field.name!r}; "
                    f"options: {_listed(field.allowed)}",
                    f"jira.fields: {{{json.dumps(name)}: {json.dumps(field.allowed[0])}}}",
                )
            )
        else:
            checks.append(_jira(label, f"sent as {json.dumps(sent)}"))
    return checks


def priority_checks(project: str, config: Config, allowed: Sequence[str]) -> list[Check]:
    """``jira.priorities`` against the project's priority scheme (or the site's list)."""
    mapping = config.jira.priorities
    unknown = {p: name for p, name in mapping.items() if name not in allowed}
    if not unknown:
        return [_jira(f"priorities in {project}", "each of jira.priorities exists")]
    suggested = (
        {p.value: allowed[min(i, len(allowed) - 1)] for i, p in enumerate(Priority)}
        if allowed
        else {}
    )
    fix = "jira.priorities: {" + ", ".join(f"{p}: {n}" for p, n in suggested.items()) + "}"
    return [
        _jira(
            f"priority {name!r} ({p.value}) in {project}",
            f"not a priority of {project}; its priorities are {_listed(list(allowed))}",
            fix,
        )
        for p, name in sorted(unknown.items())
    ]


def link_type_check(config: Config, names: Sequence[str]) -> Check:
    wanted = config.jira.link_type
    label = f"link type {wanted!r}"
    if not config.jira.link_repeats:
        return _jira(label, "not used (jira.link_repeats is off)")
    if wanted in names:
        return _jira(label, "exists")
    return _jira(
        label,
        f"no such link type; the site has {_listed(list(names))}",
        f"jira.link_type: {names[0] if names else 'Relates'}",
    )


def resolution_check(config: Config, names: Sequence[str]) -> Check:
    wanted = config.jira.dropped_resolutions
    found = [name for name in wanted if name in names]
    label = "Won't Do style resolution"
    if found:
        return _jira(label, f"{', '.join(found)} exists")
    return _jira(
        label,
        f"none of jira.dropped_resolutions ({', '.join(wanted)}) is a resolution of this site, "
        f"so a dropped item reads as done; resolutions: {_listed(list(names))}",
        verdict="warn",
    )


def transition_check(project: str, ticket: str | None, targets: Sequence[tuple[str, str]]) -> Check:
    label = f"transition to a done status in {project}"
    if ticket is None:
        return _jira(label, "not checked: the project has no ticket yet", verdict="warn")
    done = [name for name, category in targets if category == "done"]
    if done:
        return _jira(label, f"{ticket} can move to {', '.join(done)}")
    return _jira(
        label,
        f"{ticket} has no transition to a done status: duplicates cannot be closed",
        verdict="warn",
    )
