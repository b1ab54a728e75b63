"""Repository labels on the sandbox: each one pmsync uses is created once, only if missing."""

from __future__ import annotations

from support.sandbox_pmsync import REPO, Site

from pmsync_sandbox.runner import Sandbox

LABELS_PATH = f"/repos/{REPO}/labels"


def repo_labels(sandbox: Sandbox) -> set[str]:
    return set(sandbox.state()["github"]["repos"][REPO]["labels"])


def label_requests(sandbox: Sandbox, method: str) -> int:
    return sum(
        1 for r in sandbox.requests("github") if (r["method"], r["path"]) == (method, LABELS_PATH)
    )


def test_each_missing_label_is_created_once_and_an_existing_one_costs_nothing(
    sandbox: Sandbox,
) -> None:
    site = Site(sandbox)
    for _ in range(4):  # alike, so they are also repeats of one another
        site.open("alice")
    before = repo_labels(sandbox)
    sandbox.clear_requests()

    for _ in range(3):
        site.run()

    made = repo_labels(sandbox) - before
    assert {"root-cause:capacity", "service:payments-db", "sev:2", "repeat-incident"} <= made
    assert label_requests(sandbox, "POST") == len(made)  # none exists already, none 422
    assert label_requests(sandbox, "GET") <= 3  # one listing per run at most

    sandbox.clear_requests()
    assert not site.run().record.summary.outcomes
    assert label_requests(sandbox, "GET") == label_requests(sandbox, "POST") == 0
