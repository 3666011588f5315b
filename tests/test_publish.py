"""The copy is the decision: what lands in OUT/<channel>/allowed/ is content decided allowed.

Races are injected deterministically through fotopoort.faults (a hook at the moment before a
photo is copied); crashes through FOTOPOORT_FAULT at every phase of a sort.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fotopoort import faults

from .conftest import REPO, Cli
from .fakes import make_photo
from .test_cli_check import COLOURS, DAAN, NOAH, school

__all__ = ["school"]  # the fixture, imported so that pytest finds it here

DECEMBER = "privacyvoorkeuren-december.csv"  # Daan's website consent withdrawn


@pytest.fixture
def hook() -> Iterator[Callable[[Callable[[str, str], None]], None]]:
    def install(func: Callable[[str, str], None]) -> None:
        faults.hook = func

    yield install
    faults.hook = None


def camp(root: Path) -> Path:
    make_photo(root / "daan.png", [(COLOURS[DAAN], 10)])
    make_photo(root / "noah.png", [(COLOURS[NOAH], 10)])
    make_photo(root / "empty.png", [])
    return root


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def allowed(out: Path, channel: str = "website") -> dict[str, str]:
    folder = out / channel / "allowed"
    return {
        p.relative_to(folder).as_posix(): sha(p) for p in sorted(folder.rglob("*")) if p.is_file()
    }


def report(out: Path, channel: str = "website") -> dict[str, str]:
    doc = json.loads((out / "report.json").read_text())
    (ch,) = [c for c in doc["channels"] if c["channel"] == channel]
    return {p["path"]: p["decision"] for p in ch["photos"]}


def test_photo_replaced_between_analysis_and_copy_never_reaches_allowed(
    school: Cli, tmp_path: Path, hook: Callable[[Callable[[str, str], None]], None]
) -> None:
    root = camp(tmp_path / "kamp")
    noah = (root / "noah.png").read_bytes()

    def swap(point: str, detail: str) -> None:
        if point == "copy" and detail == "daan.png":
            (root / "daan.png").write_bytes(noah)  # a sync client rewrites it mid-run

    hook(swap)
    out = tmp_path / "out"
    result = school("sort", root, "--out", out, "-c", "website")
    assert result.exit_code == 1
    assert "daan.png" not in allowed(out)
    assert report(out)["daan.png"] == "blocked"
    assert all(v != sha(root / "noah.png") for v in allowed(out).values())
    assert school("verify", out).exit_code == 0
    # the next run judges the new content: Noah has no website consent
    faults.hook = None
    school("sort", root, "--out", out, "-c", "website")
    assert report(out)["daan.png"] == "blocked" and "daan.png" not in allowed(out)


def test_link_retargeted_during_the_run_is_not_copied(
    school: Cli, tmp_path: Path, hook: Callable[[Callable[[str, str], None]], None]
) -> None:
    root = camp(tmp_path / "kamp")
    outside = make_photo(tmp_path / "private" / "noah.png", [(COLOURS[NOAH], 10)])
    (root / "link.png").symlink_to(root / "daan.png")

    def retarget(point: str, detail: str) -> None:
        if point == "copy" and detail == "link.png":
            (root / "link.png").unlink()
            (root / "link.png").symlink_to(outside)

    hook(retarget)
    out = tmp_path / "out"
    assert school("sort", root, "--out", out, "-c", "website").exit_code == 1
    assert "link.png" not in allowed(out)
    assert report(out)["link.png"] == "blocked"
    assert sha(outside) not in allowed(out).values()


def _same_size(a: Path, b: Path) -> None:
    """Pad the smaller PNG with trailing bytes (ignored by decoders) to the other's size."""
    sa, sb = a.stat().st_size, b.stat().st_size
    small = a if sa < sb else b
    with small.open("ab") as fh:
        fh.write(b"\0" * abs(sa - sb))


