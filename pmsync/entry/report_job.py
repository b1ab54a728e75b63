"""The worker's report job: publish the digest of the last full month (``pmsync worker``).

``pmsync.entry.worker`` runs ``run`` every ``worker.report_every_minutes``; the digest issue is
edited only when its text changed, so frequent runs write little.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pmsync.adapters.retry import RequestLog
from pmsync.config.redact import Redactor
from pmsync.config.schema import Config
from pmsync.config.settings import Settings
from pmsync.core.report.periods import default_period
from pmsync.entry.run import produce_report


def run(
    settings: Settings,
    config: Config,
    repos: Sequence[str],
    now: datetime,
    redactor: Redactor | None = None,
) -> str:
    """Publish the digest of ``repos``; one line on what was done."""
    period = default_period(now)
    requests = RequestLog()
    done = produce_report(
        settings,
        config,
        now=now,
        repos=repos,
        period=period,
        publish_digest=True,
        requests=requests,
        redactor=redactor,
    )
    assert done.digest is not None  # publish_digest=True always publishes
    outcome, issue = done.digest
    assert issue is not None  # … and, not being a dry run, leaves an issue
    return (
        f"digest {period.month}: {outcome} {issue.ref} "
        f"({done.report.postmortem_count} post-mortem(s); requests: {requests.summary()})"
        + "".join(f"; warning: {warning}" for warning in done.warnings)
    )
