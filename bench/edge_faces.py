"""Faces cut by a photo's edge: how many the detector finds, per mirrored border of its fine view.

A face half outside the picture is a face on the photo all the same: a child there without
consent makes the photo one that must not go out. This builds camera-size photos (4000x3000)
each with one face from ../shared/faces cut by an edge (left, right, top or bottom), of a width
of 80-520 px and with 35-80% of it inside, and runs fotopoort's detection (YuNet on the
1600 px and 640 px views) with the fine view mirrored outward by 0.10, 0.04 and 0 of its side
(the coarse view always by 0.10). It prints how many faces each finds and every face one finds
that another does not: the worst case, not only the totals.

    python bench/edge_faces.py --faces ../shared/faces [--cases 400]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
import speed
from fotopoort.engines import faces
from fotopoort.engines.faces import DetectionSettings, DlibEngine, find_boxes

PADS = (0.10, 0.04, 0.0)
CAMERA = (4000, 3000)
Case = tuple[int, float, str]  # face width, share inside, edge


def photo(rng: random.Random, crop: speed.FaceCrop, case: Case) -> np.ndarray:
    """The photo as fotopoort analyses it: 2000x1500 (max_side), with the face cut."""
    width, inside, edge = case
    scale = width / crop.face_width
    piece = crop.image.resize(
        (max(1, int(crop.image.width * scale)), max(1, int(crop.image.height * scale)))
    )
    canvas = Image.new("RGB", CAMERA, tuple(rng.randrange(60, 200) for _ in range(3)))
    # the crop holds the face centred, half a face of margin left and right, above
    face_left = int(piece.width / 2 - width / 2)
    face_top = int((piece.height - width) / 3)
    outside = int(width * (1 - inside))
    if edge == "left":
        at = (-face_left - outside, rng.randrange(200, 2000))
    elif edge == "right":
        at = (CAMERA[0] - face_left - (width - outside), rng.randrange(200, 2000))
    elif edge == "top":
        at = (rng.randrange(200, 3000), -face_top - outside)
    else:
        at = (rng.randrange(200, 3000), CAMERA[1] - face_top - (width - outside))
    canvas.paste(piece, at)
    return np.asarray(canvas.resize((2000, 1500), Image.Resampling.BILINEAR))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--faces", type=Path, default=Path("../shared/faces"))
    parser.add_argument("--cases", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    crops = [c for cs in speed.face_crops(args.faces, limit=30).values() for c in cs]
    rng = random.Random(args.seed)
    engine = DlibEngine()
    settings = DetectionSettings(max_side=2000, detect_side=1600, upsample=1, min_face_px=60)
    found: dict[float, set[int]] = {pad: set() for pad in PADS}
    spent = dict.fromkeys(PADS, 0.0)
    cases: list[Case] = []
    for i in range(args.cases):
        crop = rng.choice(crops)
        case: Case = (
            rng.choice([80, 110, 160, 240, 360, 520]),
            rng.choice([0.35, 0.5, 0.65, 0.8]),
            rng.choice(["left", "right", "top", "bottom"]),
        )
        cases.append(case)
        pixels = photo(rng, crop, case)
        for pad in PADS:
            faces.FINE_PAD = pad
            start = time.perf_counter()
            if find_boxes(engine, pixels, settings):
                found[pad].add(i)
            spent[pad] += time.perf_counter() - start
    print(f"{args.cases} faces cut by the edge of a 4000x3000 photo (80-520 px, 35-80% inside)")
    for pad in PADS:
        print(
            f"  fine view mirrored by {pad:.2f}: {len(found[pad])} found, "
            f"{spent[pad] / args.cases * 1000:.0f} ms a photo"
        )
    print("  found per share of the face inside the photo (all widths):")
    for share in sorted({c[1] for c in cases}):
        of = [i for i, c in enumerate(cases) if c[1] == share]
        counts = ", ".join(f"{pad:.2f}: {len(found[pad] & set(of))}" for pad in PADS)
        print(f"    {share:.0%} inside, {len(of)} faces: {counts}")
    print("  found per face width (all shares):")
    for width in sorted({c[0] for c in cases}):
        of = [i for i, c in enumerate(cases) if c[0] == width]
        counts = ", ".join(f"{pad:.2f}: {len(found[pad] & set(of))}" for pad in PADS)
        print(f"    {width} px, {len(of)} faces: {counts}")
    for a, b in ((0.10, 0.04), (0.04, 0.10)):
        only = sorted(found[a] - found[b])
        listed = ", ".join(f"{cases[i][0]} px {cases[i][1]:.0%} in at {cases[i][2]}" for i in only)
        print(
            f"  found with {a:.2f}, not with {b:.2f}: {len(only)}"
            + (f" ({listed})" if only else "")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