def test_rewrite_with_same_size_and_mtime_is_seen(school: Cli, tmp_path: Path) -> None:
    root = camp(tmp_path / "kamp")
    noah = make_photo(tmp_path / "noah_new.png", [(COLOURS[NOAH], 10)])
    _same_size(root / "daan.png", noah)
    out = tmp_path / "out"
    assert school("check", root / "daan.png", "-c", "website").exit_code == 0
    assert school("sort", root, "--out", out, "-c", "website").exit_code == 1  # Noah: blocked
    st = (root / "daan.png").stat()
    inode = st.st_ino
    with (root / "daan.png").open("r+b") as fh:  # in place: same inode, same size
        fh.write(noah.read_bytes())
    os.utime(root / "daan.png", ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (root / "daan.png").stat().st_ino == inode
    assert school("check", root / "daan.png", "-c", "website").exit_code == 1
    school("sort", root, "--out", out, "-c", "website")
    assert "daan.png" not in allowed(out)


def test_copy_is_renewed_when_the_source_changed_with_same_size_and_mtime(
    school: Cli, tmp_path: Path
) -> None:
    root = camp(tmp_path / "kamp")
    empty_too = make_photo(tmp_path / "empty2.png", [], size=(400, 201))  # allowed, no faces
    _same_size(root / "empty.png", empty_too)
    out = tmp_path / "out"
    school("sort", root, "--out", out, "-c", "website")
    st = (root / "empty.png").stat()
    (root / "empty.png").write_bytes(empty_too.read_bytes())
    os.utime(root / "empty.png", ns=(st.st_atime_ns, st.st_mtime_ns))
    school("sort", root, "--out", out, "-c", "website")
    assert allowed(out)["empty.png"] == sha(root / "empty.png")
    assert school("verify", out).exit_code == 0


def test_a_very_long_name_does_not_stop_sort_and_withdrawals_come_down(
    school: Cli, shared: Path, tmp_path: Path
) -> None:
    root = camp(tmp_path / "kamp")
    long_name = "Kampvuur_" + "x" * 242 + ".png"  # 255 bytes, the most a name may have
    (root / long_name).write_bytes((root / "empty.png").read_bytes())
    out = tmp_path / "out"
    result = school("sort", root, "--out", out, "-c", "website")
    assert result.exit_code == 1, result.output  # Noah is blocked; nothing crashed
    assert {"daan.png", "empty.png", long_name} <= set(allowed(out))
    assert school("consents", "import", shared / "demo" / DECEMBER).exit_code == 0
    school("sort", root, "--out", out, "-c", "website")
    assert "daan.png" not in allowed(out)
    assert not list(out.glob(".fotopoort-tmp/*"))


def test_verify_lists_every_file_that_is_not_decided_allowed(
    school: Cli, shared: Path, tmp_path: Path
) -> None:
    root = camp(tmp_path / "kamp")
    out = tmp_path / "out"
    school("sort", root, "--out", out)
    ok = school("verify", out)
    assert ok.exit_code == 0, ok.output
    assert school("verify", out, "--channel", "website").exit_code == 0
    make_photo(out / "website" / "allowed" / "extra.png", [(COLOURS[NOAH], 50)])
    (out / "website" / "allowed" / "noah.png").write_bytes((root / "noah.png").read_bytes())
    bad = school("verify", out, "-c", "website")
    assert bad.exit_code == 1
    assert "website/allowed/extra.png: content fotopoort never decided" in bad.output
    assert "website/allowed/noah.png: not allowed under the current" in bad.output
    (out / "website" / "allowed" / "extra.png").unlink()
    (out / "website" / "allowed" / "noah.png").unlink()
    # a withdrawal imported, nothing sorted since: the copy of Daan may not go out
    school("consents", "import", shared / "demo" / DECEMBER)
    stale = school("verify", out, "-c", "website")
    assert stale.exit_code == 1 and "website/allowed/daan.png" in stale.output
    assert "older consent export" in stale.output
    school("recheck")
    after = school("verify", out, "-c", "website")
    assert after.exit_code == 1 and "not allowed under the current consent export" in after.output
    school("sort", root, "--out", out)
    assert school("verify", out).exit_code == 0
    assert school("verify", tmp_path / "nope").exit_code == 2
    assert school("verify", out, "-c", "nope").exit_code == 2


# --- crashes ----------------------------------------------------------------------------------

PHASES = ["decided", "recorded", "taken-down", "copy", "rename", "copied", "reported", "settled"]


def take_down_list(school: Cli) -> set[str]:
    result = school("recheck", "--json", "-c", "website")
    return {Path(e["path"]).name for e in json.loads(result.stdout)["take_down"]}


def assert_invariant(school: Cli, out: Path, root: Path, settled: bool) -> None:
    """Every file in allowed/ is decided allowed now, or its photo is on the take-down list."""
    to_take_down = take_down_list(school)  # recheck: every decision under the current export
    verdict = school("verify", out, "-c", "website")
    bad = {
        line.split("website/allowed/")[1].split(":")[0]
        for line in verdict.stdout.splitlines()
        if line.startswith("not allowed:")
    }
    assert bad <= to_take_down, verdict.output
    # report.json never calls a photo allowed whose copy is not there
    doc = json.loads((out / "report.json").read_text()) if (out / "report.json").exists() else {}
    for ch in doc.get("channels", []):
        for photo in ch["photos"]:
            if photo["decision"] == "allowed":
                assert (out / ch["channel"] / "allowed" / photo["path"]).is_file(), photo
    if settled:
        assert verdict.exit_code == 0, verdict.output
        assert set(allowed(out)) == {"empty.png", "liam.png"}
        # OUT's copy is gone, but one uploaded before the withdrawal may still be out there:
        # the photo stays on the take-down list until a person says it is down
        assert to_take_down == {"daan.png"}
        assert school("recheck", "--done", root / "daan.png").exit_code == 0
        assert not take_down_list(school)


@pytest.mark.parametrize("phase", PHASES)
def test_sort_interrupted_at_any_phase_keeps_the_invariant(
    school: Cli, shared: Path, tmp_path: Path, phase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = camp(tmp_path / "kamp")
    make_photo(root / "liam.png", [(COLOURS["0101022"], 10)])
    out = tmp_path / "out"
    school("sort", root, "--out", out, "-c", "website")
    assert {"daan.png", "empty.png", "liam.png"} <= set(allowed(out))
    school("consents", "import", shared / "demo" / DECEMBER)  # Daan: no longer on the website
    monkeypatch.setenv(faults.ENV, phase)
    with pytest.raises(faults.InjectedCrash):
        school("sort", root, "--out", out, "-c", "website")
    monkeypatch.delenv(faults.ENV)
    assert_invariant(school, out, root, settled=False)
    school("sort", root, "--out", out, "-c", "website")
    assert_invariant(school, out, root, settled=True)


_RUNNER = """
import sys
from rich.console import Console
from fotopoort.cli import Env, app
from tests.fakes import FakeEngine
env = Env(engine_factory=FakeEngine, out=Console(), err=Console(stderr=True))
app(sys.argv[1:], obj=env)
"""


@pytest.mark.parametrize("phase", ["recorded", "copy", "reported"])
def test_sort_killed_at_a_phase_keeps_the_invariant(
    school: Cli, shared: Path, tmp_path: Path, phase: str
) -> None:
    root = camp(tmp_path / "kamp")
    make_photo(root / "liam.png", [(COLOURS["0101022"], 10)])
    out = tmp_path / "out"
    school("sort", root, "--out", out, "-c", "website")
    school("consents", "import", shared / "demo" / DECEMBER)
    env = {**os.environ, faults.ENV: f"{phase}:kill", "PYTHONPATH": str(REPO)}
    args = ["--config", str(school.config), "sort", str(root), "--out", str(out), "-c", "website"]
    proc = subprocess.run(
        [sys.executable, "-c", _RUNNER, *args, "-j", "1"], env=env, capture_output=True
    )
    assert proc.returncode == -9, proc.stderr
    assert_invariant(school, out, root, settled=False)
    school("sort", root, "--out", out, "-c", "website")
    assert_invariant(school, out, root, settled=True)


def test_links_planted_in_allowed_are_replaced_by_copies(school: Cli, tmp_path: Path) -> None:
    root = camp(tmp_path / "kamp")
    out = tmp_path / "out"
    school("sort", root, "--out", out, "-c", "website")
    folder = out / "website" / "allowed"
    (folder / "empty.png").unlink()
    os.link(root / "empty.png", folder / "empty.png")  # would change with the original
    (folder / "daan.png").unlink()
    (folder / "daan.png").symlink_to(root / "daan.png")
    (folder / "planted.png").symlink_to(root / "noah.png")
    assert school("verify", out).exit_code == 1  # the links are not copies
    school("sort", root, "--out", out, "-c", "website")
    assert not (folder / "planted.png").exists() and not (folder / "planted.png").is_symlink()
    for name in ("empty.png", "daan.png"):
        st = (folder / name).lstat()
        assert not (folder / name).is_symlink() and st.st_nlink == 1
    assert school("verify", out).exit_code == 0
