"""The HTML report in a real browser: headless Chromium (Debian's `chromium` package) renders it
and we check what a person sees: the photos, the boxes, and that the filters work (the inline
script runs under the report's Content-Security-Policy).

Without chromium these tests cannot run: they are skipped with a loud reason, and `make test`
prints a banner naming them. CI installs chromium (.ci/run). Run them alone with
`make report-check`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from .conftest import Cli
from .fakes import make_photo
from .htmldom import Node, parse
from .test_report import COLOURS, DAAN, FATIMA, camp, enrol_school

CHROMIUM = (
    os.environ.get("FOTOPOORT_CHROMIUM")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="CHROMIUM NOT INSTALLED: the HTML report was NOT tested in a browser "
    "(apt-get install chromium, then make report-check)",
)
CONSENT_STROKE, NO_CONSENT_STROKE = (0x1A, 0x7F, 0x37), (0xC6, 0x28, 0x28)


def chromium(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            f"--user-data-dir={profile}",
            *args,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # a Content-Security-Policy violation (the script or style refused) shows on the console
    assert "Content Security Policy" not in result.stderr, result.stderr[-2000:]
    return result


def rendered(tmp_path: Path, report: Path, fragment: str = "") -> Node:
    """The DOM after the report's script ran, for the filter state in the URL fragment."""
    url = report.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    return parse(chromium(tmp_path, url, "--dump-dom").stdout)


def screenshot(tmp_path: Path, report: Path, size: str, fragment: str = "") -> np.ndarray:
    shot = tmp_path / "shot.png"
    url = report.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    chromium(tmp_path, url, f"--screenshot={shot}", f"--window-size={size}", "--hide-scrollbars")
    with Image.open(shot) as im:
        return np.asarray(im.convert("RGB"), dtype=np.int32)


def near(pixels: np.ndarray, colour: tuple[int, int, int], tolerance: int) -> int:
    return int((np.abs(pixels - np.array(colour)).max(axis=2) <= tolerance).sum())


def visible(doc: Node) -> list[str]:
    return [a.find("h2").text for a in doc.find_all("article", "photo") if "hidden" not in a.attrs]


@pytest.fixture
def fake_report(cli: Cli, shared: Path, tmp_path: Path) -> Path:
    school = enrol_school(cli, shared, tmp_path)
    target = tmp_path / "report.html"
    kamp = camp(tmp_path / "kamp")
    result = school("report", kamp, "-c", "website", "-c", "portfolio", "-o", target, "-j", "1")
    assert result.exit_code == 1, result.output
    return target


def test_filters_work_in_the_browser(fake_report: Path, tmp_path: Path) -> None:
    doc = rendered(tmp_path, fake_report, "channel=website&show=blocked")
    assert doc.find("body").attrs["data-ch"] == "website"
    assert sorted(visible(doc)) == ["broken.jpg", "daan_fatima.png", "noah.png"]
    assert doc.find("output").text == "3 of 8 photos shown for website"  # the script ran

    doc = rendered(tmp_path, fake_report, "channel=portfolio&show=allowed,review")
    assert doc.find("body").attrs["data-ch"] == "portfolio"
    assert "daan_fatima.png" in visible(doc) and "noah.png" not in visible(doc)
    assert len(visible(doc)) == 6
    assert "all" not in (doc.find("body").attrs.get("class") or "")  # one channel's rows


def test_a_person_sees_the_photo_and_its_boxes(cli: Cli, shared: Path, tmp_path: Path) -> None:
    school = enrol_school(cli, shared, tmp_path)
    root = tmp_path / "one"
    make_photo(root / "daan_fatima.png", [(COLOURS[DAAN], 40), (COLOURS[FATIMA], 260)], face_px=100)
    target = tmp_path / "report.html"
    assert school("report", root, "-c", "website", "-o", target, "-j", "1").exit_code == 1
    pixels = screenshot(tmp_path, target, "800,900")
    assert near(pixels, COLOURS[DAAN], 30) > 2000  # the thumbnail is shown (img-src data:)
    assert near(pixels, COLOURS[FATIMA], 30) > 500  # under the hatching, still visible
    assert near(pixels, CONSENT_STROKE, 20) > 200  # Daan's box: consent
    assert near(pixels, NO_CONSENT_STROKE, 20) > 200  # Fatima's box and hatching: no consent


@pytest.mark.engine
def test_the_demo_report_in_the_browser(real_cli: Cli, shared: Path, tmp_path: Path) -> None:
    demo = shared / "demo"
    assert real_cli("consents", "import", demo / "privacyvoorkeuren.csv").exit_code == 0
    assert real_cli("enroll", demo / "referentiefotos").exit_code == 0
    target = tmp_path / "demo-report.html"
    assert real_cli("report", demo / "kamp", "-o", target).exit_code == 1
    doc = rendered(tmp_path, target, "channel=website&show=allowed,review,blocked")
    cards = {a.find("h2").text: a for a in doc.find_all("article", "photo")}
    assert len(cards) == 14 and len(visible(doc)) == 14
    shown = [name for name, a in cards.items() if a.find_all("img")]
    assert len(shown) >= 12 and "k10_afgebroken.jpg" not in shown  # a broken file: no preview
    # Since issue 12 the demo's references name few faces (most go to review): Daan beside
    # Sophie, who is never enrolled ("?"), and Fatima on her phone photo
    k04 = cards["k04_daan_sophie.jpg"]
    labels = [g.find_all("text")[0].text for g in k04.find_all("g", "face")]
    assert sorted(label.split(" ", 1)[1] for label in labels) == ["?", "Daan"]
    k09 = cards["k09_fatima_telefoon.jpg"]
    assert [g.find_all("text")[0].text.split(" ", 1)[1] for g in k09.find_all("g", "face")] == [
        "Fatima"
    ]
    doc = rendered(tmp_path, target, "channel=website&show=blocked")
    assert doc.find("output").text == "3 of 14 photos shown for website"
    pixels = screenshot(tmp_path, target, "1200,1600", "channel=website")
    assert near(pixels, CONSENT_STROKE, 20) > 200 and near(pixels, NO_CONSENT_STROKE, 20) > 200
    assert len(np.unique(pixels.reshape(-1, 3)[::97], axis=0)) > 1000  # photos, not a blank page
