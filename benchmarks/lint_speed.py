"""How long checking a post-mortem body takes on hostile input, and how that grows with
the body's size.

Runs ``check_postmortem`` (parse, lint, vague-action and blame checks: what ``validate``,
an event and every sync do with an issue body) on the bodies of
tests/support/hostile_bodies.py, each filled to 16, 32 and 64 KB (GitHub's largest body is
65,536 characters), best of three runs each, and prints one row per body: the times and
the growth from 16 to 64 KB. Linear work grows about 4 times; work that rescans from every
position grows about 16 times.

    python benchmarks/lint_speed.py

It exits 1 when a body's time grows more than 8 times from 16 to 64 KB while taking more
than 50 ms at 64 KB (shorter times are timer noise): super-linear checking on text anyone
can write is a way to stall every run. It asserts nothing else about time.
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.hostile_bodies import CASES, filled

from pmsync.config.schema import Config
from pmsync.core.postmortem.lint import check_postmortem
from pmsync.core.postmortem.parse import MAX_BODY_CHARACTERS

SIZES = (MAX_BODY_CHARACTERS // 4, MAX_BODY_CHARACTERS // 2, MAX_BODY_CHARACTERS)
RUNS = 3
MAX_GROWTH = 8.0  # from the smallest to the largest size; linear is about 4
NOISE_SECONDS = 0.05


def seconds(body: str, config: Config) -> float:
    """The best of ``RUNS`` checks of ``body``."""
    best = float("inf")
    for _ in range(RUNS):
        started = time.perf_counter()
        check_postmortem(body, None, config)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    config = Config()
    print(f"checking hostile bodies, best of {RUNS}, on {platform.python_version()}")
    sizes = " | ".join(f"{size // 1024} KB (ms)" for size in SIZES)
    print(f"\n| field | repeated text | {sizes} | growth |")
    print("|---|---|" + "---|" * len(SIZES) + "---|")
    super_linear = []
    for field, unit in CASES:
        times = [seconds(filled(field, unit, size), config) for size in SIZES]
        growth = times[-1] / times[0] if times[0] else 0.0
        cells = " | ".join(f"{t * 1000:.0f}" for t in times)
        print(f"| {field} | {unit!r} | {cells} | {growth:.1f}x |")
        if growth > MAX_GROWTH and times[-1] > NOISE_SECONDS:
            super_linear.append(f"{field} filled with {unit!r}: {growth:.1f}x")
    if super_linear:
        print("\nsuper-linear: " + "; ".join(super_linear), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
