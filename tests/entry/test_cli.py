from datetime import UTC, datetime

import pytest

from pmsync.entry.cli import main, parse_now


def test_now_without_zone_is_utc() -> None:
    assert parse_now("2026-12-08T09:00") == datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


def test_now_with_z_suffix() -> None:
    assert parse_now("2026-12-08T09:00:00Z") == datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


def test_version_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert "pmsync" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["no-such-command"])
    assert exc.value.code == 2


def test_a_closed_pipe_ends_quietly() -> None:
    # `pmsync validate … | head -c 1`: the reader is gone before pmsync writes (pmsync
    # takes far longer to start than we take to close the pipe), which must not end in
    # an "unexpected failure" line.
    import subprocess
    import sys

    child = subprocess.Popen(
        [sys.executable, "-m", "pmsync", "validate", "examples/postmortem.md"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=60) == 1
    assert "unexpected" not in stderr
    assert "Traceback" not in stderr
