"""sort --redact: the faces that stand in the way are covered by the fill, the consented faces
are untouched, the copy is never allowed, and a person's approval of it is audited by its own
sha256."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, PngImagePlugin

from fotopoort.model import Box
from fotopoort.publish.sanitize import DEFAULT_MARGIN, FILL, enlarge

from .conftest import Cli
from .fakes import make_photo
from .test_cli_check import COLOURS, DAAN, FATIMA, NOAH, SOPHIE, STRANGER
from .test_sanitize import OWNER, XMP
from .test_sort_derived import assert_no_metadata, entries, school, sha

__all__ = ["school"]  # the fixture, used by name

SIZE = (520, 240)


def face_box(x: int, px: int = 80) -> Box:
    return Box(top=20, right=x + px, bottom=20 + px, left=x)


def camp(root: Path) -> Path:
    # Daan (consent everywhere) and Noah (no consent anywhere): blocked, Noah covered
    path = make_photo(
        root / "daan_noah.png", [(COLOURS[DAAN], 10), (COLOURS[NOAH], 300)], size=SIZE
    )
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", OWNER)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    with Image.open(path) as im:
        im.load()
        im.save(path, "PNG", pnginfo=info)
    # Daan, Sophie (never enrolled: unknown) and a stranger too small to identify: review
    make_photo(root / "daan_sophie.png", [(COLOURS[DAAN], 10), (SOPHIE, 300)], size=SIZE)
    img = Image.open(root / "daan_sophie.png").convert("RGB")
    img.paste(STRANGER, (440, 150, 470, 180))
    img.save(root / "daan_sophie.png")
    make_photo(root / "daan.png", [(COLOURS[DAAN], 10)], size=SIZE)  # allowed: no copy
    (root / "broken.jpg").write_bytes(b"not really a photo")  # blocked, not for its faces
    return root


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def assert_filled(img: np.ndarray, box: Box) -> None:
    area = enlarge(box, DEFAULT_MARGIN, (img.shape[1], img.shape[0]))
    region = img[area.top : area.bottom, area.left : area.right]
    assert region.size and (region == FILL).all(), box


def test_redact_covers_every_face_in_the_way_and_leaves_consented_faces(
    school: Cli, tmp_path: Path
) -> None:
    root = camp(tmp_path / "kamp")
    out = tmp_path / "out"
    result = school("sort", root, "--out", out, "--redact", "-c", "website", "-c", "portfolio")
    assert result.exit_code == 1, result.output
    assert "website       2 redacted" in result.output
    red = out / "website" / "redacted"
    assert sorted(p.name for p in red.iterdir()) == ["daan_noah.png", "daan_sophie.png"]
    original = pixels(root / "daan_noah.png")
    copy = pixels(red / "daan_noah.png")
    assert_filled(copy, face_box(300))
    daan = enlarge(face_box(10), DEFAULT_MARGIN, (SIZE[0], SIZE[1]))
    assert np.array_equal(copy[:, : daan.right], original[:, : daan.right])  # Daan untouched
    sophie = pixels(red / "daan_sophie.png")
    assert_filled(sophie, face_box(300))
    assert_filled(sophie, Box(top=150, right=470, bottom=180, left=440))  # the small stranger
    assert (sophie[20:100, 10:90] == COLOURS[DAAN]).all()
    assert_no_metadata((red / "daan_noah.png").read_bytes())
    # never allowed by itself: the photo keeps its decision, the copy is not in allowed/
    website = entries(out, "website")
    assert website["daan_noah.png"]["decision"] == "blocked"
    assert website["daan_sophie.png"]["decision"] == "review"
    assert not (out / "website" / "allowed" / "daan_noah.png").exists()
    assert website["daan_noah.png"]["redacted"] == {
        "path": "website/redacted/daan_noah.png",
        "sha256": sha(red / "daan_noah.png"),
        "original_sha256": sha(root / "daan_noah.png"),
        "faces": [2],
        "status": "a person must confirm",
    }
    assert "redacted" not in website["daan.png"] and "redacted" not in website["broken.jpg"]
    # portfolio: Noah has no consent there either; Sophie has
    assert sorted(p.name for p in (out / "portfolio" / "redacted").iterdir()) == [
        "daan_noah.png",
        "daan_sophie.png",
    ]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("redacted, a person must confirm: website/redacted/daan_noah.png") == 1
    assert school("verify", out).exit_code == 0  # redacted/ is no part of allowed/


def test_a_consented_face_of_one_channel_is_covered_in_another(school: Cli, tmp_path: Path) -> None:
    root = tmp_path / "kamp"
    make_photo(root / "daan_fatima.png", [(COLOURS[DAAN], 10), (COLOURS[FATIMA], 300)], size=SIZE)
    out = tmp_path / "out"
    school("sort", root, "--out", out, "--redact")
    assert not (out / "portfolio" / "redacted" / "daan_fatima.png").exists()  # allowed there
    copy = pixels(out / "website" / "redacted" / "daan_fatima.png")
    assert_filled(copy, face_box(300))  # Fatima: no website consent
    assert (copy[20:100, 10:90] == COLOURS[DAAN]).all()


def test_redacted_copies_do_not_outlive_the_sort_that_made_them(
    school: Cli, tmp_path: Path
) -> None:
    root = camp(tmp_path / "kamp")
    out = tmp_path / "out"
    school("sort", root, "--out", out, "--redact")
    assert (out / "website" / "redacted" / "daan_noah.png").is_file()
    school("sort", root, "--out", out)
    assert not (out / "website" / "redacted").exists()
    doc = json.loads((out / "report.json").read_text())
    assert all("redacted" not in p for c in doc["channels"] for p in c["photos"])


def test_review_approve_of_a_redacted_copy_is_audited_with_its_sha256(
    school: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = camp(tmp_path / "kamp")
    out = tmp_path / "out"
    school("sort", root, "--out", out, "--redact")
    copy = out / "website" / "redacted" / "daan_noah.png"
    digest = sha(copy)
    ok = school("review", "approve", copy, "-c", "website", "--by", "juf Annemieke", "--note", "ok")
    assert ok.exit_code == 0, ok.output
    assert f"redacted copy approved for website (sha256 {digest})" in ok.output
    trail = json.loads(school("audit", "--json").stdout)
    (entry,) = [e for e in trail if e["action"] == "review-approve-redacted"]
    assert entry["photo_sha256"] == digest and entry["channel"] == "website"
    assert entry["actor"] == "juf Annemieke"
    assert entry["note"] == f"redacted copy of {sha(root / 'daan_noah.png')}: ok"
    with monkeypatch.context() as dutch:
        dutch.setenv("FOTOPOORT_LANG", "nl")
        shown = json.loads(school("audit", "--json").stdout)
    (approved,) = [e for e in shown if e["action"] == "review-approve-redacted"]
    assert approved["note"] == f"afgedekte kopie van {sha(root / 'daan_noah.png')}: ok"
    # a redacted copy changed by hand is no copy fotopoort made
    copy.write_bytes(copy.read_bytes() + b"\x00")
    assert school("review", "approve", copy, "-c", "website", "--by", "x").exit_code == 2


def test_approving_an_outdated_redacted_copy_is_refused(
    school: Cli, shared: Path, tmp_path: Path
) -> None:
    root = camp(tmp_path / "kamp")
    out = tmp_path / "out"
    school("sort", root, "--out", out, "--redact", "-c", "website")
    keep = tmp_path / "old.png"
    keep.write_bytes((out / "website" / "redacted" / "daan_noah.png").read_bytes())
    # Daan withdraws website consent: his face is covered too in the new copy
    school("consents", "import", shared / "demo" / "privacyvoorkeuren-december.csv")
    stale = school("review", "approve", keep, "-c", "website", "--by", "x")
    assert stale.exit_code == 2 and "older consent export" in stale.output
    school("sort", root, "--out", out, "--redact", "-c", "website")
    new = pixels(out / "website" / "redacted" / "daan_noah.png")
    assert_filled(new, face_box(10))
    assert_filled(new, face_box(300))
    old = school("review", "approve", keep, "-c", "website", "--by", "x")
    assert old.exit_code == 2 and "older redacted copy" in old.output


def test_a_file_name_that_is_not_utf8_is_redacted_and_shown_with_escapes(
    school: Cli, tmp_path: Path
) -> None:
    root = tmp_path / "kamp"
    odd = root / os.fsdecode(b"caf\xe9.png")
    make_photo(odd, [(COLOURS[DAAN], 10), (COLOURS[NOAH], 300)], size=SIZE)
    out = tmp_path / "out"
    assert school("sort", root, "--out", out, "--redact", "-c", "website").exit_code == 1
    copy = out / "website" / "redacted" / odd.name
    assert_filled(pixels(copy), face_box(300))
    assert entries(out, "website")["caf\\xe9.png"]["redacted"]["path"] == (
        "website/redacted/caf\\xe9.png"
    )
    assert "caf\\xe9.png" in (out / "report.html").read_text(encoding="utf-8")
    ok = school("review", "approve", copy, "-c", "website", "--by", "juf")
    assert ok.exit_code == 0, ok.output
