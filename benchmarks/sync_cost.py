"""What a sync costs in API requests, and how that grows with the number of post-mortems.

Runs pmsync (the real PyGithub and ``jira`` clients) against the sandbox with a fixed
latency per request, for P open post-mortems of five action items each, and prints one
table per P: requests per service (reads and writes, counted from the sandbox's request
log), wall time, GitHub's content writes against its secondary limits (80 a minute, 500 an
hour: how long the writes take at best), the lower bound (the fewest requests any tool
could make for the same work with 100-item pages, see ``lower_bound``) and the ratio to it.

    python benchmarks/sync_cost.py                 # P = 10, 100 and 500
    python benchmarks/sync_cost.py --sizes 100     # what CI runs

It prints; it asserts nothing about time. docs/performance.md holds a full table.
"""

from __future__ import annotations

import argparse
import logging
import math
import platform
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sync_world import (
    BULK,
    BUSY_COMMENTS,
    BUSY_PULLS,
    FIRST_SYNC,
    ITEMS,
    MILESTONE_DAY,
    OPENED,
    PAGE,
    SHARE,
    Count,
    Measured,
    World,
    latency,
)

from pmsync_sandbox.runner import running_sandbox

# -- the work ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    scenario: str
    run: Measured
    bound: Count
    note: str = ""

    @property
    def measured(self) -> Count:
        return self.run.count

    @property
    def notes(self) -> str:
        failed = f"**{self.run.failed} post-mortem(s) failed**" if self.run.failed else ""
        return "; ".join(part for part in (self.note, failed) if part)

    @property
    def ratio(self) -> float:
        return self.measured.total / self.bound.total if self.bound.total else math.inf


def pages(count: int) -> int:
    """Requests to read ``count`` things 100 at a time (an empty answer still costs one)."""
    return max(1, math.ceil(count / PAGE))


# Lower bounds: the fewest requests any tool could make for the work of each scenario.
# Every bound assumes the best batching the APIs offer: 100 issues, comments or tickets per
# page, 50 tickets per bulk create, and one issue PATCH carrying both the body and labels.


def bound_first_sync(p: int) -> Count:
    """List the open post-mortems (⌈P/100⌉); ask Jira once per 100 post-mortem labels
    whether any ticket exists yet (a crash-safe tool must, ⌈P/100⌉); create 5P tickets 50
    per request (⌈5P/50⌉) and link each back to its issue (5P: Jira has no bulk remote
    link); per post-mortem one PATCH for the Ticket column and labels, one status comment
    (2P). The issue list already says an issue has no comments, so none are read."""
    return Count(
        github_reads=pages(p),
        github_writes=2 * p,
        jira_reads=pages(p),
        jira_writes=math.ceil(ITEMS * p / BULK) + ITEMS * p,
    )


def bound_steady(p: int, cached: bool) -> Count:
    """Nothing changed. Without a cache a tool must read everything once: the open
    issues (⌈P/100⌉), its own comments for the snapshots, listed repository-wide 100 per
    page (⌈P/100⌉ with one bot comment per issue), and every ticket (⌈5P/100⌉). With a
    cache of what the last sync saw, one question per service suffices: issues and
    comments updated since then (one listing), tickets updated since then (one JQL)."""
    if cached:
        return Count(github_reads=1, jira_reads=1)
    return Count(github_reads=2 * pages(p), jira_reads=pages(ITEMS * p))


def bound_changed(p: int, tickets: int, postmortems: int, cached: bool) -> Count:
    """As the steady state (the cache's question about tickets now returns ``tickets``,
    ⌈tickets/100⌉ pages), plus one status comment edit per post-mortem whose items
    changed."""
    steady = bound_steady(p, cached)
    jira_reads = pages(tickets) if cached else steady.jira_reads
    return Count(github_reads=steady.github_reads, github_writes=postmortems, jira_reads=jira_reads)


def bound_milestone(p: int, due: int, cached: bool) -> Count:
    """As the steady state, plus one review comment per post-mortem whose milestone is
    due (with a cache nothing needs reading again: the milestone follows from the date)."""
    steady = bound_steady(p, cached)
    return Count(github_reads=steady.github_reads, github_writes=due, jira_reads=steady.jira_reads)


def no_cache_limit(p: int) -> int:
    """The issue's target for a steady-state sync on a fresh runner."""
    return p + math.ceil(ITEMS * p / PAGE) + math.ceil(p / PAGE) + 2


# -- the scenarios -------------------------------------------------------------------------


