"""`pmsync worker`: jobs on a schedule that survive failures and stop cleanly.

The first tests drive ``Worker`` with small jobs (intervals of a second). The last ones run
the real command against the sandbox, in this process (``--once``) and as a separate
process that receives SIGTERM.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from github import Github
from support.sandbox_pmsync import use_sandbox

from pmsync.config.redact import Redactor
from pmsync.config.schema import Config
from pmsync.config.settings import Settings
from pmsync.entry import report_job as report_job_module
from pmsync.entry.cli import main
from pmsync.entry.worker import Job, JobResult, Worker, moving_clock, report_job
from pmsync_sandbox.runner import Sandbox

REPO = "acme/payments"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "postmortem.md"
SECOND = timedelta(seconds=1)


def job(name: str, run: Callable[[], JobResult], every: timedelta = SECOND) -> Job:
    return Job(name=name, every=every, run=run)


class Script:
    """A job body that follows a script: raise, succeed, or call back, one step per run."""

    def __init__(self, *steps: object) -> None:
        self.steps = list(steps)
        self.runs = 0

    def __call__(self) -> JobResult:
        step = self.steps[min(self.runs, len(self.steps) - 1)]
        self.runs += 1
        if isinstance(step, Exception):
            raise step
        if callable(step):
            step()
            return JobResult(summary=f"run {self.runs} called back")
        return JobResult(summary=str(step))


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="pmsync.entry.worker")
    return caplog


# --- the worker itself ---------------------------------------------------------------------------


def test_once_runs_every_job_and_a_failure_does_not_stop_the_others(
    logs: pytest.LogCaptureFixture,
) -> None:
    failing, fine = Script(RuntimeError("GitHub is down")), Script("2 post-mortem(s) synced")
    worker = Worker([job("sync", failing), job("report", fine)])
    assert worker.run_once() is False
    assert (failing.runs, fine.runs) == (1, 1)
    assert "sync failed after" in logs.text and "GitHub is down" in logs.text
    assert "it runs again at its next turn" in logs.text
    assert "report: 2 post-mortem(s) synced" in logs.text


def test_a_partly_failed_run_is_a_warning_and_fails_once() -> None:
    partial = Worker([job("sync", lambda: JobResult(summary="1 failed", ok=False))])
    assert partial.run_once() is False
    assert Worker([job("sync", Script("fine"))]).run_once() is True


def test_the_worker_survives_a_failing_run_and_runs_again_on_schedule(
    logs: pytest.LogCaptureFixture,
) -> None:
    worker = Worker([])
    script = Script(RuntimeError("boom"), "recovered", worker.stop)
    worker.jobs = (job("sync", script),)
    started = time.monotonic()
    worker.run_forever()
    assert script.runs == 3
    assert time.monotonic() - started < 10
    messages = [r.getMessage() for r in logs.records]
    assert any("sync failed after" in m and "boom" in m for m in messages)
    assert any(m.startswith("sync: recovered (") for m in messages)
    assert messages[-1] == "worker stopped"


def test_sigterm_stops_the_worker_after_the_job_that_is_running() -> None:
    finished: list[str] = []

    def long_job() -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.2)  # the signal arrives while the job still works
        finished.append("sync")

    sync, other = Script(long_job), Script("should not run")
    worker = Worker([job("sync", sync), job("report", other)])
    before = signal.getsignal(signal.SIGTERM)
    with worker.signals():
        worker.run_forever()
    assert finished == ["sync"] and sync.runs == 1
    assert other.runs == 0  # stopping between jobs: the next one never starts
    assert signal.getsignal(signal.SIGTERM) == before


def test_ctrl_c_stops_after_the_job_and_a_second_one_interrupts_at_once() -> None:
    def interrupted_twice() -> None:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.1)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)

    worker = Worker([job("sync", Script(interrupted_twice))])
    # Compare with the handler found, not Python's default: a process started in the
    # background (nohup, `cmd &` in a script, some CI runners) begins with SIGINT ignored.
    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt), worker.signals():
        worker.run_forever()
    assert worker.stopping
    assert signal.getsignal(signal.SIGINT) == before


def test_a_signal_while_waiting_stops_the_worker_at_once(logs: pytest.LogCaptureFixture) -> None:
    hourly = Script("0 post-mortem(s) synced")
    worker = Worker([job("sync", hourly, every=timedelta(hours=1))])
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM))
    started = time.monotonic()
    timer.start()
    with worker.signals():
        worker.run_forever()
    assert time.monotonic() - started < 5
    assert hourly.runs == 1
    assert "sync: every 60 minutes" in logs.text


def test_the_clock_starts_at_now_and_moves_on() -> None:
    ticks = iter([100.0, 100.0, 160.5])
    now = moving_clock(datetime(2026, 12, 8, 9, 0, tzinfo=UTC), clock=lambda: next(ticks))
    assert now() == datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    assert now() == datetime(2026, 12, 8, 9, 1, 0, 500000, tzinfo=UTC)


def test_the_report_job_publishes_the_digest_on_its_own_schedule(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[list[str], datetime, Redactor | None]] = []

    def publish(
        settings: Settings,
        config: Config,
        repos: list[str],
        now: datetime,
        redactor: Redactor | None = None,
    ) -> str:
        calls.append((repos, now, redactor))
        return "digest for December updated"

    monkeypatch.setattr(report_job_module, "run", publish)
    config = Config.model_validate({"worker": {"report_every_minutes": 720}})
    moment, masks = datetime(2026, 12, 8, tzinfo=UTC), Redactor()
    job = report_job(Settings(), config, [REPO], lambda: moment, redactor=masks)
    assert job.name == "report" and job.every == timedelta(hours=12)
    assert job.run() == JobResult(summary="digest for December updated")
    assert calls == [([REPO], moment, masks)]


# --- the command, on the sandbox -----------------------------------------------------------------


@pytest.fixture
def environment(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    return use_sandbox(sandbox, monkeypatch)


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "pmsync.yml"
    path.write_text(
        f"github:\n  repositories: [{REPO}]\n  throttle: false\nworker:\n  sync_every_minutes: 5\n",
        encoding="utf-8",
    )
    return path


def test_worker_once_syncs_and_logs_what_it_did(
    environment: dict[str, str],
    config_file: Path,
    github_client: Github,
    logs: pytest.LogCaptureFixture,
) -> None:
    body = EXAMPLE.read_text(encoding="utf-8")
    github_client.get_repo(REPO).create_issue("Pool exhausted", body=body, labels=["postmortem"])
    once = ["worker", "--once", "--config", str(config_file), "--now", "2026-12-01T09:00:00Z"]
    assert main(once) == 0
    (line,) = [r.getMessage() for r in logs.records if r.getMessage().startswith("sync: ")]
    assert "1 post-mortem(s) synced, 1 comment(s) written, 4 ticket(s) created" in line
    assert "requests: github: " in line and "jira: " in line
    assert line.endswith("s)")  # the duration
    logs.clear()
    assert main(once) == 0
    (line,) = [r.getMessage() for r in logs.records if r.getMessage().startswith("sync: ")]
    assert "1 post-mortem(s) synced, 0 comment(s) written, 0 ticket(s) created" in line


def test_worker_once_exits_non_zero_when_the_sync_fails(
    environment: dict[str, str],
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    logs: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "not-a-valid-token")
    assert main(["worker", "--once", "--config", str(config_file)]) == 1
    assert "sync failed after" in logs.text
    assert "not-a-valid-token" not in logs.text + capsys.readouterr().err


def test_worker_without_credentials_stops_before_the_first_run(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["worker", "--config", str(config_file)]) != 0
    assert "GITHUB_TOKEN" in capsys.readouterr().err


def test_worker_process_keeps_running_after_failures_and_stops_on_sigterm(
    sandbox: Sandbox, environment: dict[str, str], config_file: Path, tmp_path: Path
) -> None:
    env = {**os.environ, **environment, "GITHUB_TOKEN": "not-a-valid-token"}
    env.pop("PYTEST_CURRENT_TEST", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "pmsync", "worker", "--config", str(config_file)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        seen = []
        for line in process.stdout:
            seen.append(line)
            if "sync failed after" in line:
                break
        time.sleep(0.3)
        assert process.poll() is None, "".join(seen)  # still running after a failed sync
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    text = "".join(seen) + output
    assert process.returncode == 0, text
    assert "SIGTERM: stopping after the current job" in text
    assert "worker stopped" in text
    assert "Traceback" not in text and "not-a-valid-token" not in text
