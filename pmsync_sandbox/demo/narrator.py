"""Tells the story as it happens, and keeps it for the index of demo-output.

Each chapter is a list of beats: something a person does or notices (``say``), a pmsync
run with what pmsync printed (``ran``), and a pointer to a file in the output folder
(``see``). The terminal gets them as they happen; ``index.md`` gets them all at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pmsync_sandbox.demo import render_demo

BeatKind = Literal["say", "ran", "see"]


@dataclass(frozen=True)
class Beat:
    kind: BeatKind
    text: str
    lines: tuple[str, ...] = ()  # ran: what pmsync printed; say: lines that follow
    target: str | None = None  # see: a file inside the output folder


@dataclass
class ChapterRecord:
    number: int
    title: str
    when: str
    beats: list[Beat] = field(default_factory=list)


def moment(when: datetime) -> str:
    return when.strftime("%a %d %b %Y, %H:%M UTC")


class Narrator:
    """``show`` prints one block of text (None: quiet); ``folder`` is how the output
    folder is named to the reader (e.g. ``demo-output``)."""

    def __init__(self, show: Callable[[str], None] | None, folder: str) -> None:
        self._show = show
        self.folder = folder
        self.chapters: list[ChapterRecord] = []

    def _print(self, text: str) -> None:
        if self._show is not None:
            self._show(text)

    def template(self, name: str, **context: object) -> str:
        """Print a narration template from pmsync_sandbox/demo/templates; return its text."""
        text = render_demo(name, context)
        self._print(text.rstrip("\n"))
        return text

    def chapter(self, title: str, when: datetime) -> None:
        record = ChapterRecord(len(self.chapters) + 1, title, moment(when))
        self.chapters.append(record)
        self._print(f"\n── {record.number}. {title} ── {record.when}")

    def say(self, text: str, lines: tuple[str, ...] | list[str] = ()) -> None:
        self._beat(Beat("say", text, tuple(lines)))
        self._print(f"   {text}")
        for line in lines:
            self._print(f"     · {line}")

    def ran(self, command: str, printed: str) -> None:
        lines = tuple(line for line in printed.splitlines() if line.strip())
        self._beat(Beat("ran", command, lines))
        self._print(f"   $ {command}")
        for line in lines:
            self._print(f"     │ {line}")

    def see(self, target: str, what: str) -> None:
        self._beat(Beat("see", what, target=target))
        self._print(f"   → {self.folder}/{target}  ({what})")

    def _beat(self, beat: Beat) -> None:
        if not self.chapters:
            raise RuntimeError("a beat before the first chapter")
        self.chapters[-1].beats.append(beat)
