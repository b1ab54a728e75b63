"""A service that keeps failing: what repeat detection costs as its incidents pile up.

N post-mortems on one service (``service-0``), their incidents a week apart, each opened
and handled by its own ``issues/opened`` event (``pmsync handle-event``, the real PyGithub
and ``jira`` clients against the sandbox); then one ``pmsync sync`` of them all and a
second, settled one. Prints, per N: the requests of the first, second, fourth, middle and
last event; of the two syncs; and what Jira and GitHub hold at the end: pmsync's links
between tickets (against the ceiling N x items x ``repeats.max_linked``) and the most
back-link comments on one post-mortem.

    python benchmarks/failing_service.py                # N = 10 and 50
    python benchmarks/failing_service.py --sizes 12

It prints; docs/performance.md holds the figures.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import sync_world
from sync_cost import sizes_of
from sync_world import Count, github_client, jira_client

from pmsync.config.schema import RepeatsConfig
from pmsync.core.domain import identity
from pmsync.entry.cli import main as pmsync
from pmsync_sandbox.runner import Sandbox, running_sandbox

REPO = "acme/payments"
ITEMS = 3
FIRST_INCIDENT = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)  # a Monday
MAX_LINKED = RepeatsConfig().max_linked
CONFIG = (
    f"github:\n  repositories: [{REPO}]\n  throttle: false\n"
    "jira:\n  deployment: cloud\npeople:\n  bob: {jira_account: bob}\n"
    # A lookback that covers every incident of the largest N: the worst case.
    "repeats:\n  lookback_days: 400\n"
)


def body(week: int) -> str:
    """The week's post-mortem: all on one service (``service-0``), 14:00 to 15:00 UTC."""
    start = FIRST_INCIDENT + timedelta(weeks=week)
    return sync_world.body(0, f"{start:%Y-%m-%d %H:%M} UTC", items=ITEMS)


@dataclass(frozen=True)
class Result:
    n: int
    events: tuple[Count, ...]  # per event, in order
    sync: Count
    settled: Count
    links: int
    most_backlinks: int


@contextmanager
def environment(sandbox: Sandbox) -> Iterator[None]:
    """The variables pmsync reads to reach the sandbox, as a workflow's env block sets them."""
    saved = dict(os.environ)
    os.environ.update(sandbox.env())
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run(sandbox: Sandbox, n: int, folder: Path) -> Result:
    sandbox.reset()
    sandbox.set_github_rate_limit(10**7, resource="core")
    sandbox.set_github_rate_limit(10**7, resource="search")
    sandbox.set_github_limits(content_per_minute=10**7, content_per_hour=10**7)
    config = folder / "pmsync.yml"
    config.write_text(CONFIG, encoding="utf-8")
    client = github_client(sandbox)
    repo = client.get_repo(REPO)
    events = []
    for week in range(n):
        opened = FIRST_INCIDENT + timedelta(weeks=week, hours=3)
        sandbox.set_clock(opened)
        title = f"Pool exhausted, week {week + 1}"
        number = repo.create_issue(title, body=body(week), labels=["postmortem"]).number
        payload = {
            "action": "opened",
            "issue": {"number": number},
            "repository": {"full_name": REPO},
        }
        event = folder / "event.json"
        event.write_text(json.dumps(payload), encoding="utf-8")
        sandbox.clear_requests()
        args = ["handle-event", "--config", str(config), "--now", opened.isoformat()]
        quiet(["--event-name", "issues", "--event-path", str(event)], args)
        events.append(Count.of(sandbox.requests()))
    last = FIRST_INCIDENT + timedelta(weeks=n - 1, hours=5)
    counts = []
    for hour in (0, 1):
        sandbox.set_clock(last + timedelta(hours=hour))
        sandbox.clear_requests()
        now = (last + timedelta(hours=hour)).isoformat()
        quiet(["--now", now], ["sync", "--config", str(config)])
        counts.append(Count.of(sandbox.requests()))
    links, backlinks = links_and_backlinks(sandbox, n)
    client.close()
    return Result(n, tuple(events), counts[0], counts[1], links, backlinks)


def quiet(extra: Sequence[str], args: Sequence[str]) -> None:
    with redirect_stdout(StringIO()):
        code = pmsync([*args, *extra])
    if code != 0:
        raise SystemExit(f"pmsync {' '.join(args)} exited {code}")


def links_and_backlinks(sandbox: Sandbox, n: int) -> tuple[int, int]:
    """pmsync's links between the post-mortems' tickets (each once), and the most
    back-link comments one post-mortem carries."""
    jira = jira_client(sandbox)
    labels = ", ".join(f'"{identity.postmortem_label(REPO, k)}"' for k in range(1, n + 1))
    found = jira.search_issues(f"labels in ({labels})", maxResults=False, fields="issuelinks")
    keys = {issue.key for issue in found}
    pairs = set()
    for issue in found:
        for link in issue.fields.issuelinks:
            other = getattr(link, "outwardIssue", None) or link.inwardIssue
            if other.key in keys:
                pairs.add(frozenset((issue.key, other.key)))
    jira.close()
    repo = github_client(sandbox).get_repo(REPO)
    marker = "<!-- pmsync:backlink:"
    most = max(
        sum(1 for c in repo.get_issue(k).get_comments() if c.body.startswith(marker))
        for k in range(1, n + 1)
    )
    return len(pairs), most


def table(results: Sequence[Result]) -> str:
    lines = [
        "| N | event 1 | event 2 | event 4 | event N/2 | event N | sync of all | settled sync "
        f"| Jira links (ceiling N x {ITEMS} x {MAX_LINKED}) | most back-links on one |",
        "|" + "---|" * 10,
    ]
    for r in results:
        picks = [r.events[i] for i in (0, 1, min(3, r.n - 1), r.n // 2 - 1 if r.n > 1 else 0, -1)]
        cells = " | ".join(f"{c.total} ({c.writes} w)" for c in picks)
        lines.append(
            f"| {r.n} | {cells} | {r.sync.total} ({r.sync.writes} w) "
            f"| {r.settled.total} ({r.settled.writes} w) "
            f"| {r.links} ({r.n * ITEMS * MAX_LINKED}) | {r.most_backlinks} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="10,50", help="numbers of post-mortems, comma-separated (default: 10,50)"
    )
    sizes = sizes_of(parser, parser.parse_args(argv).sizes)
    logging.basicConfig(level=logging.WARNING)
    out(
        f"pmsync on a failing service: {ITEMS} action items per post-mortem, incidents a week "
        f"apart, repeats.max_linked {MAX_LINKED}; python {platform.python_version()} on "
        f"{platform.machine()}"
    )
    out("cells: requests (of which writes)")
    with (
        running_sandbox(now=FIRST_INCIDENT) as sandbox,
        tempfile.TemporaryDirectory() as folder,
        environment(sandbox),
    ):
        results = [run(sandbox, n, Path(folder)) for n in sizes]
    out("")
    out(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
