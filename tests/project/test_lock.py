"""requirements/action.txt, the lock the GitHub Action installs, agrees with pyproject.toml."""

from __future__ import annotations

import re
import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from support.postmortem_bodies import ROOT

LOCK = ROOT / "requirements" / "action.txt"
REFRESH = "run scripts/lock to refresh requirements/action.txt"


def pins() -> dict[str, tuple[Version, list[str]]]:
    """Each locked package: its exact version and its hashes."""
    text = LOCK.read_text(encoding="utf-8").replace("\\\n", " ")
    found: dict[str, tuple[Version, list[str]]] = {}
    for line in text.splitlines():
        match = re.match(r"([A-Za-z0-9._-]+)==(\S+)(.*)", line)
        if match:
            name, version, rest = match.groups()
            found[canonicalize_name(name)] = (Version(version), re.findall(r"--hash=(\S+)", rest))
    return found


def required() -> list[Requirement]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        project = tomllib.load(file)
    return [
        Requirement(text)
        for text in project["project"]["dependencies"] + project["build-system"]["requires"]
    ]


def disagreements(
    requirements: list[Requirement], locked: dict[str, tuple[Version, list[str]]]
) -> list[str]:
    problems = []
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        if name not in locked:
            problems.append(f"{requirement} is not in the lock")
        elif not requirement.specifier.contains(locked[name][0], prereleases=True):
            problems.append(f"{requirement} does not admit the locked {locked[name][0]}")
    return problems


def test_every_requirement_of_pyproject_is_pinned_in_the_lock_within_its_range() -> None:
    problems = disagreements(required(), pins())
    assert problems == [], f"{problems}: {REFRESH}"


def test_every_pin_is_exact_and_hashed() -> None:
    locked = pins()
    assert len(locked) >= len(required())
    assert all(hashes for _, hashes in locked.values()), REFRESH
    assert all(h.startswith("sha256:") for _, hashes in locked.values() for h in hashes)


def test_the_check_notices_a_lock_that_disagrees() -> None:
    locked = {"pygithub": (Version("3.0.0"), ["sha256:0"])}
    assert disagreements([Requirement("PyGithub>=2.10,<3"), Requirement("jira>=3.10")], locked) == [
        "PyGithub<3,>=2.10 does not admit the locked 3.0.0",
        "jira>=3.10 is not in the lock",
    ]


def test_the_action_installs_only_the_hashed_lock_then_pmsync_without_fetching() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    install = next(s for s in action["runs"]["steps"] if s.get("name") == "Install pmsync")
    commands = install["run"].replace("\\\n", " ")
    assert '--require-hashes --only-binary :all: -r "$PMSYNC_SOURCE/requirements/action.txt"' in (
        " ".join(commands.split())
    )
    assert '--no-deps --no-index --no-build-isolation "$PMSYNC_SOURCE"' in commands
    assert commands.count(" install ") == 2, "no other install may fetch unpinned packages"
