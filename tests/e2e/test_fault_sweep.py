"""The fault sweep: break pmsync at every request of a whole lifecycle, in every way, and
check that nothing is lost or made twice.

The lifecycle (tests/support/lifecycle.py) is played once without faults and its requests are
counted. Then for every pmsync request i of it and every fault — a 500, a 429 with
``Retry-After: 1``, a dropped connection, the process killed right after the request
succeeded — the step holding request i is played from the state the fault-free run had
before it, with the fault on its i-th request; a step that failed is run again until it
completes (as the next scheduled run or event would); and the end state is compared with
the fault-free one: the same tickets (one per item), the same comments (one status, one
feedback, one per milestone, one repeat, ...), labels, Ticket column and digest issue.

A step whose rerun leaves the sandbox in exactly the state the fault-free run had after
it needs no more playing: the rest of the script is a function of that state. Otherwise
the remaining steps are played and the end states compared as people see them (keys,
ids and times aside). Cases run in parallel, one sandbox per process.

    pytest -m sweep -s            # prints: faults injected: N, runs converged: N, ...
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from support.lifecycle import (
    FAULTS,
    START,
    Killed,
    Lifecycle,
    Outcome,
    Recording,
    Verdict,
    compare,
    inject,
    record,
    view,
)

from pmsync_sandbox.runner import Sandbox, running_sandbox

pytestmark = pytest.mark.sweep

# A failed step is run again at most this often; the fault is gone after the first run.
RERUNS = 3


@dataclass(frozen=True)
class Case:
    fault: str
    step: int  # index of the pmsync step in the script
    index: int  # the request within that step, 1-based
    cached: bool  # the syncs keep the local cache

    def __str__(self) -> str:
        mode = "with the cache" if self.cached else "without cache"
        return f"{self.fault} at request {self.index} of step {self.step} ({mode})"


@dataclass(frozen=True)
class Result:
    case: Case
    injected: bool  # the fault fired (the sandbox's fault, or the kill)
    reruns: int
    verdict: Verdict


def cases(recording: Recording, cached: bool) -> list[Case]:
    return [
        Case(fault, step, index, cached)
        for step, count in enumerate(recording.requests)
        for index in range(1, count + 1)
        for fault in FAULTS
    ]


def lifecycle_for(sandbox: Sandbox, folder: Path, cached: bool) -> Lifecycle:
    """The script as the scheduled workflow runs it (with the cache, kept longer than a
    day since the script's syncs are days apart) or as a fresh runner does (without)."""
    if not cached:
        return Lifecycle(sandbox)
    return Lifecycle(sandbox, cache=folder / "cache", cache_age=timedelta(days=60))


def run_case(lifecycle: Lifecycle, recording: Recording, case: Case) -> Result:
    sandbox = lifecycle.sandbox
    lifecycle.go_back(recording.before[case.step])
    sandbox.clear_faults()
    requests = inject(sandbox, case.fault, case.index)
    try:
        outcome = lifecycle.play(case.step, requests)
        killed = False
    except Killed:
        outcome, killed = Outcome(False, "killed"), True
    injected = killed if case.fault == "killed" else any(f["fired"] for f in sandbox.faults())
    sandbox.clear_faults()
    reruns = 0
    while not outcome.ok and reruns < RERUNS:
        reruns += 1
        outcome = lifecycle.play(case.step)
    if not outcome.ok:
        failed = Verdict(False, 0, 0, (f"the step still fails: {outcome.detail}",))
        return Result(case, injected, reruns, failed)
    if lifecycle.moment() == recording.after[case.step]:
        return Result(case, injected, reruns, Verdict(True, 0, 0, ()))
    for later in range(case.step + 1, len(lifecycle.steps)):
        outcome = lifecycle.play(later)
        if not outcome.ok:
            failed = Verdict(False, 0, 0, (f"step {later} failed afterwards: {outcome.detail}",))
            return Result(case, injected, reruns, failed)
    expected = view(recording.final, sandbox.url)
    return Result(case, injected, reruns, compare(expected, view(sandbox.state(), sandbox.url)))


# -- one sandbox per worker process --------------------------------------------------------

_WORKER: dict[bool, tuple[Lifecycle, Recording]] = {}
_KEEP: list[ExitStack] = []  # the worker's sandbox and folder, for the life of the process


def _start_worker(counts: dict[bool, tuple[int, ...]]) -> None:
    # Failures are the point here, and the results say what went wrong: keep the log and
    # the runs' closing lines out of the test output.
    logging.disable(logging.CRITICAL)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (for the life of the process)
    stack = ExitStack()
    sandbox = stack.enter_context(running_sandbox(now=START))
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
    for cached, expected in counts.items():
        lifecycle = lifecycle_for(sandbox, folder, cached)
        recording = record(lifecycle)
        if recording.requests != expected:
            raise RuntimeError(f"this process counted {recording.requests}, the first {expected}")
        _WORKER[cached] = (lifecycle, recording)
    _KEEP.append(stack)


def _run_in_worker(case: Case) -> Result:
    lifecycle, recording = _WORKER[case.cached]
    return run_case(lifecycle, recording, case)


def workers() -> int:
    return int(os.environ.get("PMSYNC_SWEEP_WORKERS") or os.cpu_count() or 2)


def sweep(recordings: dict[bool, Recording], todo: list[Case]) -> list[Result]:
    context = multiprocessing.get_context("spawn")  # never fork a process serving a sandbox
    counts = {cached: recording.requests for cached, recording in recordings.items()}
    with ProcessPoolExecutor(
        workers(), mp_context=context, initializer=_start_worker, initargs=(counts,)
    ) as pool:
        return list(pool.map(_run_in_worker, todo, chunksize=4))


def summary(results: list[Result]) -> str:
    injected = [r for r in results if r.injected]
    converged = sum(1 for r in injected if r.verdict.converged)
    duplicates = sum(r.verdict.duplicates for r in results)
    lost = sum(r.verdict.lost for r in results)
    return (
        f"faults injected: {len(injected)}, runs converged: {converged}, "
        f"duplicates: {duplicates}, lost: {lost}"
    )


def test_every_fault_at_every_request_converges(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recordings = {}
    for cached in (False, True):
        lifecycle = lifecycle_for(sandbox, tmp_path, cached)
        recordings[cached] = record(lifecycle)
        lifecycle.people.close()
    # The script reaches the once-only comments whose record is their own marker: reviews,
    # nudges, reminders before a due date, closing.
    repos = recordings[False].final["github"]["repos"].values()
    bodies = [c["body"] for repo in repos for c in repo["comments"].values()]
    for kind in ("followup", "nudge", "reminder", "closing"):
        assert any(body.startswith(f"<!-- pmsync:{kind}") for body in bodies), kind
    # ... and the shipped-evidence search, finding a change and finding none.
    for words in ("shipped in [", "done in Jira, no change found"):
        assert any(words in body for body in bodies), words
    todo = [case for cached, rec in recordings.items() for case in cases(rec, cached)]
    results = sweep(recordings, todo)
    line = summary(results)
    with capsys.disabled():
        for cached, rec in recordings.items():
            runs = sum(1 for count in rec.requests if count)
            mine = [r for r in results if r.case.cached == cached]
            print(
                f"\nfault sweep {'with' if cached else 'without'} the cache: {runs} pmsync runs, "
                f"{sum(rec.requests)} requests, {len(FAULTS)} faults each "
                f"({', '.join(FAULTS)}): {summary(mine)}"
            )
        print(f"({workers()} processes)\n{line}")
    not_injected = [str(r.case) for r in results if not r.injected]
    assert not not_injected, f"faults that never fired: {not_injected[:10]}"
    bad = [r for r in results if not r.verdict.converged or r.verdict.duplicates or r.verdict.lost]
    details = "\n".join(f"{r.case}: {'; '.join(r.verdict.differences)}" for r in bad[:10])
    assert not bad, f"{len(bad)} of {len(results)} runs did not converge:\n{details}"
    assert line == (
        f"faults injected: {len(todo)}, runs converged: {len(todo)}, duplicates: 0, lost: 0"
    )
