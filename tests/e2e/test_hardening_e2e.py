"""Issue #16 on the sandbox: what an attacker, a careless colleague and a crash could do
to pmsync, each reproduced as it was found and now held off."""

from __future__ import annotations

import pytest
from support.sandbox_pmsync import BODY, Site

from pmsync.core.domain import markers
from pmsync.core.planning import plan as plan_module
from pmsync_sandbox.runner import Sandbox

START = "2026-11-20 14:02 UTC"


@pytest.fixture
def site(sandbox: Sandbox) -> Site:
    return Site(sandbox)


@pytest.mark.parametrize("start", ["0001-01-01 00:00 UTC", "9999-12-31 23:00 -01:00"])
def test_a_date_out_of_range_is_feedback_and_the_others_are_synced(site: Site, start: str) -> None:
    broken = site.open("alice", BODY.replace(START, start))
    fine = site.open("alice")
    session = site.run()
    assert session.finish() == 0
    assert len(site.tickets(fine)) == 4 and site.tickets(broken) == {}
    (feedback,) = site.bot_comments(broken, markers.FEEDBACK)
    assert "outside the years 1970–2199" in feedback


def test_an_unexpected_error_on_one_postmortem_leaves_the_others_synced(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = site.open("alice")
    second = site.open("alice")
    real = plan_module.plan

    def plan_failing_on_first(observed, parsed, ctx):  # type: ignore[no-untyped-def]
        if observed.issue.number == first:
            raise OverflowError("date value out of range")
        return real(observed, parsed, ctx)

    monkeypatch.setattr("pmsync.orchestration.reconcile.plan", plan_failing_on_first)
    session = site.run()
    assert session.finish() == 1  # the run still says something failed
    assert [f for f in session.record.failures if f.startswith(f"acme/payments#{first}:")]
    assert "OverflowError" in session.record.failures[0]
    assert len(site.tickets(second)) == 4
