"""How the GitHub Actions runner reads what a step prints and writes, for tests.

``runner_command`` re-implements ActionCommand.TryParseV2 / TryParse of actions/runner
(the ``::command props::data`` and legacy ``##[command]`` forms), and ``runner_outputs``
its reading of the ``GITHUB_OUTPUT`` file, so tests can show what the runner would do with
pmsync's text. Any command name counts, which makes the checks stricter than the runner.
``run_action_step`` runs action.yml's own shell step the way the runner does.
``cron_values`` and ``cron_fires`` read a workflow's ``schedule`` cron as GitHub does (UTC).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import yaml

_DATA_UNESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))
_PROPERTY_UNESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))


def _unescape(text: str, mappings: tuple[tuple[str, str], ...]) -> str:
    for escaped, plain in mappings:  # in the runner's order, one pass each
        text = text.replace(escaped, plain)
    return text


def runner_lines(output: str) -> list[str]:
    """Lines as the runner reads them: broken at LF, CR or CR LF."""
    return re.split(r"\r\n|\r|\n", output)


def runner_command(line: str) -> tuple[str, dict[str, str], str] | None:
    """(command, properties, data) if the runner reads ``line`` as any workflow command."""
    message = line.lstrip()
    if message.startswith("::"):
        end = message.find("::", 2)
        if end >= 0:
            info = message[2:end]
            name, _, props = info.partition(" ")
            properties = {}
            for pair in props.strip().split(","):
                key, sep, value = pair.partition("=")
                if key and sep and value:
                    properties[key] = _unescape(value, _PROPERTY_UNESCAPES)
            return name, properties, _unescape(message[end + 2 :], _DATA_UNESCAPES)
    start = line.find("##[")
    if start >= 0 and "]" in line[start:]:
        return line[start + 3 : line.index("]", start)], {}, ""
    return None


def runner_commands(output: str) -> list[tuple[str, dict[str, str], str]]:
    return [cmd for line in runner_lines(output) if (cmd := runner_command(line)) is not None]


def runner_outputs(text: str) -> dict[str, str]:
    """Parse a GITHUB_OUTPUT file as the runner does (``k=v`` and ``k<<DELIM`` forms)."""
    lines = text.split("\n")
    outputs: dict[str, str] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            outputs[line[:equals]] = line[equals + 1 :]
            continue
        name, delimiter = line[:heredoc], line[heredoc + 2 :]
        value_lines = []
        while lines[index] != delimiter:
            value_lines.append(lines[index])
            index += 1
        index += 1
        outputs[name] = "\n".join(value_lines)
    return outputs


ACTION = Path(__file__).resolve().parents[2] / "action.yml"


def run_action_step(
    inputs: Mapping[str, str], *, venv: Path, cwd: Path, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run action.yml's "Run pmsync" step as the runner would, with pmsync from ``venv``.

    Inputs not given take their defaults from action.yml; ``env`` is the rest of the
    step's environment (what the workflow's ``env:`` and the runner provide).
    """
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "run")
    given = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    given.update(inputs)
    step_env = {"PATH": os.environ["PATH"], **env}
    for name, value in step["env"].items():
        match = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", value)
        if match:
            step_env[name] = given[match.group(1)]
        elif value == "${{ runner.temp }}/pmsync-venv":
            step_env[name] = str(venv)
        elif value == "${{ github.token }}":
            # The step's GITHUB_TOKEN plays the workflow's own token, as when a workflow
            # hands pmsync `secrets.GITHUB_TOKEN`.
            step_env[name] = env.get("GITHUB_TOKEN", "")
        else:
            raise AssertionError(f"the test does not know how to provide {name}={value}")
    bash = shutil.which("bash")
    assert bash is not None, "bash is needed to run the action's step"
    return subprocess.run(
        [bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env=step_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# minute, hour, day of month, month, weekday (0 and 7 are both Sunday)
CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


def cron_values(field: str, low: int, high: int) -> set[int]:
    """The values one cron field selects: ``*``, ``n``, ``a-b``, each with ``/step``, and lists."""
    values: set[int] = set()
    for part in field.split(","):
        span, _, step = part.partition("/")
        if span == "*":
            first, last = low, high
        else:
            first_text, _, last_text = span.partition("-")
            first = int(first_text)
            last = int(last_text) if last_text else (high if step else first)
        assert low <= first <= last <= high, f"{part!r} is outside {low}-{high}"
        values.update(range(first, last + 1, int(step or 1)))
    return values


def cron_fires(cron: str, year: int) -> list[datetime]:
    """When ``cron`` fires in ``year`` (UTC). Day of month and weekday, when both are
    restricted, fire on either, as cron does."""
    texts = cron.split()
    assert len(texts) == 5, cron
    minutes, hours, days, months, weekdays = (
        cron_values(text, low, high) for text, (low, high) in zip(texts, CRON_RANGES, strict=True)
    )
    weekdays = {day % 7 for day in weekdays}
    fires = []
    day = date(year, 1, 1)
    while day.year == year:
        by_day, by_weekday = day.day in days, (day.weekday() + 1) % 7 in weekdays
        restricted = (texts[2] != "*", texts[4] != "*")
        on = by_day or by_weekday if all(restricted) else by_day and by_weekday
        if day.month in months and on:
            fires += [
                datetime(year, day.month, day.day, h, m, tzinfo=UTC)
                for h in sorted(hours)
                for m in sorted(minutes)
            ]
        day += timedelta(days=1)
    return fires
