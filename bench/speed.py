"""Speed and memory: fotopoort against the face_recognition command-line tool, in one run.

Builds a reproducible folder of camera-size photos (4000x3000 JPEG, 1 to 12 faces, some small,
some stored sideways with an EXIF orientation) from ../shared/faces, enrols the identities, then
runs on the same photos with the same number of cores:

  face_recognition --cpus N KNOWN UNKNOWN            (the peer)
  fotopoort check UNKNOWN --channel portfolio -j N   (first run, then an unchanged re-run)

and prints photos per second, their ratio, faces found by each (against the faces pasted in),
peak memory (RSS of the whole process tree) and the re-run time.

    make bench                       # 60 photos
    python bench/speed.py --photos 2000 --skip-peer   # the memory target on 2,000 photos
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from fotopoort.config import load_policy
from fotopoort.engines.faces import DetectionSettings, DlibEngine, analyze
from fotopoort.media.photos import load_image

VENV_BIN = Path(sys.executable).parent
CAMERA = (4000, 3000)


@dataclass(frozen=True)
class FaceCrop:
    identity: str
    image: Image.Image  # a crop around one face
    face_width: int  # the face's width inside the crop


# --- building the photos -------------------------------------------------------------------


def face_crops(faces_dir: Path, limit: int) -> dict[str, list[FaceCrop]]:
    """Single-person photos cut around their face (found by fotopoort's engine)."""
    engine = DlibEngine()
    settings = DetectionSettings(max_side=2000, detect_side=2000, upsample=1, min_face_px=40)
    crops: dict[str, list[FaceCrop]] = {}
    with (faces_dir / "labels.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["n_faces_expected"] == "1" and r["identities"]]
    for row in rows:
        if len(crops) >= limit and row["identities"] not in crops:
            continue
        path = faces_dir / row["path"]
        image = load_image(path.read_bytes(), max_pixels=80_000_000, max_side=2000)
        found = analyze(engine, image, settings)
        if len(found) != 1:
            continue
        box = found[0].box
        pil = Image.fromarray(image.pixels)
        s = 1 / image.scale
        top, right, bottom, left = (round(v * s) for v in box.as_list())
        pad = (right - left) // 2
        crop = pil.crop((left - pad, top - pad, right + pad, bottom + pad * 2))
        crops.setdefault(row["identities"], []).append(
            FaceCrop(row["identities"], crop, right - left)
        )
    return {k: v for k, v in crops.items() if len(v) >= 2}


def build_scene(rng: random.Random, crops: dict[str, list[FaceCrop]]) -> tuple[Image.Image, int]:
    """A camera-size photo with 1 to 12 people side by side, in rows; some faces small."""
    canvas = Image.new("RGB", CAMERA, tuple(rng.randrange(60, 200) for _ in range(3)))
    n = rng.randint(1, 12)
    people = rng.sample(sorted(crops), min(n, len(crops)))
    cols = min(len(people), 4)
    cell_w, cell_h = CAMERA[0] // cols, CAMERA[1] // ((len(people) + cols - 1) // cols)
    for i, who in enumerate(people):
        crop = rng.choice(crops[who][1:])  # the first photo of each identity is its reference
        target = rng.choice([110, 130, 160, 220, 300, 420])  # face width in pixels
        scale = min(target / crop.face_width, cell_w / crop.image.width, cell_h / crop.image.height)
        size = (max(1, int(crop.image.width * scale)), max(1, int(crop.image.height * scale)))
        piece = crop.image.resize(size, Image.Resampling.LANCZOS)
        x = (i % cols) * cell_w + rng.randrange(0, max(1, cell_w - size[0]))
        y = (i // cols) * cell_h + rng.randrange(0, max(1, cell_h - size[1]))
        canvas.paste(piece, (x, y))
    return canvas, len(people)


def save_photo(rng: random.Random, scene: Image.Image, path: Path) -> None:
    """Every fifth photo is stored sideways with an EXIF orientation that shows it upright."""
    if rng.random() < 0.2:
        exif = Image.Exif()
        exif[0x0112] = 6  # rotate 90 degrees clockwise to view
        scene.transpose(Image.Transpose.ROTATE_90).save(path, quality=90, exif=exif)
    else:
        scene.save(path, quality=90)


def unique_copy(src: bytes, n: int) -> bytes:
    """The same JPEG with a comment segment that makes its content (and hash) unique."""
    comment = f"fotopoort bench copy {n}".encode()
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return src[:2] + segment + src[2:]


def build(work: Path, faces: Path, photos: int, seed: int) -> tuple[Path, Path, Path, int]:
    rng = random.Random(seed)
    crops = face_crops(faces, limit=40)
    known, refs, unknown = work / "known", work / "refs", work / "camp"
    for d in (known, refs, unknown):
        d.mkdir(parents=True)
    template = Path(__file__).parents[1] / "src" / "fotopoort" / "template.yaml"
    policy = load_policy(template)  # the export carries exactly the columns the template maps
    cols = policy.export
    answer_columns = [c for cs in policy.channels.values() for c in cs] + [policy.biometric_column]
    rows = []
    for i, who in enumerate(sorted(crops)):
        nr = f"0{1000000 + i}"[-7:]
        reference = crops[who][0].image
        reference.save(known / f"{who}.jpg", quality=95)
        (refs / nr).mkdir()
        reference.save(refs / nr / "ref.jpg", quality=95)
        rows.append(";".join([nr, who, "Groep", *["Ja"] * len(answer_columns)]))
    header = ";".join([cols.child, cols.name, cols.group, *answer_columns])
    (work / "export.csv").write_text(header + "\r\n" + "\r\n".join(rows) + "\r\n", "utf-8-sig")
    shutil.copy(template, work / "consents.yaml")
    distinct = min(photos, 60)  # beyond that, unique copies of these (no re-encoding)
    total_faces = 0
    for i in range(distinct):
        scene, n = build_scene(rng, crops)
        total_faces += n
        save_photo(rng, scene, unknown / f"p{i:04d}.jpg")
    for i in range(distinct, photos):
        src = unknown / f"p{i % distinct:04d}.jpg"
        (unknown / f"p{i:04d}.jpg").write_bytes(unique_copy(src.read_bytes(), i))
    faces_in_set = total_faces * photos // distinct if photos > distinct else total_faces
    return known, refs, unknown, faces_in_set


# --- running and measuring ------------------------------------------------------------------


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        m = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(m.group(1)) * 1024 if m else 0
        todo.extend(children.get(p, []))
    return total


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss: int
    stdout: str


def run(cmd: list[str], cwd: Path) -> Run:
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out: list[bytes] = []
    reader = threading.Thread(target=lambda: out.append(proc.stdout.read() if proc.stdout else b""))
    reader.start()
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.1)
    reader.join()
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {proc.returncode}")
    return Run(seconds, peak, b"".join(out).decode())


def peer_faces(stdout: str) -> int:
    return sum(1 for row in csv.reader(io.StringIO(stdout)) if row and row[1] != "no_persons_found")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--faces", type=Path, default=Path("../shared/faces"))
    parser.add_argument("--work", type=Path, default=Path("bench-work/speed"))
    parser.add_argument("--photos", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--skip-peer", action="store_true", help="only fotopoort (memory runs)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    print(f"building {args.photos} photos in {args.work} ...", file=sys.stderr)
    known, refs, unknown, pasted = build(args.work.resolve(), args.faces, args.photos, args.seed)
    fotopoort = str(VENV_BIN / "fotopoort")
    cfg = ["--config", str(args.work.resolve() / "consents.yaml")]
    subprocess.run(
        [fotopoort, *cfg, "consents", "import", "export.csv"],
        cwd=args.work,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [fotopoort, *cfg, "enroll", str(refs)], cwd=args.work, check=True, capture_output=True
    )

    figures: dict[str, float | int] = {
        "photos": args.photos,
        "jobs": args.jobs,
        "faces_pasted": pasted,
    }
    check = [
        fotopoort,
        *cfg,
        "check",
        str(unknown),
        "-c",
        "portfolio",
        "--json",
        "-j",
        str(args.jobs),
    ]
    print("fotopoort, first run ...", file=sys.stderr)
    first = run(check, args.work)
    ours_faces = sum(len(p["faces"]) for p in json.loads(first.stdout)["photos"])
    print("fotopoort, unchanged re-run ...", file=sys.stderr)
    again = run(check, args.work)
    figures |= {
        "fotopoort_seconds": round(first.seconds, 2),
        "fotopoort_photos_per_second": round(args.photos / first.seconds, 3),
        "fotopoort_faces_found": ours_faces,
        "fotopoort_peak_rss_mb": round(first.peak_rss / 2**20),
        "rerun_seconds": round(again.seconds, 2),
        "rerun_speedup": round(first.seconds / again.seconds, 1),
    }
    if not args.skip_peer:
        peer_cli = str(VENV_BIN / "face_recognition")
        empty = args.work / "empty"
        empty.mkdir()
        print("face_recognition CLI, known faces only ...", file=sys.stderr)
        startup = run([peer_cli, "--cpus", str(args.jobs), str(known), str(empty)], args.work)
        print("face_recognition CLI ...", file=sys.stderr)
        peer = run([peer_cli, "--cpus", str(args.jobs), str(known), str(unknown)], args.work)
        peer_photo_seconds = peer.seconds - startup.seconds
        figures |= {
            "peer_seconds": round(peer.seconds, 2),
            "peer_startup_seconds": round(startup.seconds, 2),
            "peer_photos_per_second": round(args.photos / peer_photo_seconds, 3),
            "peer_faces_found": peer_faces(peer.stdout),
            "peer_peak_rss_mb": round(peer.peak_rss / 2**20),
            "throughput_ratio": round(peer_photo_seconds / first.seconds, 2),
        }
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def report(f: dict[str, float | int]) -> None:
    print(
        f"\n{f['photos']} photos of 4000x3000, {f['faces_pasted']} faces pasted, {f['jobs']} cores"
    )
    print(f"{'':34}{'fotopoort':>12}{'face_recognition':>18}")
    peer = "peer_seconds" in f
    rows = [
        ("seconds (first run)", "fotopoort_seconds", "peer_seconds"),
        ("photos per second", "fotopoort_photos_per_second", "peer_photos_per_second"),
        ("faces found", "fotopoort_faces_found", "peer_faces_found"),
        ("peak memory, MB (process tree)", "fotopoort_peak_rss_mb", "peer_peak_rss_mb"),
    ]
    for label, ours, theirs in rows:
        print(f"{label:34}{f[ours]!s:>12}{(str(f[theirs]) if peer else '-'):>18}")
    if peer:
        print(
            f"peer start-up (encoding KNOWN), s  {f['peer_startup_seconds']}"
            " (left out of its photos per second)"
        )
        print(f"throughput ratio fotopoort/peer    {f['throughput_ratio']}x")
    print(
        f"unchanged re-run, s                {f['rerun_seconds']} "
        f"({f['rerun_speedup']}x faster than the first run)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
