"""sort writes report.html, and allowed/ copies without metadata for the channels that strip it
(website and school by default): metadata written into a photo is gone from the copy, the copy
is recorded by its own sha256, and verify checks the copy."""

from __future__ import annotations

import hashlib
import io
import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, IptcImagePlugin

from fotopoort.config import template_text
from fotopoort.publish.sanitize import check_clean

from .conftest import Cli
from .fakes import make_photo
from .htmldom import parse
from .test_cli_check import COLOURS, DAAN, NOAH, school
from .test_publish import hook
from .test_sanitize import COMMENT, OWNER, SERIAL, XMP, exif_bytes, iptc_segment

__all__ = [
    "hook",
    "school",
]  # the fixtures, imported so that pytest finds them here (and test_sort_redact)


def tagged_landscape() -> bytes:
    """A JPEG without faces (allowed everywhere) carrying GPS, serial, owner, XMP face regions
    with names, IPTC and a comment. Plain white: the fake engine sees no face in it."""
    buf = io.BytesIO()
    Image.new("RGB", (160, 120), (255, 255, 255)).save(
        buf, "JPEG", quality=95, exif=exif_bytes(1), comment=COMMENT, xmp=XMP
    )
    data = buf.getvalue()
    return data[:2] + iptc_segment(b"Daan de Vries op kamp") + data[2:]


def tagged_png(path: Path) -> Path:
    """Daan's photo (allowed for website) with an owner and XMP in text chunks, and EXIF."""
    from PIL import PngImagePlugin

    make_photo(path, [(COLOURS[DAAN], 10)])
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", OWNER)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    with Image.open(path) as im:
        im.load()
        im.save(path, "PNG", pnginfo=info, exif=exif_bytes(1))
    return path


def camp(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "bos.jpg").write_bytes(tagged_landscape())
    tagged_png(root / "daan.png")
    make_photo(root / "noah.png", [(COLOURS[NOAH], 10)])
    return root


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def entries(out: Path, channel: str) -> dict[str, dict[str, Any]]:
    doc = json.loads((out / "report.json").read_text())
    (ch,) = [c for c in doc["channels"] if c["channel"] == channel]
    return {p["path"]: p for p in ch["photos"]}


def assert_no_metadata(data: bytes) -> None:
    check_clean(data)
    for secret in (SERIAL.encode(), OWNER.encode(), COMMENT, b"Daan", b"Fatima", b"Canon"):
        assert secret not in data
    for marker in (b"Exif\x00\x00", b"eXIf", b"mwg-rs", b"MP:RegionInfo", b"8BIM", b"tEXt"):
        assert marker not in data
    with Image.open(io.BytesIO(data)) as im:
        assert len(im.getexif()) == 0
        assert not {"comment", "xmp", "exif", "XML:com.adobe.xmp", "Author"} & set(im.info)
        if im.format == "JPEG":
            assert IptcImagePlugin.getiptcinfo(im) is None


