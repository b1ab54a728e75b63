"""The last chapter: the manager's view, `pmsync report` over everything that happened."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pmsync_sandbox.demo.scene import table_rows
from pmsync_sandbox.demo.world import World

TITLE = "The manager's view: the report, and the monthly digest issue"
WHEN = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # the first Monday of the next month
SINCE, UNTIL = date(2026, 11, 1), date(2026, 12, 31)
REPORT_FILE = "report.md"


def play(world: World) -> None:
    world.narrator.say(f"a manager runs `pmsync report` over the whole story, {SINCE} to {UNTIL}")
    ran = world.pmsync(
        ["report", "--since", SINCE.isoformat(), "--until", UNTIL.isoformat()],
        shown=f"pmsync report --since {SINCE} --until {UNTIL}",
        show_output=False,
    )
    world.keep(REPORT_FILE, f"The report, {SINCE} to {UNTIL}", ran.printed)
    headline = table_rows(ran.printed, "| Metric |")
    world.narrator.say("the report's headline numbers:", headline)
    world.narrator.see(REPORT_FILE, "the whole report, with its charts")
    world.narrator.say(
        "the monthly digest workflow runs `pmsync report --publish`: the last full month, "
        "published as that month's digest issue"
    )
    world.pmsync(["report", "--publish"], shown="pmsync report --publish", show_output=False)
