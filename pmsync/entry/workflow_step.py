"""Talking to the GitHub Actions runner: annotations, the job summary and step outputs.

The runner reads *workflow commands* from every line a step prints: a line that starts
with ``::`` (after leading blanks, e.g. ``::add-mask::`` or ``::set-output``) or that
contains ``##[`` anywhere. Issue text is untrusted, so anything of it that pmsync prints
inside Actions must be unable to start such a command:

- ``annotation`` escapes the message and the properties as the runner unescapes them, so
  the whole text stays inside the one command it belongs to;
- ``neutralise_commands`` breaks the two command openers in plain output lines;
  ``CommandSafeFormatter`` applies it to every log record and ``command_safe_output`` to
  everything printed to stdout and stderr.

Apart from ``command_safe_output``, which wraps stdout and stderr while a command runs,
everything here is pure or writes only to the files the runner names in the environment
(``GITHUB_STEP_SUMMARY``, ``GITHUB_OUTPUT``); outside Actions every writer is a no-op.
"""

from __future__ import annotations

import io
import logging
import os
import re
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Literal, TextIO, cast

from pmsync.errors import ConfigError, PmsyncError, RemoteError, UsageError

Level = Literal["error", "warning", "notice"]

# The runner caps one step's summary at 1 MiB and drops an oversized one entirely.
SUMMARY_LIMIT_BYTES = 1024 * 1024
SUMMARY_CUT_NOTE = "\n\n*(summary cut: GitHub keeps at most 1 MiB per step)*\n"

_OUTPUT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# The runner reads output line by line; a line ends at LF, CR or CR LF.
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")
_COMMAND_KEY = "::"
_LEGACY_PREFIX = "##["


def in_github_actions(environ: Mapping[str, str] | None = None) -> bool:
    """True when running as a step of a GitHub Actions job."""
    env = os.environ if environ is None else environ
    return env.get("GITHUB_ACTIONS") == "true"


def escape_data(text: str) -> str:
    """Escape a command's message exactly as the runner unescapes it (``%``, CR, LF).

    With CR and LF gone the message cannot begin a new line, so it cannot start a second
    command; a ``::`` inside it is plain text to the runner (only the first ``::`` after
    the command name separates properties from the message).
    """
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property (``title=…``): also ``:`` and ``,``, which delimit them."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(
    level: Level,
    message: str,
    *,
    title: str | None = None,
    file: str | None = None,
    line: int | None = None,
) -> str:
    """The workflow-command line for one annotation, e.g. ``::error title=Config::…``."""
    properties = [
        f"{name}={escape_property(value)}"
        for name, value in (
            # The runner trims the property list, so a title keeps no surrounding blanks.
            ("title", None if title is None else title.strip()),
            ("file", file),
            ("line", None if line is None else str(line)),
        )
        if value is not None
    ]
    head = f"{level} {','.join(properties)}" if properties else level
    return f"::{head}::{escape_data(message)}"


def write_command(line: str, out: TextIO) -> None:
    """Print one workflow command of pmsync's own, e.g. an ``annotation``, on its own line;
    a ``CommandSafeStream`` passes it on unneutralised."""
    if isinstance(out, CommandSafeStream):
        out.write_command(line)
    else:
        print(line, file=out, flush=True)


def report_problem(
    level: Level,
    message: str,
    *,
    title: str | None = None,
    environ: Mapping[str, str] | None = None,
    stream: TextIO | None = None,
) -> None:
    """Tell the user where they look: an annotation in Actions, else ``level: message``.

    Both go to stderr (unless told otherwise), so stdout stays clean for machine output.
    """
    out = sys.stderr if stream is None else stream
    if in_github_actions(environ):
        write_command(annotation(level, message, title=title), out)
    else:
        print(f"{level}: {message}", file=out, flush=True)


def error_title(error: PmsyncError) -> str:
    """A short annotation title that says which kind of problem a pmsync error is."""
    if isinstance(error, RemoteError):
        return f"pmsync: {error.service} request failed"
    if isinstance(error, ConfigError):
        return "pmsync: configuration"
    if isinstance(error, UsageError):
        return "pmsync: usage"
    return "pmsync"


def neutralise_commands(text: str) -> str:
    """Plain output text that the runner will not read as a workflow command.

    ``::`` opening a line (after blanks, which the runner skips) becomes ``: :`` and
    ``##[`` anywhere becomes ``# #[``; all other text is unchanged, so logs stay readable.
    """
    parts = _LINE_BREAK.split(text.replace(_LEGACY_PREFIX, "# #["))
    # split() with a capturing group alternates line, break, line, …: fix the lines only.
    for index in range(0, len(parts), 2):
        line = parts[index]
        start = len(line) - len(line.lstrip())
        if line.startswith(_COMMAND_KEY, start):
            parts[index] = f"{line[:start]}: :{line[start + 2 :]}"
    return "".join(parts)


