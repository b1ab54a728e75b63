"""The post-mortem bodies the story uses: the repository's ``examples/`` folder."""

from __future__ import annotations

from pathlib import Path

from pmsync.errors import UsageError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def example(name: str) -> str:
    """The text of ``examples/<name>``; the demo runs from a clone of the repository."""
    path = EXAMPLES / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            f"the demo reads its post-mortems from {path}, which cannot be read "
            f"({exc.strerror or exc}); run `pmsync demo` from a clone of the pmsync "
            "repository (scripts/demo sets one up)"
        ) from exc
