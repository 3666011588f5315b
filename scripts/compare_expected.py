"""Compare a sort report with the demo school's expected decisions: `make demo` ends with it.

Usage: compare_expected.py REPORT_JSON EXPECTED_CSV   (exit 1 on any difference)
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path


def main(report_path: Path, expected_path: Path) -> int:
    report = json.loads(report_path.read_text(encoding="utf-8"))
    got = {
        (photo["path"], doc["channel"]): photo["decision"]
        for doc in report["channels"]
        for photo in doc["photos"]
    }
    with expected_path.open(encoding="utf-8") as fh:
        want = {(r["photo"], ch): r[ch] for r in csv.DictReader(fh) for ch in r if ch != "photo"}
    wrong = sorted(k for k in want.keys() | got.keys() if want.get(k) != got.get(k))
    for photo, channel in wrong:
        print(
            f"  {photo} {channel}: got {got.get((photo, channel))}, "
            f"expected {want.get((photo, channel))}"
        )
    print(f"{len(want) - len(wrong)} of {len(want)} decisions match {expected_path.name}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
