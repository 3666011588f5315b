"""A long video is analysed in segments, kept until the video is done: an interrupted run goes
on from the last finished segment and gets the analysis an uninterrupted run gets; a track
across a segment's border is one track; the encodings kept go when the video is done, and none
are kept with nobody enrolled; the progress line says where in the video the analysis is.

Real small videos (tests/videos.py) and the real engine, with `video.segment_seconds: 2`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest

from fotopoort import faults
from fotopoort.config import template_text
from fotopoort.engines.faces import DlibEngine

from .conftest import DEMO, REPO, Cli
from .test_video import NOAH, daan_walking, school
from .videos import Appearance, write_video

pytestmark = pytest.mark.engine

__all__ = ["school"]  # the module-scoped fixture of test_video: the demo school, enrolled

DAAN = "0100231"
NOAH_NR = "0100733"


def film(path: Path) -> Path:
    """8 s, segments of 2 s: Daan walks across the whole video (every border), Noah is on
    screen from 3.2 to 4.8 s (across the border at 4 s)."""
    noah = Appearance(NOAH, 3.2, 4.8, (260, 100), side=200)
    return write_video(path, [daan_walking(8.0), noah], seconds=8, fps=10)


@contextmanager
def segments_of(cli: Cli, seconds: int) -> Iterator[None]:
    """Segments of `seconds`, and no cached analysis: the videos here are the same bytes."""
    forget_analyses(cli)
    policy = cli.config.read_text(encoding="utf-8")
    cli.config.write_text(
        policy.replace("segment_seconds: 30", f"segment_seconds: {seconds}"), encoding="utf-8"
    )
    try:
        yield
    finally:
        cli.config.write_text(policy, encoding="utf-8")


@contextmanager
def hook(func: Any) -> Iterator[None]:
    faults.hook = func
    try:
        yield
    finally:
        faults.hook = None


def kept(cli: Cli) -> list[tuple[int, int]]:
    """The segments kept: (index, bytes of encodings)."""
    with closing(sqlite3.connect(cli.workdir / "fotopoort.db")) as conn:
        rows = conn.execute(
            "SELECT segment, length(encodings) FROM video_segments ORDER BY segment"
        ).fetchall()
    return [(int(a), int(b)) for a, b in rows]


def forget_analyses(cli: Cli) -> None:
    with closing(sqlite3.connect(cli.workdir / "fotopoort.db")) as conn:
        conn.execute("DELETE FROM analyses")
        conn.commit()


def check(cli: Cli, path: Path, *more: str) -> dict[str, Any]:
    result = cli("check", path, "-c", "website", "--json", *more)
    assert result.exit_code in (0, 1), result.output
    [photo] = json.loads(result.stdout)["photos"]
    assert isinstance(photo, dict)
    return photo


def crash_at(detail: str, seen: list[str]) -> Any:
    def at(name: str, where: str) -> None:
        if name == "segment":
            seen.append(where)
            if where == detail:
                raise faults.InjectedCrash(where)

    return at


def test_an_interrupted_video_goes_on_from_the_last_segment_with_the_same_analysis(
    school: Cli, tmp_path: Path
) -> None:
    video = film(tmp_path / "kamp.mp4")
    with segments_of(school, 2):
        seen: list[str] = []
        with hook(crash_at("kamp.mp4#2", seen)), pytest.raises(faults.InjectedCrash):
            check(school, video, "-j", "1")  # Ctrl-C, or any crash, in segment 2
        assert seen == ["kamp.mp4#0", "kamp.mp4#1", "kamp.mp4#2"]
        # segments 0 and 1 are kept, with the encodings the tracks will be built from
        assert [i for i, _ in kept(school)] == [0, 1]
        assert all(size > 0 and size % 1024 == 0 for _, size in kept(school))

        seen.clear()
        with hook(crash_at("", seen)):
            resumed = check(school, video, "-j", "1")
        assert seen == ["kamp.mp4#2", "kamp.mp4#3"]  # from where it stopped
        assert kept(school) == []  # done: no encoding of a face in it is kept

        forget_analyses(school)
        whole = check(school, video, "-j", "2")  # uninterrupted, two segments at a time
        assert kept(school) == []
    assert resumed == whole
    assert resumed["decision"] == "blocked"
    # one track each, across the borders at 2, 4 and 6 s
    by_child = {f["child"]: f for f in resumed["faces"]}
    assert sorted(by_child) == [DAAN, NOAH_NR], resumed["faces"]
    assert len(resumed["faces"]) == 2, resumed["faces"]
    assert by_child[DAAN]["start"] == 0.0 and by_child[DAAN]["end"] >= 7.0
    assert by_child[NOAH_NR]["start"] < 4.0 < by_child[NOAH_NR]["end"]
    assert all(f["status"] == "identified" for f in resumed["faces"])


def test_a_video_that_changed_between_runs_starts_over(school: Cli, tmp_path: Path) -> None:
    path = tmp_path / "musical.mp4"
    film(path)
    with segments_of(school, 2):
        seen: list[str] = []
        with hook(crash_at("musical.mp4#2", seen)), pytest.raises(faults.InjectedCrash):
            check(school, path, "-j", "1")
        assert [i for i, _ in kept(school)] == [0, 1]
        write_video(path, [daan_walking(8.0)], seconds=8, fps=10)  # Noah cut out
        seen.clear()
        with hook(crash_at("", seen)):
            got = check(school, path, "-j", "1")
        assert seen == [f"musical.mp4#{i}" for i in range(4)]
        assert kept(school) == []
    assert got["decision"] == "allowed"
    assert [f["child"] for f in got["faces"]] == [DAAN]


_RUNNER = """
import sys
from rich.console import Console
from fotopoort.cli import app
from fotopoort.cli.base import Env
from fotopoort.engines.faces import DlibEngine
env = Env(engine_factory=DlibEngine, out=Console(), err=Console(stderr=True))
app(sys.argv[1:], obj=env)
"""


def test_a_killed_run_goes_on_from_the_last_segment_kept(school: Cli, tmp_path: Path) -> None:
    """SIGKILL (a NAS job stopped, a power cut) right after segment 1 was kept."""
    video = film(tmp_path / "les.mp4")
    with segments_of(school, 2):
        env = {**os.environ, faults.ENV: "segment-kept@les.mp4#1:kill", "PYTHONPATH": str(REPO)}
        args = ["--config", str(school.config), "check", str(video), "-c", "website", "-j", "1"]
        proc = subprocess.run([sys.executable, "-c", _RUNNER, *args], env=env, capture_output=True)
        assert proc.returncode == -9, proc.stderr
        assert [i for i, _ in kept(school)] == [0, 1]
        seen: list[str] = []
        with hook(crash_at("", seen)):
            got = check(school, video, "-j", "1")
        assert seen == ["les.mp4#2", "les.mp4#3"]
    assert sorted(f["child"] for f in got["faces"]) == [DAAN, NOAH_NR]


def test_with_nobody_enrolled_no_encoding_is_kept(tmp_path: Path) -> None:
    work = tmp_path / "school"
    work.mkdir()
    (work / "consents.yaml").write_text(
        template_text().replace("segment_seconds: 30", "segment_seconds: 2"), encoding="utf-8"
    )
    cli = Cli(work, DlibEngine)
    assert cli("consents", "import", DEMO / "privacyvoorkeuren.csv").exit_code == 0
    video = film(tmp_path / "kamp.mp4")
    seen: list[str] = []
    with hook(crash_at("kamp.mp4#2", seen)), pytest.raises(faults.InjectedCrash):
        check(cli, video, "-j", "1")
    assert kept(cli) == [(0, 0), (1, 0)]  # the boxes only
    got = check(cli, video, "-j", "1")
    assert got["decision"] == "review" and kept(cli) == []
    assert {f["status"] for f in got["faces"]} == {"unknown"}


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "checking: 0/1, video kamp.mp4 00:02 of 00:08 analysed, "),
        ("nl", "controleren: 0/1, video kamp.mp4 00:02 van 00:08 geanalyseerd, "),
    ],
)
def test_progress_shows_the_video_and_how_far_it_is(
    school: Cli, tmp_path: Path, lang: str, line: str
) -> None:
    video = film(tmp_path / "kamp.mp4")
    with segments_of(school, 2):
        result = school("--lang", lang, "check", video, "-c", "website", "-j", "1")
    lines = [x for x in result.stderr.splitlines() if "video kamp.mp4" in x]
    assert len(lines) == 3, result.stderr  # after segments 0, 1 and 2; the 4th ends the video
    assert lines[0].startswith(line), lines
    assert "00:06" in lines[2]


def test_segments_kept_go_when_a_child_is_forgotten_the_gallery_changes_or_after_a_week(
    tmp_path: Path,
) -> None:
    from datetime import UTC, datetime, timedelta

    from fotopoort.store import Store

    now = [datetime(2026, 12, 4, tzinfo=UTC)]
    store = Store(tmp_path / "fotopoort.db", clock=lambda: now[0])
    try:
        blob = bytes(1024)
        store.remember_segment("a" * 64, "gallery=1", 0, "/kamp/a.mp4", "{}", blob)
        store.remember_segment("b" * 64, "gallery=1", 0, "/kamp/b.mp4", "{}", blob)
        store.drop_stale_segments("gallery=2")  # someone was enrolled: another gallery
        assert store.video_segments("a" * 64, "gallery=1") == {}
        store.remember_segment("a" * 64, "gallery=2", 0, "/kamp/a.mp4", "{}", blob)
        now[0] += timedelta(days=6)
        store.drop_stale_segments("gallery=2")
        assert list(store.video_segments("a" * 64, "gallery=2")) == [0]
        now[0] += timedelta(days=2)
        store.drop_stale_segments("gallery=2")  # interrupted more than a week ago
        assert store.video_segments("a" * 64, "gallery=2") == {}
        store.remember_segment("a" * 64, "gallery=2", 0, "/kamp/a.mp4", "{}", blob)
        store.forget(DAAN)
        assert store.video_segments("a" * 64, "gallery=2") == {}
    finally:
        store.close()


def test_a_worker_killed_in_a_segment_blocks_the_video_and_the_next_run_finishes_it(
    school: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The OOM killer, every time segment 1 is analysed, with two workers: the video is blocked
    (a worker stopped), not cached; the segments finished are kept, and the next run, without
    the fault, analyses only what is left."""
    video = film(tmp_path / "zaal.mp4")
    with segments_of(school, 2):
        monkeypatch.setenv(faults.ENV, "segment@zaal.mp4#1:kill")
        held = check(school, video, "-j", "2")
        assert held["decision"] == "blocked"
        assert "worker process analysing it stopped" in held["reasons"][0]["message"]
        assert 1 not in [i for i, _ in kept(school)]
        monkeypatch.delenv(faults.ENV)
        before = {i for i, _ in kept(school)}
        seen: list[str] = []
        with hook(crash_at("", seen)):
            got = check(school, video, "-j", "1")
        assert sorted(seen) == [f"zaal.mp4#{i}" for i in range(4) if i not in before]
        assert "zaal.mp4#1" in seen
    assert sorted(f["child"] for f in got["faces"]) == [DAAN, NOAH_NR]


