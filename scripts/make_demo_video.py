"""Write the demo school's videos and the decisions they must get (`make demo` checks them).

Usage: make_demo_video.py DEMO_DIR OUT_DIR   (writes OUT_DIR/*.mp4|mov and OUT_DIR.csv)

Made at build time from the demo camp's single-face photos, never committed:
- kampfilm.mp4: Daan walks through the picture; Fatima (no consent beyond her stamgroep) is in
  it for 1.5 seconds, so only portfolio and stamgroep may show it.
- telefoon.mov: a phone held upright (frames stored sideways, a display rotation of -90
  degrees) showing Daan, who has consent everywhere: allowed only if read upright and found.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.videos import Appearance, write_video

CHANNELS = ("portfolio", "stamgroep", "school", "website", "training", "research")


def main(demo: Path, out: Path) -> int:
    kamp = demo / "kamp"
    daan, fatima = kamp / "k01_daan.jpg", kamp / "k02_fatima.jpg"
    crop = (40, 20, 230, 230)  # k01 has a second face, cut by its left edge: left out here
    walk = Appearance(daan, 0.0, 4.0, (0, 60), (200, 80), side=220, crop=crop)
    write_video(
        out / "kampfilm.mp4", [walk, Appearance(fatima, 2.0, 3.5, (300, 90), side=220)], seconds=4
    )
    write_video(
        out / "telefoon.mov",
        [Appearance(daan, 0.0, 2.0, (60, 60), side=220, crop=crop)],
        size=(360, 480),
        seconds=2,
        rotation=-90,
    )
    expected = {
        "kampfilm.mp4": ["allowed", "allowed", "blocked", "blocked", "blocked", "blocked"],
        "telefoon.mov": ["allowed"] * 6,
    }
    with out.with_suffix(".csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["photo", *CHANNELS])
        for name, decisions in expected.items():
            writer.writerow([name, *decisions])
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
