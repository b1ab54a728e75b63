"""The issue form and the section splitter, on our form and on real forms and bodies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from support.postmortem_bodies import ROOT, good_body, render
from support.realdata import data_files, data_path

from pmsync.core.postmortem.form import (
    FormField,
    checkbox_states,
    checked_options,
    default_form,
    find_form,
    form_for,
    form_from_yaml,
    load_form,
    normalise_label,
    packaged_form_path,
    slugify_label,
    split_sections,
)
from pmsync.core.postmortem.parse import parse_postmortem
from pmsync.errors import ConfigError

REPOSITORY_FORM = ROOT / ".github" / "ISSUE_TEMPLATE" / "postmortem.yml"

# The contract from the foundation issue: label, id, kind, required.
CONTRACT = [
    ("Incident start", "incident_start", "input", True),
    ("Incident end", "incident_end", "input", False),
    ("Severity", "severity", "dropdown", True),
    ("Services affected", "services", "input", True),
    ("Root-cause category", "root_cause_category", "dropdown", True),
    ("Summary", "summary", "textarea", True),
    ("Impact", "impact", "textarea", False),
    ("Timeline", "timeline", "textarea", False),
    ("Root cause", "root_cause", "textarea", True),
    ("Contributing factors", "contributing_factors", "textarea", False),
    ("What went well", "went_well", "textarea", False),
    ("What could be improved", "could_improve", "textarea", False),
    ("Action items", "action_items", "textarea", True),
    ("Lessons learned", "lessons_learned", "textarea", False),
    ("Blameless review", "blameless", "checkboxes", False),
]


# --- our form -----------------------------------------------------------------------------


def test_packaged_form_is_the_repository_form() -> None:
    assert packaged_form_path().read_bytes() == REPOSITORY_FORM.read_bytes()


def test_form_fields_follow_the_contract() -> None:
    form = load_form(REPOSITORY_FORM)
    assert [(f.label, f.id, f.kind, f.required) for f in form.fields] == CONTRACT
    assert form.labels == ("postmortem",)


def test_form_dropdown_options() -> None:
    form = default_form()
    severity, category = form.field("severity"), form.field("root_cause_category")
    assert severity is not None and severity.options == ("SEV1", "SEV2", "SEV3", "SEV4")
    assert category is not None and category.options == (
        "Deploy",
        "Config change",
        "Capacity",
        "Dependency",
        "Code defect",
        "Infrastructure",
        "Security",
        "Process",
        "Other",
    )


def test_form_prefills_the_action_and_timeline_tables() -> None:
    document = yaml.safe_load(REPOSITORY_FORM.read_text(encoding="utf-8"))
    values = {e.get("id"): e["attributes"].get("value") for e in document["body"]}
    assert values["action_items"].splitlines() == [
        "| Action | Type | Priority | Owner | Due | Ticket |",
        "|---|---|---|---|---|---|",
    ]
    header, separator = values["timeline"].splitlines()
    assert header.startswith("| Time") and "Event" in header and set(separator) == {"|", "-"}
    assert document["labels"] == ["postmortem"]
    assert {"name", "description", "body"} <= document.keys()


def test_form_ids_are_unique_and_valid() -> None:
    ids = [f.id for f in default_form().fields]
    assert len(ids) == len(set(ids))
    assert all(i.replace("_", "").isalnum() for i in ids)


def test_heading_map() -> None:
    assert default_form().heading_map()["Services affected"] == "services"


# --- finding the form ---------------------------------------------------------------------


def test_find_form_prefers_the_configured_file(tmp_path: Path) -> None:
    assert find_form(Path("forms/pm.yml"), tmp_path) == tmp_path / "forms/pm.yml"
    assert find_form(tmp_path / "x.yml", Path("/elsewhere")) == tmp_path / "x.yml"


def test_find_form_uses_the_repository_form_when_present(tmp_path: Path) -> None:
    assert find_form(None, tmp_path) == packaged_form_path()
    target = tmp_path / ".github" / "ISSUE_TEMPLATE" / "postmortem.yml"
    target.parent.mkdir(parents=True)
    target.write_text(REPOSITORY_FORM.read_text(encoding="utf-8"), encoding="utf-8")
    assert find_form(None, tmp_path) == target


def test_missing_form_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the issue form"):
        load_form(tmp_path / "absent.yml")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("body: [unclosed", "not valid YAML"),
        ("name: x", "needs a `body:` list"),
        ("body:\n  - type: input\n    attributes: {}\n", r"body\[0\] \(input\) needs"),
        ("body:\n  - just text\n", r"body\[0\] is not a mapping"),
    ],
)
def test_bad_form_yaml_names_the_problem(text: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        form_from_yaml(text, "team-form.yml")


def test_field_without_id_takes_its_slugified_label() -> None:
    form = form_from_yaml("body:\n  - type: textarea\n    attributes: {label: 'What else?'}\n")
    assert form.fields == (FormField(id="what_else", label="What else?", kind="textarea"),)


# --- the splitter on crafted bodies -------------------------------------------------------


def test_label_matching_ignores_case_spacing_hyphens_and_trailing_punctuation() -> None:
    assert normalise_label("  Root-Cause   category: ") == normalise_label("root cause category")
    assert slugify_label("What's your favorite dish?") == "what_s_your_favorite_dish"


def test_no_response_is_empty_and_crlf_is_normalised() -> None:
    body = "### Summary\r\n\r\nline one\r\nline two\r\n\n\n### Impact\n\n_No response_"
    split = split_sections(body, default_form())
    assert split.value("summary") == "line one\nline two"
    assert split.value("impact") == ""
    assert split.value("timeline") is None


def test_lone_carriage_returns_are_line_breaks() -> None:
    split = split_sections("### Summary\r\rtext\r### Impact\r\rmore", default_form())
    assert (split.value("summary"), split.value("impact")) == ("text", "more")


def test_headings_typed_into_a_textarea_stay_in_it() -> None:
    body = (
        "### Summary\n\nIntro\n\n#### Details\n\nMore\n\n### Background\n\nEven more"
        "\n\n### Impact\n\nSome"
    )
    split = split_sections(body, default_form())
    assert split.value("summary") == "Intro\n\n#### Details\n\nMore\n\n### Background\n\nEven more"
    assert split.value("impact") == "Some"


def test_unknown_heading_after_an_input_starts_its_own_section() -> None:
    body = "### Incident start\n\n2026-11-20 14:02\n\n### Extra field\n\nx\n\n### Summary\n\ns"
    split = split_sections(body, default_form())
    assert split.value("incident_start") == "2026-11-20 14:02"
    assert [(s.heading, s.field_id) for s in split.sections] == [
        ("Incident start", "incident_start"),
        ("Extra field", None),
        ("Summary", "summary"),
    ]


def test_headings_inside_code_fences_are_text() -> None:
    body = "### Summary\n\n```\n### Impact\n```\n\n### Impact\n\nreal"
    split = split_sections(body, default_form())
    assert split.value("summary") == "```\n### Impact\n```"
    assert split.value("impact") == "real"


def test_an_unclosed_fence_does_not_hide_the_rest_of_the_body() -> None:
    split = split_sections("### Summary\n\n```\nlog\n\n### Impact\n\nreal", default_form())
    assert split.value("impact") == "real"


def test_drifted_labels_still_match() -> None:
    body = "### SUMMARY:\n\ns\n\n### Root cause (5 whys)\n\nwhy\n\n### Action item\n\n| a |"
    split = split_sections(body, default_form())
    assert split.value("summary") == "s"
    assert split.value("root_cause") == "why"
    assert split.value("action_items") == "| a |"


def test_first_heading_for_a_field_wins() -> None:
    split = split_sections("### Summary\n\none\n\n### Summary\n\ntwo", default_form())
    assert split.value("summary") == "one\n\n### Summary\n\ntwo"


def test_render_fields_lose_their_fence() -> None:
    form = form_from_yaml(
        "body:\n  - type: textarea\n    id: logs\n    attributes: {label: Logs, render: shell}\n"
    )
    assert split_sections("### Logs\n\n```shell\nboom\n```", form).value("logs") == "boom"
    assert split_sections("### Logs\n\n```shell\n\n```", form).value("logs") == ""
    assert split_sections("### Logs\n\n_No response_", form).value("logs") == ""


@pytest.mark.parametrize("body", [None, "", "no headings at all", "###", "### \n"])
def test_bodies_without_sections(body: str | None) -> None:
    assert split_sections(body, default_form()).sections == ()


def test_checkboxes_in_either_case() -> None:
    value = "- [X] one\n- [x] two\n- [ ] three\n- [] four\nnot a box"
    assert checkbox_states(value) == [
        ("one", True),
        ("two", True),
        ("three", False),
        ("four", False),
    ]
    assert checked_options(value) == ("one", "two")


def test_section_lines_point_into_the_body() -> None:
    body = render({"summary": "s", "impact": "i"})
    split = split_sections(body, default_form())
    section = split.section("impact")
    assert section is not None
    assert split.lines[section.start] == "### Impact"
    assert "\n".join(split.lines[section.start + 1 : section.end]).strip() == "i"


# --- real forms and the bodies GitHub rendered from them ----------------------------------

ISSUE_FORMS = data_path("issue-forms")
TEMPLATES = data_files("issue-forms/templates", "*.yml", at_least=3)
BRAINHACK = data_path("issue-forms/brainhack-global2021")
BRAINHACK_ISSUES = data_files(
    "issue-forms/brainhack-global2021/rendered-bodies", "issue_*.body.md", at_least=5
)
STEFANBUCK = data_path("issue-forms/stefanbuck-github-issue-parser-fixtures")


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_real_templates_read_and_round_trip(path: Path) -> None:
    form = load_form(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    expected = [e for e in raw["body"] if e["type"] != "markdown"]
    assert [f.label for f in form.fields] == [e["attributes"]["label"] for e in expected]
    assert [f.id for f in form.fields] == [e["id"] for e in expected]
    assert [f.required for f in form.fields] == [
        e.get("validations", {}).get("required", False) for e in expected
    ]
    values = {f.id: f"value of {f.id}\r\nsecond line" for f in form.fields}
    values[form.fields[-1].id] = ""
    split = split_sections(render(values, form), form)
    for field in form.fields:
        expected_value = values[field.id].replace("\r\n", "\n")
        assert split.value(field.id) == expected_value


def test_real_template_with_markdown_headings_in_descriptions() -> None:
    # The issue-status form puts `### ` headings inside a markdown element: they render nothing.
    form = load_form(ISSUE_FORMS / "templates" / "tadhglewis-issue-status__incident-report.yml")
    assert "🔍 Investigating" not in form.heading_map()
    assert form.field("severity") is not None


def test_real_template_checkbox_options() -> None:
    form = load_form(ISSUE_FORMS / "templates" / "Klimatbyran-garbo__incident.yml")
    followups = form.field("followups")
    assert followups is not None and followups.kind == "checkboxes"
    assert followups.options[0] == "A rollback/release PR is linked (if applicable)"


@pytest.mark.parametrize("path", BRAINHACK_ISSUES, ids=lambda p: p.name)
def test_brainhack_bodies_split_into_every_field(path: Path) -> None:
    form = load_form(BRAINHACK / "project-submission-template.yml")
    body = path.read_bytes().decode("utf-8")
    split = split_sections(body, form)
    found = {s.field_id for s in split.sections}
    assert None not in found
    assert {"title", "leaders", "link_to_project_repository_sources"} <= found
    assert all("\r" not in s.value for s in split.sections)
    issue = json.loads(path.with_name(path.name.replace(".body.md", ".json")).read_text())
    link = split.value("link_to_project_repository_sources")
    assert link is not None and issue["project_url"].strip() in link
    assert split.value("project_description") == issue["project_description"].replace(
        "\r\n", "\n"
    ).strip("\n")


def test_brainhack_drifted_checkbox_label_and_no_response() -> None:
    form = load_form(BRAINHACK / "project-submission-template.yml")
    body = (BRAINHACK / "rendered-bodies" / "issue_133.body.md").read_text(encoding="utf-8")
    split = split_sections(body, form)
    # Filed as "… submitted." before the label became "… submitted and ready to review."
    checklist = split.section(
        slugify_label("Things to do after the project is submitted and ready to review.")
    )
    assert checklist is not None
    assert checklist.heading == "Things to do after the project is submitted."
    assert checked_options(checklist.value) == ()
    assert split.value("collaborators") == ""


@pytest.mark.parametrize(("number", "ticked"), [(172, "X"), (176, "X"), (185, "x")])
def test_brainhack_checkboxes_ticked_in_either_case(number: int, ticked: str) -> None:
    form = load_form(BRAINHACK / "project-submission-template.yml")
    path = BRAINHACK / "rendered-bodies" / f"issue_{number}.body.md"
    body = path.read_bytes().decode("utf-8")
    assert f"- [{ticked}] Add a comment" in body
    checklist = split_sections(body, form).value(
        slugify_label("Things to do after the project is submitted and ready to review.")
    )
    assert checklist is not None
    assert checked_options(checklist)[0].startswith("Add a comment below the main post")


def test_brainhack_multi_select_dropdown_value() -> None:
    form = load_form(BRAINHACK / "project-submission-template.yml")
    body = (BRAINHACK / "rendered-bodies" / "issue_172.body.md").read_bytes().decode("utf-8")
    assert (
        split_sections(body, form).value("tools") == "AFNI, ANTs, Datalad, Freesurfer, FSL, other"
    )


def test_react_hook_form_body_without_its_form() -> None:
    body = (ISSUE_FORMS / "rendered-bodies-other" / "react-hook-form-7315.body.md").read_bytes()
    split = split_sections(body.decode("utf-8"))
    by_heading = {s.heading: s.value for s in split.sections}
    assert by_heading["Version Number"] == "7.22.1"
    assert by_heading["Relevant log output"] == ""
    assert by_heading["Steps to reproduce"].endswith('"Memoized Unused Values" does not')
    assert "\r" not in by_heading["Steps to reproduce"]
    assert checked_options(by_heading["Code of Conduct"]) == (
        "I agree to follow this project's Code of Conduct",
    )


def _stefanbuck_cases() -> list[Path]:
    bodies = data_files(
        "issue-forms/stefanbuck-github-issue-parser-fixtures", "*/issue-body.md", at_least=7
    )
    return [body.parent for body in bodies]


def _as_expected(split_value: str, kind: str | None) -> str | list[str]:
    """Their output format: checkbox fields become the list of ticked labels."""
    states = checkbox_states(split_value)
    lines = [line for line in split_value.split("\n") if line.strip()]
    if kind == "checkboxes" or (kind is None and states and len(states) == len(lines)):
        return [label for label, ticked in states if ticked]
    return split_value


@pytest.mark.parametrize("case", _stefanbuck_cases(), ids=lambda p: p.name)
def test_stefanbuck_fixtures(case: Path) -> None:
    form = load_form(case / "form.yml")
    split = split_sections((case / "issue-body.md").read_text(encoding="utf-8"), form)
    parsed = {}
    for section in split.sections:
        field = form.field(section.field_id) if section.field_id else None
        key = section.field_id or slugify_label(section.heading)
        value = _as_expected(section.value, field.kind if field else None)
        if value or isinstance(value, list):
            parsed[key] = value
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert parsed == expected


def test_stefanbuck_blank_form() -> None:
    form = load_form(STEFANBUCK / "blank" / "form.yml")
    assert [f.id for f in form.fields] == ["textarea-one", "textarea-two"]
    assert split_sections("", form).sections == ()


def test_form_for_reads_the_form_find_form_picks(tmp_path: Path) -> None:
    assert form_for(None, tmp_path) == default_form()
    (tmp_path / "ours.yml").write_text(
        "body:\n  - {type: input, id: x, attributes: {label: X}}\n", encoding="utf-8"
    )
    assert [f.id for f in form_for(Path("ours.yml"), tmp_path).fields] == ["x"]


# --- heading levels: the form's labels decide the sections, not the number of `#` ---------


@pytest.mark.parametrize("level", ["##", "####"])
def test_a_body_with_other_heading_levels_reads_like_the_rendered_one(level: str) -> None:
    rendered = good_body()
    by_hand = rendered.replace("### ", f"{level} ")
    split = split_sections(by_hand, default_form())
    assert split.heading_level == len(level)
    assert [s.field_id for s in split.sections] == [
        s.field_id for s in split_sections(rendered, default_form()).sections
    ]
    assert parse_postmortem(by_hand) == parse_postmortem(rendered)


def test_a_heading_of_another_level_typed_into_a_section_stays_in_it() -> None:
    body = good_body(impact="Checkout failed.\n\n## Customers\n\n38% of card payments failed.")
    split = split_sections(body, default_form())
    assert split.heading_level == 3
    assert "## Customers" in (split.value("impact") or "")


def test_a_missing_section_is_named_at_the_level_the_body_uses() -> None:
    body = good_body().replace("### ", "## ")
    without_summary = body.replace("## Summary", "## Synopsis of it all")
    messages = [e.message for e in parse_postmortem(without_summary).errors]
    assert any("the body has no '## Summary' section" in m for m in messages), messages
