"""The stage: a sandbox, the people who act on it, and pmsync run as a workflow runs it.

pmsync is run through its own command line (``pmsync handle-event``, ``pmsync sync``),
in this process: the arguments are parsed by the real parser and the command's own
function does the work, with settings that point at the sandbox. Each run is followed by
the lines that say what it changed, and its requests are counted from the sandbox's log.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from pmsync.config.redact import Redactor
from pmsync.config.settings import Settings
from pmsync.core.postmortem.form import packaged_form_path
from pmsync.entry.cli import parse_arguments
from pmsync_sandbox.demo import StoryBroke, render_demo
from pmsync_sandbox.demo.narrator import Narrator
from pmsync_sandbox.demo.people import PROJECT, REPO, DemoPerson
from pmsync_sandbox.demo.scene import Scene, what_changed
from pmsync_sandbox.runner import SandboxControl

BOT = "pmsync-bot"  # the GitHub login (and Jira account "pmsync") pmsync works as
JIRA_BOT = "pmsync"
NOTHING_WRITTEN = "pmsync wrote nothing: everything was already in step"


@dataclass(frozen=True)
class KeptFile:
    """A file of the output folder besides the threads and tickets."""

    title: str
    text: str


@dataclass(frozen=True)
class Ran:
    """One pmsync run: what GitHub and Jira hold after it, and what it printed."""

    scene: Scene
    printed: str


@dataclass(frozen=True)
class RequestRow:
    who: str
    github: tuple[int, int]  # reads, writes
    jira: tuple[int, int]


@dataclass
class RequestTally:
    """Requests the sandbox served, by who caused them, service, and read or write."""

    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    def settle(self, sandbox: SandboxControl, actor: str) -> int:
        """Count everything logged since the last settle as ``actor``'s; return how many
        of those were writes."""
        log = sandbox.requests()
        sandbox.clear_requests()
        writes = 0
        for entry in log:
            kind = "reads" if entry["method"] in ("GET", "HEAD") else "writes"
            self.counts[actor, entry["service"], kind] += 1
            writes += kind == "writes"
        return writes

    def of(self, actor: str, service: str) -> tuple[int, int]:
        return self.counts[actor, service, "reads"], self.counts[actor, service, "writes"]

    def row(self, actor: str, who: str) -> RequestRow:
        return RequestRow(who, github=self.of(actor, "github"), jira=self.of(actor, "jira"))


@dataclass
class World:
    sandbox: SandboxControl
    workdir: Path  # the configuration and event payloads pmsync is given
    narrator: Narrator
    redactor: Redactor
    tally: RequestTally = field(default_factory=RequestTally)
    people: dict[str, DemoPerson] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)  # the story's issues, by role
    kept: dict[str, KeptFile] = field(default_factory=dict)  # extra output files, by name
    runs: int = 0
    _events: int = 0

    def __post_init__(self) -> None:
        bot = self.sandbox.add_github_user(BOT, repos={REPO: "MEMBER"})
        self.sandbox.add_jira_user(JIRA_BOT, display_name="pmsync", email="pmsync@example.com")
        self.settings = Settings(
            github_token=SecretStr(bot["token"]),
            github_api_url=self.sandbox.github_url,
            jira_url=self.sandbox.jira_url,
            jira_email="pmsync@example.com",
            jira_api_token=SecretStr(f"jira-token-{JIRA_BOT}"),
        )
        for secret in self.settings.secret_values():
            self.redactor.add(secret)
        self.config_path = self.workdir / "pmsync.yml"
        self.config_path.write_text(
            render_demo(
                "pmsync.yml.j2",
                {"repo": REPO, "project": PROJECT, "form": str(packaged_form_path())},
            ),
            encoding="utf-8",
        )
        self.tally.settle(self.sandbox, "setup")

    def pmsync_env(self) -> dict[str, str]:
        """The variables pmsync ran with in the story (as ``pmsync-bot``), so commands run
        after it act as the same pmsync and find its comments its own."""
        settings = self.settings
        assert settings.github_token and settings.jira_api_token  # set just above
        return {
            "GITHUB_API_URL": str(settings.github_api_url),
            "GITHUB_TOKEN": settings.github_token.get_secret_value(),
            "JIRA_URL": str(settings.jira_url),
            "JIRA_EMAIL": str(settings.jira_email),
            "JIRA_API_TOKEN": settings.jira_api_token.get_secret_value(),
        }

    # --- the people and the clock ---------------------------------------------------------

    def person(self, login: str) -> DemoPerson:
        if login not in self.people:
            self.people[login] = DemoPerson.sign_in(self.sandbox, login)
        return self.people[login]

    def now(self) -> datetime:
        return self.sandbox.clock()

    def set_clock(self, moment: datetime) -> None:
        self.sandbox.set_clock(moment)

    def scene(self) -> Scene:
        return Scene.of(self.sandbox.state())

    def keep(self, name: str, title: str, text: str) -> str:
        """A file for the output folder besides the threads; returns its name."""
        self.kept[name] = KeptFile(title, text)
        return name

    # --- pmsync ---------------------------------------------------------------------------

    def handle_event(
        self, action: str, issue: dict[str, Any], sender: str, label: str | None = None
    ) -> Ran:
        """What the post-mortem workflow does on an ``issues`` event: the payload GitHub
        would deliver (``label``: the one an ``issues.labeled`` event is about), then
        ``pmsync handle-event``."""
        self._events += 1
        payload: dict[str, Any] = {
            "action": action,
            "issue": issue,
            "repository": {"full_name": REPO},
            "sender": {"login": sender},
        }
        if label is not None:
            payload["label"] = {"name": label}
        path = self.workdir / f"event-{self._events}.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        return self.pmsync(
            ["handle-event", "--event-name", "issues", "--event-path", str(path)],
            shown=f"pmsync handle-event    # issues.{action} on #{issue['number']}",
        )

    def sync(self) -> Ran:
        """What the scheduled workflow (or `pmsync worker`) does every hour."""
        return self.pmsync(["sync"], shown="pmsync sync")

    def pmsync(self, command: list[str], shown: str, *, show_output: bool = True) -> Ran:
        """Run one pmsync command against the sandbox; narrate what it printed (unless
        ``show_output`` is off: a report is kept as a file instead) and what changed."""
        argv = [*command, "--config", str(self.config_path), "--now", self.now().isoformat()]
        args = parse_arguments(argv)
        args.settings = self.settings
        args.redactor = self.redactor
        before = self.scene()
        self.tally.settle(self.sandbox, "people")
        printed = io.StringIO()
        with redirect_stdout(printed):
            code = args.func(args)
        writes = self.tally.settle(self.sandbox, "pmsync")
        self.runs += 1
        text = printed.getvalue()
        if code != 0:
            self.narrator.ran(shown, text)
            raise StoryBroke(f"the demo stopped: `{shown}` exited {code}:\n{text}")
        self.narrator.ran(shown, text if show_output else f"({len(text.splitlines())} lines)")
        after = self.scene()
        if writes == 0:
            self.narrator.say(NOTHING_WRITTEN)
        else:
            self.narrator.say("what changed:", what_changed(before, after, BOT))
        return Ran(after, text)

    def close(self) -> None:
        for person in self.people.values():
            person.close()
