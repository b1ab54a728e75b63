"""The demo from start to end: sandbox up, chapters in order, output written, counts told."""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pmsync.config.redact import Redactor
from pmsync_sandbox.demo import transcript
from pmsync_sandbox.demo.chapters import (
    Chapter,
    completion,
    feedback,
    followups,
    jira_moves,
    outsider,
    repeat_incident,
    report,
    table_edits,
    tickets,
)
from pmsync_sandbox.demo.narrator import ChapterRecord, Narrator
from pmsync_sandbox.demo.world import RequestRow, World
from pmsync_sandbox.runner import SandboxControl, running_sandbox

# Each capability of pmsync adds its chapter here, in story order.
CHAPTERS: tuple[Chapter, ...] = (
    feedback,
    tickets,
    jira_moves,
    followups,
    table_edits,
    repeat_incident,
    outsider,
    completion,
    report,
)


@dataclass(frozen=True)
class DemoResult:
    files: list[str]  # written into the output folder, index first
    numbers: dict[str, int]  # the story's issues by role, e.g. {"payments": 1}
    requests: list[RequestRow]
    runs: int  # pmsync commands run
    chapters: list[ChapterRecord]  # the story as told
    env: dict[str, str]  # the variables pmsync ran with in the story


KEPT_CONFIG = "pmsync.yml"  # the demo's configuration, in the output folder with --keep


def run_demo(
    output: Path,
    *,
    show: Callable[[str], None] | None,
    redactor: Redactor | None = None,
    keep: Callable[[], None] | None = None,
) -> DemoResult:
    """Start a sandbox on a free port, tell the story on it, stop it. With ``keep``, the
    sandbox stays up after the story, with its configuration in the output folder and the
    commands to try printed, until ``keep`` returns (``pmsync demo --keep``: until Ctrl-C)."""
    first = CHAPTERS[0].WHEN
    with (
        running_sandbox(now=first) as sandbox,
        tempfile.TemporaryDirectory(prefix="pmsync-demo-") as workdir,
    ):
        told = tell(sandbox, output, Path(workdir), show=show, redactor=redactor or Redactor())
        if keep is not None:
            config = output / KEPT_CONFIG
            shutil.copyfile(Path(workdir) / KEPT_CONFIG, config)
            Narrator(print, folder=str(output)).template(
                "kept.txt.j2",
                env=told.env,
                url=sandbox.url,
                activate=activate_script(),
                config=str(config),
                now=sandbox.clock().strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
            keep()
        return told


def activate_script() -> str:
    """How another shell gets this ``pmsync`` on its PATH: the virtual environment's
    activate script when pmsync runs from one, else the one ``scripts/demo`` sets up."""
    script = Path(sys.prefix) / "bin" / "activate"
    in_venv = sys.prefix != sys.base_prefix and script.is_file()
    return str(script) if in_venv else ".venv/bin/activate"


def tell(
    sandbox: SandboxControl,
    output: Path,
    workdir: Path,
    *,
    show: Callable[[str], None] | None,
    redactor: Redactor,
) -> DemoResult:
    """Every chapter on ``sandbox`` (fresh or reset), then the output folder. The sandbox
    is one ``running_sandbox`` serves, which keeps proxies out of the way."""
    transcript.prepare_folder(output)
    narrator = Narrator(show, folder=str(output))
    narrator.template("intro.txt.j2", url=sandbox.url)
    world = World(sandbox, workdir, narrator, redactor)
    try:
        for chapter in CHAPTERS:
            world.set_clock(chapter.WHEN)
            narrator.chapter(chapter.TITLE, chapter.WHEN)
            chapter.play(world)
        world.tally.settle(sandbox, "people")
        reader = world.person("alice")
        threads = transcript.read_threads(reader)
        tickets_seen = transcript.read_tickets(reader)
        world.tally.settle(sandbox, "output")
    finally:
        world.close()
    rows = [
        world.tally.row("pmsync", f"pmsync ({world.runs} runs)"),
        world.tally.row("people", f"people ({', '.join(sorted(world.people))})"),
    ]
    files = transcript.write_output(
        output,
        threads=threads,
        tickets=tickets_seen,
        kept=world.kept,
        narrator=narrator,
        requests=rows,
        links=transcript.LinkRewriter(sandbox),
    )
    narrator.template(
        "outro.txt.j2", rows=rows, folder=str(output), index=transcript.INDEX_FILE, files=files
    )
    return DemoResult(
        files, dict(world.numbers), rows, world.runs, narrator.chapters, world.pmsync_env()
    )
