"""The demo school with the real face engine: every photo gets exactly the expected decision."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from .conftest import Cli


def expected(shared: Path) -> dict[tuple[str, str], str]:
    with (shared / "demo" / "expected.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {(r["photo"], ch): r[ch] for r in rows for ch in r if ch != "photo"}


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
    assert got == expected(shared)
    for (photo, channel), decision in expected(shared).items():
        assert (out / channel / decision / photo).is_file()
