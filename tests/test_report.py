"""fotopoort report: the HTML file's content, through the CLI with the fake engine (DOM checks)."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import stat
from pathlib import Path

import pytest
from PIL import Image

from fotopoort.reports.thumbnails import THUMBNAIL_SIDE

from .conftest import Cli
from .fakes import make_photo
from .htmldom import Node, parse

DAAN, FATIMA, NOAH, LIAM = "0100231", "0100487", "0100733", "0101022"
COLOURS = {DAAN: (200, 0, 0), FATIMA: (0, 200, 0), NOAH: (0, 0, 200), LIAM: (200, 200, 0)}
SOPHIE = (200, 0, 200)  # photographed, never enrolled
EVIL_NAME = '<script>alert("x")</script>Daan'
EVIL_FILE = '"><img src=x onerror=alert(1)>.png'


@pytest.fixture
def school(cli: Cli, shared: Path, tmp_path: Path) -> Cli:
    return enrol_school(cli, shared, tmp_path)


def enrol_school(cli: Cli, shared: Path, tmp_path: Path) -> Cli:
    """The demo export with Daan's first name replaced by markup, every child enrolled."""
    text = (shared / "demo" / "privacyvoorkeuren.csv").read_text(encoding="utf-8-sig")
    export = tmp_path / "export.csv"
    export.write_text(text.replace(";Daan;", f";{EVIL_NAME};"), encoding="utf-8")
    assert cli("consents", "import", export).exit_code == 0
    refs = tmp_path / "refs"
    for nr, colour in COLOURS.items():
        make_photo(refs / nr / "ref.png", [(colour, 10)], face_px=100, size=(200, 200))
    assert cli("enroll", refs).exit_code == 0
    cli.default_args = {"report": ["-j", "1"], "check": ["-j", "1"]}
    return cli


def camp(root: Path) -> Path:
    make_photo(root / "daan.png", [(COLOURS[DAAN], 10)])
    make_photo(root / "daan_fatima.png", [(COLOURS[DAAN], 10), (COLOURS[FATIMA], 200)])
    make_photo(root / "daan_sophie.png", [(COLOURS[DAAN], 10), (SOPHIE, 200)])
    make_photo(root / "noah.png", [(COLOURS[NOAH], 10)])
    make_photo(root / "empty.png", [])
    make_photo(root / "sub" / "liam.png", [(COLOURS[LIAM], 100)])
    make_photo(root / EVIL_FILE, [(COLOURS[DAAN], 10)])
    (root / "broken.jpg").write_bytes(b"\xff\xd8\xff not really a photo")
    return root


def articles(doc: Node) -> dict[str, Node]:
    return {a.find("h2").text: a for a in doc.find_all("article", "photo")}


def faces(article: Node) -> list[Node]:
    return article.find_all("g", "face")


def label(face: Node, channel: str) -> tuple[str, str]:
    """(number and name, the kind shown for `channel`) as the SVG labels say."""
    texts = face.find_all("text")
    kind = [t.text for t in texts if f"ch-{channel}" in (t.attrs.get("class") or "")]
    return texts[0].text, kind[0]


def decision(article: Node, channel: str) -> tuple[str, list[str]]:
    row = article.find("tr", f"row-{channel}")
    return row.find("span", "v").text, [li.text for li in row.find_all("li")]


@pytest.fixture
def report(school: Cli, tmp_path: Path) -> tuple[Path, str]:
    target = tmp_path / "out" / "report.html"
    result = school(
        "report", camp(tmp_path / "kamp"), "-c", "website", "-c", "portfolio", "-o", target
    )
    assert result.exit_code == 1, result.output  # some photos are not allowed
    assert f"report: {target}" in result.output
    return target, target.read_text(encoding="utf-8")


def test_every_photo_with_its_faces_names_and_decisions(report: tuple[Path, str]) -> None:
    doc = parse(report[1])
    cards = articles(doc)
    assert set(cards) == {
        "daan.png",
        "daan_fatima.png",
        "daan_sophie.png",
        "noah.png",
        "empty.png",
        "sub/liam.png",
        EVIL_FILE,
        "broken.jpg",
    }
    fatima = cards["daan_fatima.png"]
    assert [label(f, "website") for f in faces(fatima)] == [
        (f"1 {EVIL_NAME}", "consent"),
        ("2 Fatima", "NO consent"),
    ]
    assert [label(f, "portfolio")[1] for f in faces(fatima)] == ["consent", "consent"]
    assert [f.attrs["data-k-website"] for f in faces(fatima)] == ["consent", "no-consent"]
    verdict, reasons = decision(fatima, "website")
    assert verdict == "BLOCKED"
    assert reasons[1] == "face 2: Fatima (0100487): no consent for website"
    assert decision(fatima, "portfolio")[0] == "ALLOWED"
    assert fatima.attrs["data-d-website"] == "blocked"
    assert fatima.attrs["data-d-portfolio"] == "allowed"

    sophie = cards["daan_sophie.png"]
    assert label(faces(sophie)[1], "website") == ("2 ?", "unknown face")
    assert faces(sophie)[1].attrs["data-k-website"] == "unsure"
    assert decision(sophie, "website")[0] == "REVIEW"

    # the boxes are where the faces are, in the photo's own coordinates
    svg = fatima.find("svg")
    assert svg.attrs["viewbox"] == "0 0 400 200"
    rects = [(r.attrs["x"], r.attrs["y"], r.attrs["width"]) for r in fatima.find_all("rect")]
    assert rects == [("10", "20", "80"), ("200", "20", "80")]

    assert faces(cards["empty.png"]) == []
    assert "no faces found" in cards["empty.png"].text
    broken = cards["broken.jpg"]
    assert broken.find_all("img") == [] and "no preview" in broken.find("div", "nopic").text
    assert decision(broken, "website")[0] == "BLOCKED"


