"""The demo school with the real face engine: no photo gets a less strict decision than expected."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from .conftest import Cli


def expected(shared: Path) -> dict[tuple[str, str], str]:
    with (shared / "demo" / "expected.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {(r["photo"], ch): r[ch] for r in rows for ch in r if ch != "photo"}


# expected.csv was written when fotopoort's detector was dlib's HOG, which missed faces in these
# photos; the default detector (YuNet) finds them, so a person must look (review) where
# expected.csv says allowed. Never the other way round.
FOUND_SINCE_YUNET = {
    "k01_daan.jpg": "a second boy's face, cut by the photo's left edge",
    "k03_daan_fatima.jpg": "a man's face cut by the top edge, and a face on a poster",
    "k07_liam_daan.jpg": "a blurred person in the background, too small to identify",
    "k08_honden.jpg": "a dog's face, taken for a face (a false alarm: it costs a review)",
}


def test_demo_school_gets_every_expected_decision(
    real_cli: Cli, shared: Path, tmp_path: Path
) -> None:
    demo = shared / "demo"
    assert real_cli("consents", "import", demo / "privacyvoorkeuren.csv").exit_code == 0
    enrolled = real_cli("enroll", demo / "referentiefotos")
    assert enrolled.exit_code == 0, enrolled.output
    assert "5 children enrolled, 2 skipped" in enrolled.output
    out = tmp_path / "out"
    result = real_cli("sort", demo / "kamp", "--out", out)
    assert result.exit_code == 1  # some photos are not allowed
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    got = {
        (photo["path"], doc["channel"]): photo["decision"]
        for doc in report["channels"]
        for photo in doc["photos"]
    }
    want = {
        key: "review" if key[0] in FOUND_SINCE_YUNET and decision == "allowed" else decision
        for key, decision in expected(shared).items()
    }
    assert got.keys() == want.keys()
    for photo in FOUND_SINCE_YUNET:  # the face is in the report, not only the decision
        assert any(want[photo, ch] != d for (p, ch), d in expected(shared).items() if p == photo)
    # Since issue 12 a face outside its child's own range goes to review rather than being
    # named, so a photo may be in review where expected.csv has allowed (over-blocking, the
    # measured price of naming no look-alike, docs/accuracy.md) or blocked (unpublished either
    # way). Never less strict than expected.csv: scripts/compare_expected.py checks the same.
    permitted = {"allowed": {"allowed", "review"}, "blocked": {"blocked", "review"}}
    for key, decision in want.items():
        assert got[key] in permitted.get(decision, {decision}), key
    # a clear photo of an enrolled child is still recognised
    k01 = next(p for p in report["channels"][0]["photos"] if p["path"] == "k01_daan.jpg")
    assert any(face["status"] == "identified" for face in k01["faces"]), k01["faces"]
    for (photo, channel), decision in got.items():
        assert (out / channel / decision / photo).is_file()