def measure(world: World, ms: int, cache: Path) -> list[Row]:
    """The scenarios in order on one sandbox. Where a scenario is measured with and
    without the cache, the sandbox is put back in between, so both start from the same
    state (and end in it: the cache then matches the sandbox)."""
    p = world.p
    world.open_postmortems()

    def sync(now: datetime, cached: bool) -> Measured:
        with latency(world.sandbox, ms):
            return world.sync(now, cache if cached else None)

    def both(now: datetime, name: str, bound: Callable[[bool], Count], note: str) -> list[Row]:
        before = world.sandbox.state()
        with_cache = Row(f"{name}, cache", sync(now, cached=True), bound(True), note)
        world.sandbox.restore(before)
        without = Row(f"{name}, no cache", sync(now, cached=False), bound(False), note)
        return [with_cache, without]

    rows = [
        Row("first sync", sync(FIRST_SYNC, cached=True), bound_first_sync(p), "cache empty"),
        Row(
            "next hour, cache",
            sync(FIRST_SYNC + timedelta(hours=1), cached=True),
            bound_steady(p, cached=True),
            "reads back what the first sync wrote",
        ),
    ]
    rows += both(
        FIRST_SYNC + timedelta(hours=2),
        "steady",
        lambda cached: bound_steady(p, cached),
        f"no-cache target ≤ {no_cache_limit(p)}",
    )
    world.pull_request_traffic(BUSY_PULLS, BUSY_COMMENTS)
    rows += both(
        FIRST_SYNC + timedelta(hours=2, minutes=30),
        "busy repository",
        lambda cached: bound_steady(p, cached),
        f"{BUSY_PULLS} pull requests and {BUSY_COMMENTS} pull request comments since the last sync",
    )
    tickets, touched = world.change_ticket_statuses(SHARE)
    rows += both(
        FIRST_SYNC + timedelta(hours=3),
        "10% tickets changed",
        lambda cached: bound_changed(p, tickets, touched, cached),
        f"{tickets} tickets in {touched} post-mortems; target writes = {touched}",
    )
    due = len(world.early)
    rows += both(
        MILESTONE_DAY,
        "milestone day",
        lambda cached: bound_milestone(p, due, cached),
        f"{due} reviews due; target writes = {due}",
    )
    return rows


# -- the table -----------------------------------------------------------------------------


def table(p: int, rows: Sequence[Row]) -> str:
    header = (
        "| P | scenario | GitHub reads | GitHub writes | Jira reads | Jira writes | total "
        "| lower bound | ratio | wall s | GitHub content writes: min at 80/min, h at 500/h "
        "| notes |"
    )
    lines = [header, "|" + "---|" * 12]
    for row in rows:
        m, b = row.measured, row.bound
        lines.append(
            f"| {p} | {row.scenario} | {m.github_reads} ({b.github_reads}) "
            f"| {m.github_writes} ({b.github_writes}) | {m.jira_reads} ({b.jira_reads}) "
            f"| {m.jira_writes} ({b.jira_writes}) | {m.total} | {b.total} | {row.ratio:.1f} "
            f"| {row.run.seconds:.1f} | {m.github_writes / 80:.1f} min, "
            f"{m.github_writes / 500:.1f} h | {row.notes} |"
        )
    return "\n".join(lines)


def sizes_of(parser: argparse.ArgumentParser, text: str) -> list[int]:
    """``--sizes``: numbers of post-mortems, comma-separated, each 1 or more."""
    try:
        sizes = [int(size) for size in text.split(",") if size.strip()]
    except ValueError:
        parser.error(f"--sizes {text!r}: expected numbers separated by commas, e.g. 10,100")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes: give at least one number of post-mortems, each 1 or more")
    return sizes


def main(argv: Sequence[str] | None = None, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="10,100,500",
        help="numbers of open post-mortems, comma-separated (default: 10,100,500)",
    )
    parser.add_argument(
        "--latency-ms", type=int, default=20, help="added to every answer (default: 20)"
    )
    parser.add_argument("--seed", type=int, default=8, help="picks the tickets that change")
    args = parser.parse_args(argv)
    sizes = sizes_of(parser, args.sizes)
    logging.basicConfig(level=logging.WARNING)
    out(
        f"pmsync sync cost: {ITEMS} action items per post-mortem, {args.latency_ms} ms latency "
        f"per request; python {platform.python_version()} on {platform.machine()}"
    )
    out("cells: measured (lower bound)")
    failed = 0
    with running_sandbox(now=OPENED) as sandbox, tempfile.TemporaryDirectory() as folder:
        for p in sizes:
            cache = Path(folder) / f"cache-{p}"
            rows = measure(World(sandbox, p, args.seed), args.latency_ms, cache)
            out("")
            out(table(p, rows))
            failed += sum(row.run.failed for row in rows)
    # The figures of a sync that failed measure nothing: say so in the exit status.
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