def test_a_video_rewritten_while_a_segment_is_analysed_is_blocked_and_not_kept(
    school: Cli, tmp_path: Path
) -> None:
    """Noah cut out of the file while segment 1 is analysed: what was decided must be the
    bytes hashed, so the video is blocked (changed while checked), nothing of it is cached or
    kept, and the next run analyses the new bytes from the start."""
    path = tmp_path / "toneel.mp4"
    film(path)
    other = write_video(tmp_path / "other.mp4", [daan_walking(8.0)], seconds=8, fps=10)

    def rewrite(name: str, where: str) -> None:
        if name == "segment" and where == "toneel.mp4#1":
            path.write_bytes(other.read_bytes())  # in place: same inode, new change time

    with segments_of(school, 2):
        with hook(rewrite):
            held = check(school, path, "-j", "1")
        assert held["decision"] == "blocked"
        assert held["reasons"][0]["code"] == "unreadable", held["reasons"]
        assert "changed while it was checked" in held["reasons"][0]["message"]
        assert kept(school) == []
        seen: list[str] = []
        with hook(crash_at("", seen)):
            got = check(school, path, "-j", "1")
        assert seen == [f"toneel.mp4#{i}" for i in range(4)]
    assert got["decision"] == "allowed"
    assert [f["child"] for f in got["faces"]] == [DAAN]
