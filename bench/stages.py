"""Where a photo's time goes: fotopoort's stages against the face_recognition CLI's, photo by photo.

One process, one core, the same camera-size photos as `make bench` (bench/speed.py's builder,
same seed). For each photo, interleaved so that machine load falls on both alike:

  fotopoort: decode (draft mode) | YuNet on the 1600 px view | YuNet on the 640 px view |
             the rest of analyze() (views, boxes) | encoding the faces it would encode
  peer:      decode whole (face_recognition.load_image_file) | HOG on a 1600 px copy,
             upsample 1 (what the CLI does) | encoding the faces it finds

It prints seconds per photo per stage and the ratio of the totals: the upper bound of what
`make bench` can show on 2 cores, without the pool, the database and process start-up.

    python bench/stages.py --faces ../shared/faces [--photos 12]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import face_recognition
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
import speed
from fotopoort.engines import faces as faces_module
from fotopoort.engines.faces import (
    COARSE_SIDE,
    DetectionSettings,
    DlibEngine,
    _detection_view,
    analyze,
    find_boxes,
)
from fotopoort.engines.yunet import YuNetDetector
from fotopoort.media.photos import load_image

T = TypeVar("T")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--faces", type=Path, default=Path("../shared/faces"))
    parser.add_argument("--work", type=Path, default=Path("bench-work/stages"))
    parser.add_argument("--photos", type=int, default=12)
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    print(f"building {args.photos} photos in {args.work} ...", file=sys.stderr)
    _, _, camp, pasted = speed.build(args.work.resolve(), args.faces, args.photos, args.seed)
    settings = DetectionSettings(max_side=2000, detect_side=1600, upsample=1, min_face_px=60)
    engine, yunet = DlibEngine(), YuNetDetector()
    spent: dict[str, float] = defaultdict(float)
    faces = {"fotopoort": 0, "peer": 0}

    def timed(stage: str, work: Callable[..., T], *args: object, **kwargs: object) -> T:
        start = time.perf_counter()
        out = work(*args, **kwargs)
        spent[stage] += time.perf_counter() - start
        return out

    threshold = settings.score_threshold
    photos = sorted(camp.glob("*.jpg"))
    for path in photos:
        data = path.read_bytes()
        image = timed("fotopoort decode", load_image, data, max_pixels=10**8, max_side=2000)
        fine, _ = _detection_view(image.pixels, settings.detect_side)
        coarse, _ = _detection_view(image.pixels, COARSE_SIDE)
        timed("fotopoort YuNet 1600", yunet.find, fine, threshold, faces_module.FINE_PAD)
        timed("fotopoort YuNet 640", yunet.find, coarse, threshold)
        found = timed("fotopoort analyze", analyze, engine, image, settings, encode=False)
        boxes = [b for b in find_boxes(engine, image.pixels, settings) if _side(b) >= 60]
        timed("fotopoort encoding", engine.encode, image.pixels, boxes)
        faces["fotopoort"] += len(found)

        pixels = timed("peer decode", face_recognition.load_image_file, str(path))
        if max(pixels.shape[:2]) > 1600:  # what face_recognition_cli.py does
            pil = Image.fromarray(pixels)
            pil.thumbnail((1600, 1600), Image.Resampling.LANCZOS)
            pixels = np.asarray(pil)
        locations = timed("peer HOG", face_recognition.face_locations, pixels, 1)
        timed("peer encoding", face_recognition.face_encodings, pixels, locations)
        faces["peer"] += len(locations)
    # analyze() runs both YuNet views itself: only its remainder counts as its own stage
    spent["fotopoort analyze"] -= spent["fotopoort YuNet 1600"] + spent["fotopoort YuNet 640"]
    n = len(photos)
    print(f"\n{n} photos of 4000x3000, {pasted} faces pasted, one core, interleaved per photo")
    for tool in ("fotopoort", "peer"):
        total = sum(v for k, v in spent.items() if k.startswith(tool))
        print(f"\n{tool}: {total / n:.3f} s per photo, {faces[tool]} faces found")
        for stage, seconds in spent.items():
            if stage.startswith(tool):
                share = seconds / total
                print(f"  {stage[len(tool) + 1 :]:28s} {seconds / n:7.3f} s  {share:5.1%}")
    ours = sum(v for k, v in spent.items() if k.startswith("fotopoort"))
    theirs = sum(v for k, v in spent.items() if k.startswith("peer"))
    print(f"\nthroughput ratio of the stages alone: {theirs / ours:.2f}x")
    floor = spent["fotopoort encoding"] + spent["fotopoort decode"]
    print(f"with detection free, at most: {theirs / floor:.2f}x")
    return 0


def _side(box: tuple[int, int, int, int]) -> int:
    top, right, bottom, left = box
    return min(right - left, bottom - top)


if __name__ == "__main__":
    sys.exit(main())