def test_sort_writes_a_private_self_contained_report_html(school: Cli, tmp_path: Path) -> None:
    root = camp(tmp_path / "kamp")
    out = tmp_path / "out"
    result = school("sort", root, "--out", out)
    assert result.exit_code == 1, result.output  # Noah: no consent
    report = out / "report.html"
    assert f"report: {report}" in result.output
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    text = report.read_text(encoding="utf-8")
    doc = parse(text)
    csp = [
        m for m in doc.find_all("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    assert csp and "default-src 'none'" in str(csp[0].attrs["content"])
    assert len(doc.find_all("img")) == 3  # a thumbnail per photo, embedded
    for name in ("bos.jpg", "daan.png", "noah.png"):
        assert name in text
    assert "Daan" in text and "Noah" in text  # first names by the boxes
    assert "http://" not in text and "https://" not in text


def test_website_copies_carry_no_metadata_and_portfolio_copies_are_the_original(
    school: Cli, tmp_path: Path
) -> None:
    root = camp(tmp_path / "kamp")
    out = tmp_path / "out"
    school("sort", root, "--out", out)
    for channel in ("website", "school"):
        for name in ("bos.jpg", "daan.png"):
            copy = out / channel / "allowed" / name
            assert_no_metadata(copy.read_bytes())
            entry = entries(out, channel)[name]
            assert entry["copy"] == {
                "sha256": sha(copy),
                "original_sha256": sha(root / name),
                "metadata": "stripped",
            }
            assert sha(copy) != sha(root / name)
    assert (out / "portfolio" / "allowed" / "bos.jpg").read_bytes() == (
        root / "bos.jpg"
    ).read_bytes()
    assert "copy" not in entries(out, "portfolio")["bos.jpg"]
    # blocked/ and review/ are for the school's own eyes: byte copies of the original
    assert sha(out / "website" / "blocked" / "noah.png") == sha(root / "noah.png")
    assert b"mwg-rs" in (root / "bos.jpg").read_bytes()  # the original is untouched
    ok = school("verify", out)
    assert ok.exit_code == 0, ok.output


def test_verify_detects_a_changed_stripped_copy(school: Cli, tmp_path: Path) -> None:
    root = camp(tmp_path / "kamp")
    out = tmp_path / "out"
    school("sort", root, "--out", out)
    copy = out / "website" / "allowed" / "bos.jpg"
    copy.write_bytes(copy.read_bytes() + b"\x00")
    bad = school("verify", out, "-c", "website")
    assert bad.exit_code == 1
    assert "website/allowed/bos.jpg: content fotopoort never decided" in bad.output
    school("sort", root, "--out", out)  # puts the stripped copy back
    assert_no_metadata(copy.read_bytes())
    assert school("verify", out).exit_code == 0


def test_a_second_sort_keeps_the_stripped_copies(school: Cli, tmp_path: Path) -> None:
    root = camp(tmp_path / "kamp")
    out = tmp_path / "out"
    school("sort", root, "--out", out)
    copy = out / "website" / "allowed" / "bos.jpg"
    before = (copy.stat().st_ino, sha(copy))
    school("sort", root, "--out", out)
    assert (copy.stat().st_ino, sha(copy)) == before
    assert school("verify", out).exit_code == 0


def test_strip_metadata_can_be_turned_off_per_channel(
    make_cli: Callable[..., Cli], shared: Path, tmp_path: Path
) -> None:
    text = template_text().replace("  website: true\n", "  website: false\n  portfolio: true\n")
    cli = make_cli(config_text=text)
    cli("consents", "import", shared / "demo" / "privacyvoorkeuren.csv")
    root = camp(tmp_path / "kamp")
    out = tmp_path / "out"
    cli("sort", root, "--out", out, "-j", "1")
    assert sha(out / "website" / "allowed" / "bos.jpg") == sha(root / "bos.jpg")
    assert_no_metadata((out / "portfolio" / "allowed" / "bos.jpg").read_bytes())
    assert_no_metadata((out / "school" / "allowed" / "bos.jpg").read_bytes())  # default kept


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("  webiste: true\n", "strip_metadata.webiste: unknown key (did you mean 'website'?)"),
        ("  website: maybe\n", "strip_metadata.website: must be true or false"),
    ],
)
def test_strip_metadata_errors_name_the_key(
    make_cli: Callable[..., Cli], tmp_path: Path, setting: str, message: str
) -> None:
    cli = make_cli(config_text=template_text().replace("  website: true\n", setting))
    result = cli("sort", tmp_path, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert message in result.output


def test_a_photo_that_cannot_be_made_clean_is_blocked_not_copied(
    school: Cli, tmp_path: Path
) -> None:
    root = tmp_path / "kamp"
    root.mkdir()
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (255, 255, 255)).save(buf, "TIFF")
    (root / "scan.tiff").write_bytes(buf.getvalue())
    out = tmp_path / "out"
    result = school("sort", root, "--out", out)
    assert result.exit_code == 1
    assert not (out / "website" / "allowed" / "scan.tiff").exists()
    assert (out / "portfolio" / "allowed" / "scan.tiff").exists()  # no stripping there
    (reason,) = entries(out, "website")["scan.tiff"]["reasons"]
    assert entries(out, "website")["scan.tiff"]["decision"] == "blocked"
    assert "metadata cannot be removed" in reason["message"] and "TIFF" in reason["message"]


def test_a_photo_replaced_before_its_stripped_copy_is_made_never_reaches_allowed(
    school: Cli, tmp_path: Path, hook: Callable[[Callable[[str, str], None]], None]
) -> None:
    root = camp(tmp_path / "kamp")
    noah = (root / "noah.png").read_bytes()

    def swap(point: str, detail: str) -> None:
        if point == "copy" and detail == "daan.png":
            (root / "daan.png").write_bytes(noah)

    hook(swap)
    out = tmp_path / "out"
    school("sort", root, "--out", out)
    for channel in ("website", "school", "portfolio"):
        assert not (out / channel / "allowed" / "daan.png").exists()
        assert entries(out, channel)["daan.png"]["decision"] == "blocked"
