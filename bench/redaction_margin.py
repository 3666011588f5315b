"""How far beyond the detector's box does a head reach? Measures the redaction margin.

`sort --redact` covers a face with a solid fill. The HOG detector's box covers roughly brows to
chin and cheek to cheek; hair, forehead, ears and chin reach beyond it, and a child can be
recognised by them. For every face the HOG detector finds in ../shared/faces this finds dlib's 68
landmarks (face_recognition, "large" model) and estimates the head from them:

- chin: the lowest jaw landmark;
- sides: the jaw landmarks' extent, widened to head breadth (ears and hair at the sides):
  x SIDE_FACTOR around its centre;
- top: the vertex (top of the head, hair included), estimated from the nasion (top of the nose
  bridge) as nasion - TOP_FACTOR x (chin - nasion). Anthropometry: vertex-nasion is about 0.9 x
  nasion-chin for adults and about 1.05 x for children aged 6-10 (their cranium is larger
  against the face); TOP_FACTOR adds hair volume on top of that.

Each extent beyond the box is a fraction of the box's height (top, bottom) or width (sides). The
script prints percentiles and the share of faces the margin in fotopoort.publish.sanitize covers.

Run: .venv/bin/python bench/redaction_margin.py --faces ../shared/faces
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from fotopoort.publish.sanitize import DEFAULT_MARGIN

TOP_FACTOR = 1.2  # vertex above the nasion, x nasion-chin (children ~1.05, plus hair)
SIDE_FACTOR = 1.3  # head breadth with ears and hair, x the jaw landmarks' width
MAX_SIDE = 1600


def measure(path: Path, detector: str) -> list[tuple[float, float, float, float]]:
    import face_recognition

    from fotopoort.engines.faces import DlibEngine

    im = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
    im.thumbnail((MAX_SIDE, MAX_SIDE))
    pixels = np.asarray(im)
    if detector == "yunet":  # boxes in HOG's convention, placed from YuNet's landmarks
        boxes = DlibEngine().find_faces_yunet(pixels, score_threshold=0.7)
    else:
        boxes = face_recognition.face_locations(pixels, number_of_times_to_upsample=1)
    marks = face_recognition.face_landmarks(pixels, boxes, model="large")
    out = []
    for (top, right, bottom, left), m in zip(boxes, marks, strict=True):
        w, h = right - left, bottom - top
        jaw = np.array(m["chin"], dtype=float)
        nasion = np.array(m["nose_bridge"][0], dtype=float)
        chin_y = jaw[:, 1].max()
        vertex_y = nasion[1] - TOP_FACTOR * (chin_y - nasion[1])
        centre, half = (jaw[:, 0].max() + jaw[:, 0].min()) / 2, np.ptp(jaw[:, 0]) / 2
        head_left, head_right = centre - SIDE_FACTOR * half, centre + SIDE_FACTOR * half
        out.append(
            (
                (top - vertex_y) / h,
                (chin_y - bottom) / h,
                (left - head_left) / w,
                (head_right - right) / w,
            )
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faces", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=0, help="at most this many photos")
    parser.add_argument("--detector", choices=("yunet", "hog"), default="yunet")
    args = parser.parse_args()
    with (args.faces / "labels.csv").open(encoding="utf-8") as fh:
        paths = [args.faces / row["path"] for row in csv.DictReader(fh)]
    if args.limit:
        paths = paths[: args.limit]
    rows: list[tuple[float, float, float, float]] = []
    for path in paths:
        try:
            rows.extend(measure(path, args.detector))
        except OSError as exc:
            print(f"skipped {path}: {exc}", file=sys.stderr)
    if not rows:
        print("no faces found", file=sys.stderr)
        return 2
    data = np.array(rows)
    names = ("top", "bottom", "left", "right")
    print(
        f"{len(paths)} photos, {len(rows)} faces; extent beyond the {args.detector} box, x box size"
    )
    print(
        f"{'side':8}{'p50':>8}{'p90':>8}{'p95':>8}{'p99':>8}{'max':>8}{'margin':>8}{'covered':>9}"
    )
    chosen = (DEFAULT_MARGIN.top, DEFAULT_MARGIN.bottom, DEFAULT_MARGIN.side, DEFAULT_MARGIN.side)
    for i, name in enumerate(names):
        col = data[:, i]
        p = np.percentile(col, [50, 90, 95, 99])
        covered = float((col <= chosen[i]).mean())
        print(
            f"{name:8}{p[0]:8.2f}{p[1]:8.2f}{p[2]:8.2f}{p[3]:8.2f}{col.max():8.2f}"
            f"{chosen[i]:8.2f}{covered:9.1%}"
        )
    whole = float((data <= np.array(chosen)).all(axis=1).mean())
    print(f"faces whose estimated head the margin covers on every side: {whole:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
