"""The worker pool through the CLI: a dead worker blocks its photo, the run goes on and the
lock is released; workers stop when the main process is killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fotopoort import faults

from .conftest import REPO, Cli
from .test_publish import _RUNNER, camp, school

__all__ = ["school"]


def test_a_worker_killed_mid_photo_blocks_that_photo_and_the_run_goes_on(
    school: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = camp(tmp_path / "kamp")
    monkeypatch.setenv(faults.ENV, "analyse@daan.png:kill")  # the OOM killer, every time
    result = school("check", root, "-c", "website", "--json", "-j", "2")
    assert result.exit_code == 1, result.output
    photos = {p["path"]: p for p in json.loads(result.stdout)["photos"]}
    assert photos["daan.png"]["decision"] == "blocked"
    assert "worker process analysing it stopped" in photos["daan.png"]["reasons"][0]["message"]
    assert photos["empty.png"]["decision"] == "allowed"
    assert photos["noah.png"]["decision"] == "blocked"
    monkeypatch.delenv(faults.ENV)
    # the lock is free at once, and the photo is analysed again next time (not cached)
    again = school("--wait", "0", "check", root, "-c", "website", "--json", "-j", "1")
    photos = {p["path"]: p for p in json.loads(again.stdout)["photos"]}
    assert photos["daan.png"]["decision"] == "allowed"


def _workers_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_stop_when_the_main_process_is_killed(school: Cli, tmp_path: Path) -> None:
    root = camp(tmp_path / "kamp")
    env = {**os.environ, faults.ENV: "analyse:hang", "PYTHONPATH": str(REPO)}
    args = ["--config", str(school.config), "check", str(root), "-c", "website", "-j", "2"]
    proc = subprocess.Popen([sys.executable, "-c", _RUNNER, *args], env=env)
    try:
        deadline = time.monotonic() + 60
        while len(workers := _workers_of(proc.pid)) < 2:
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 5
    while any(_alive(w) for w in workers):
        assert time.monotonic() < deadline, f"workers {workers} outlived the main process"
        time.sleep(0.1)