def test_summary_and_filters(report: tuple[Path, str]) -> None:
    doc = parse(report[1])
    rows = {
        tr.find("th").text: [td.text for td in tr.find_all("td")]
        for tr in doc.find("table", "summary").find_all("tr")[1:]
    }
    # website: daan, the oddly named file, liam and empty allowed; fatima, noah, broken blocked;
    # portfolio: Fatima has consent for it
    assert rows == {"website": ["4", "1", "3", "0"], "portfolio": ["5", "1", "2", "0"]}
    channel = doc.find("select")
    assert [o.attrs["value"] for o in channel.find_all("option")] == ["website", "portfolio"]
    shows = [i.attrs["value"] for i in doc.find_all("input") if i.attrs.get("name") == "show"]
    assert shows == ["allowed", "review", "blocked", "redacted"]
    body = doc.find("body")
    assert body.attrs["data-ch"] == "website"


def test_names_and_file_names_are_escaped(report: tuple[Path, str]) -> None:
    html = report[1]
    assert "<script>alert" not in html and "<img src=x" not in html
    assert html.count("<script>") == 1  # the report's own script
    doc = parse(html)
    assert EVIL_FILE in articles(doc)  # shown as text, literally
    scripts = doc.find_all("script")
    assert len(scripts) == 1 and "src" not in scripts[0].attrs


def test_self_contained_with_a_strict_content_security_policy(report: tuple[Path, str]) -> None:
    doc = parse(report[1])
    csp = next(
        m.attrs["content"] or ""
        for m in doc.find_all("meta")
        if m.attrs.get("http-equiv") == "Content-Security-Policy"
    )
    policy = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert policy["default-src"] == "'none'" and policy["img-src"] == "data:"
    for kind in ("style", "script"):
        (element,) = doc.find_all(kind)
        digest = base64.b64encode(hashlib.sha256(element.text.encode()).digest()).decode()
        assert policy[f"{kind}-src"] == f"'sha256-{digest}'"
    assert not re.search(r"(?:src|href)=\"(?!data:)", report[1])  # nothing loaded from outside
    assert "http://" not in report[1] and "https://" not in report[1]
    assert "<link" not in report[1] and "@import" not in report[1]
    assert all(el.attrs.get("style") is None for el in doc.iter())  # CSP allows no inline style


def test_thumbnails_are_small_jpegs_without_metadata(report: tuple[Path, str]) -> None:
    doc = parse(report[1])
    images = doc.find_all("img")
    assert len(images) == 7  # every readable photo
    for img in images:
        src = img.attrs["src"] or ""
        assert src.startswith("data:image/jpeg;base64,")
        data = base64.b64decode(src.split(",", 1)[1])
        assert len(data) < 8_000
        with Image.open(io.BytesIO(data)) as im:
            assert max(im.size) <= THUMBNAIL_SIDE
            assert not im.getexif() and "comment" not in im.info


def test_report_file_is_readable_by_its_owner_only(report: tuple[Path, str]) -> None:
    assert stat.S_IMODE(report[0].stat().st_mode) == 0o600


def test_cached_photos_get_a_thumbnail_too(school: Cli, tmp_path: Path) -> None:
    root = tmp_path / "kamp"
    make_photo(root / "daan.png", [(COLOURS[DAAN], 10)])
    assert school("check", root, "-c", "website").exit_code == 0  # analysis now cached
    target = tmp_path / "r.html"
    assert school("report", root, "-c", "website", "-o", target).exit_code == 0
    assert len(parse(target.read_text(encoding="utf-8")).find_all("img")) == 1


def test_report_errors(school: Cli, tmp_path: Path) -> None:
    root = camp(tmp_path / "kamp")
    result = school("report", root, "-c", "webiste", "-o", tmp_path / "r.html")
    assert result.exit_code == 2 and "did you mean 'website'" in result.output
    result = school("report", root, "-o", tmp_path)
    assert result.exit_code == 2 and "is a folder" in result.output


def test_the_report_speaks_dutch_when_the_run_does(
    school: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOTOPOORT_LANG", "nl")
    target = tmp_path / "rapport.html"
    result = school("report", camp(tmp_path / "kamp"), "-c", "website", "-o", target)
    assert result.exit_code == 1, result.output  # some photos are not allowed
    html = target.read_text(encoding="utf-8")
    for dutch in (
        '<html lang="nl">',
        "fotopoort-rapport",
        "Besluiten op basis van toestemmingsexport",
        "TEGENGEHOUDEN",
        "GEEN toestemming",
        'data-of="{n} van {total} foto&#x27;s getoond voor {channel}"',
    ):
        assert dutch in html, dutch
    for english in ("photos shown", "Decisions based", "BLOCKED", "NO consent", "no faces"):
        assert english not in html, english
