"""The worker's report job: publish the digest of the last full month (``pmsync worker``).

``pmsync.worker`` runs ``run`` every ``worker.report_every_minutes``; the digest issue is
edited only when its text changed, so frequent runs write little.
"""

from __future__ import annotations

from datetime import datetime

from pmsync.commands.report import produce
from pmsync.config import Config
from pmsync.report import default_period
from pmsync.run import repositories
from pmsync.settings import Settings


def run(settings: Settings, config: Config, now: datetime) -> str:
    """Publish the digest; one line on what was done."""
    period = default_period(now)
    repos = repositories(None, config)
    done = produce(settings, config, now=now, repos=repos, period=period, publish_digest=True)
    assert done.digest is not None  # publish_digest=True always publishes
    outcome, issue = done.digest
    return (
        f"digest {period.month}: {outcome} {issue.ref} "
        f"({done.report.postmortems} post-mortem(s); requests: {done.requests.summary()})"
    )