class CommandSafeFormatter(logging.Formatter):
    """A log formatter whose output can never carry a workflow command."""

    def format(self, record: logging.LogRecord) -> str:
        return neutralise_commands(super().format(record))


class CommandSafeStream(io.TextIOBase):
    """A text stream that passes on whole lines, each neutralised; pmsync's own workflow
    commands go through ``write_command``.

    A line is held until it ends (so a ``##[`` split across two writes is still seen);
    ``close`` passes on an unfinished last line and leaves the wrapped stream open.
    """

    def __init__(self, inner: TextIO) -> None:
        super().__init__()
        self.inner = inner
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._pending += text
        cut = max(self._pending.rfind("\n"), self._pending.rfind("\r"))
        # A CR at the very end may still become CR LF: keep it with the unfinished part.
        if cut == len(self._pending) - 1 and self._pending.endswith("\r"):
            cut = max(self._pending.rfind("\n", 0, cut), self._pending.rfind("\r", 0, cut))
        if cut >= 0:
            complete, self._pending = self._pending[: cut + 1], self._pending[cut + 1 :]
            self.inner.write(neutralise_commands(complete))
        return len(text)

    def write_command(self, line: str) -> None:
        """Write one workflow command of pmsync's own, on a line of its own."""
        if self._pending:
            self.write("\n")
        self.inner.write(line + "\n")
        self.inner.flush()

    def flush(self) -> None:
        self.inner.flush()

    def close(self) -> None:
        if self._pending:
            self.inner.write(neutralise_commands(self._pending))
            self._pending = ""
        self.inner.flush()
        super().close()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.inner.encoding

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()


@contextmanager
def command_safe_output(environ: Mapping[str, str] | None = None) -> Iterator[None]:
    """Inside GitHub Actions, let nothing printed to stdout or stderr start a command.

    Outside Actions it changes nothing.
    """
    if not in_github_actions(environ):
        yield
        return
    saved_out, saved_err = sys.stdout, sys.stderr
    out, err = CommandSafeStream(saved_out), CommandSafeStream(saved_err)
    sys.stdout, sys.stderr = cast(TextIO, out), cast(TextIO, err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved_out, saved_err
        out.close()
        err.close()


def code_block(text: str) -> str:
    """``text`` as a fenced code block that no line of it can close: the fence is longer
    than any run of backticks in the text, as CommonMark allows."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}\n{fence}\n"


def append_step_summary(markdown: str, environ: Mapping[str, str] | None = None) -> bool:
    """Append Markdown to the job summary; False (and nothing written) outside Actions.

    Keeps the file under the runner's 1 MiB limit by cutting what is appended, with a note.
    """
    env = os.environ if environ is None else environ
    path = env.get("GITHUB_STEP_SUMMARY")
    if not path:
        return False
    try:
        used = os.path.getsize(path)
    except OSError:
        used = 0
    text = markdown if markdown.endswith("\n") else markdown + "\n"
    room = SUMMARY_LIMIT_BYTES - used
    encoded = text.encode("utf-8")
    if len(encoded) > room:
        note_size = len(SUMMARY_CUT_NOTE.encode("utf-8"))
        if note_size > room:
            return False
        # Cut on a byte budget, dropping a character split by the cut.
        kept = encoded[: room - note_size].decode("utf-8", errors="ignore")
        text = kept + SUMMARY_CUT_NOTE
    with open(path, "a", encoding="utf-8") as summary:
        summary.write(text)
    return True


def output_block(name: str, value: str, delimiter: str) -> str:
    """One ``GITHUB_OUTPUT`` entry in the multi-line form ``name<<DELIM … DELIM``."""
    if not _OUTPUT_NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a valid step output name")
    if delimiter in value:
        raise ValueError("the output value contains its own delimiter")
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def set_outputs(values: Mapping[str, str | int], environ: Mapping[str, str] | None = None) -> bool:
    """Write step outputs to ``GITHUB_OUTPUT``; False (and nothing written) outside Actions.

    Every value uses the delimiter form with a fresh random delimiter, so a value with
    newlines (or one that looks like ``other=…``) cannot set a second output.
    """
    env = os.environ if environ is None else environ
    path = env.get("GITHUB_OUTPUT")
    if not path:
        return False
    blocks = [
        output_block(name, str(value), f"pmsync_{uuid.uuid4().hex}")
        for name, value in values.items()
    ]
    with open(path, "a", encoding="utf-8") as outputs:
        outputs.write("".join(blocks))
    return True


def write_run_outputs(
    *, tickets_created: int, comments_written: int, environ: Mapping[str, str] | None = None
) -> bool:
    """The outputs that ``action.yml`` exposes as ``tickets-created`` and ``comments-written``."""
    return set_outputs(
        {"tickets_created": tickets_created, "comments_written": comments_written}, environ
    )
