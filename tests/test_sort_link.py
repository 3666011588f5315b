"""sort --link: hard links instead of full copies where the copy needs no change, a full copy
where OUT cannot link (another file system), and an edited original (which edits its link) is
found by verify and recheck."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from .conftest import Cli
from .fakes import make_photo
from .test_cli_check import COLOURS, DAAN, NOAH, school
from .test_sort_derived import sha

__all__ = ["school"]  # the fixture, used by name


def kamp(root: Path) -> Path:
    make_photo(root / "daan.png", [(COLOURS[DAAN], 10)])  # allowed everywhere (September)
    make_photo(root / "noah.png", [(COLOURS[NOAH], 10)])  # blocked everywhere
    return root


def test_copies_that_need_no_change_are_hard_links(school: Cli, tmp_path: Path) -> None:
    root = kamp(tmp_path / "kamp")
    out = tmp_path / "out"
    result = school("sort", root, "--out", out, "--link", "-c", "portfolio", "-c", "website")
    assert result.exit_code == 1, result.output
    allowed = out / "portfolio" / "allowed" / "daan.png"
    assert allowed.samefile(root / "daan.png") and sha(allowed) == sha(root / "daan.png")
    assert (out / "portfolio" / "blocked" / "noah.png").samefile(root / "noah.png")
    # website strips metadata: its copy is rebuilt from pixels, never a link
    website = out / "website" / "allowed" / "daan.png"
    assert website.stat().st_nlink == 1 and not website.samefile(root / "daan.png")
    assert school("verify", out).exit_code == 0
    # sorting again keeps the links; without --link they become full copies again
    inode = allowed.stat().st_ino
    school("sort", root, "--out", out, "--link", "-c", "portfolio")
    assert allowed.stat().st_ino == inode
    school("sort", root, "--out", out, "-c", "portfolio")
    assert allowed.stat().st_nlink == 1 and not allowed.samefile(root / "daan.png")
    assert sha(allowed) == sha(root / "daan.png")


def test_without_a_link_on_this_file_system_a_full_copy_is_made(
    school: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def cross_device(src: object, dst: object) -> None:
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    monkeypatch.setattr(os, "link", cross_device)
    root = kamp(tmp_path / "kamp")
    out = tmp_path / "out"
    school("sort", root, "--out", out, "--link", "-c", "portfolio")
    allowed = out / "portfolio" / "allowed" / "daan.png"
    assert allowed.stat().st_nlink == 1 and sha(allowed) == sha(root / "daan.png")
    assert school("verify", out).exit_code == 0


def test_editing_the_original_edits_the_link_and_verify_and_recheck_find_it(
    school: Cli, tmp_path: Path
) -> None:
    root = kamp(tmp_path / "kamp")
    out = tmp_path / "out"
    school("sort", root, "--out", out, "--link", "-c", "portfolio")
    allowed = out / "portfolio" / "allowed" / "daan.png"
    # someone edits the original in place: it now shows Noah, and so does the published link
    with (root / "daan.png").open("r+b") as fh:
        fh.write((root / "noah.png").read_bytes())
        fh.truncate()
    assert sha(allowed) == sha(root / "noah.png")
    result = school("verify", out)
    assert result.exit_code == 1
    assert "not allowed: portfolio/allowed/daan.png: not allowed under the current" in (
        result.output
    )
    recheck = school("recheck", "--json")
    assert recheck.exit_code == 1
    doc = json.loads(recheck.stdout)
    assert [e["path"] for e in doc["take_down"]] == [str(root / "daan.png")]
    assert [(c["path"], c["channel"], c["kind"]) for c in doc["changed_copies"]] == [
        (str(allowed.absolute()), "portfolio", "linked")
    ]
