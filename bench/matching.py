"""Matching accuracy benchmark: how often does the product name the wrong person?

Runs the product's own code (fotopoort.images.load_image, fotopoort.faces.analyze with
DlibEngine, fotopoort.matching.identify) on the labelled test faces in ../shared/faces and
measures, for a grid of thresholds:

1. pair verification per pair category (false accept / false reject rates);
2. open-set identification that mirrors enrolment: random rounds in which about half of the
   identities are enrolled with 1-2 reference photos, every other photo is a probe;
3. a worst case with everyone else enrolled: each photo is a probe against a gallery of every
   other photo of every identity (its own identity once kept, once removed).

The dangerous error is a wrong identification (a face named as a different enrolled person, or
a non-enrolled face named as anyone). The recommended thresholds are the ones with the highest
correct-identification rate among those with no wrong identification in any category (tests 2
and 3); if every setting has some, see `recommend`. Test 2 is repeated with a few more seeds to
show how stable that choice is. Results and caveats: docs/accuracy.md.

Run: make bench-matching, or .venv/bin/python bench/matching.py --faces ../shared/faces
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import numpy as np

from _school import age_category, read_csv  # bench/ helpers shared with safety.py
from fotopoort.config import (
    DEFAULT_DETECTION,
    DEFAULT_MAX_PIXELS,
    DEFAULT_THRESHOLDS,
    load_policy,
)
from fotopoort.errors import ImageError
from fotopoort.faces import DetectedFace, DetectionSettings, DlibEngine, analyze
from fotopoort.images import LoadedImage, load_image
from fotopoort.matching import Encoding, Gallery, Match, MatchStatus, Thresholds, identify

MAX_PIXELS = DEFAULT_MAX_PIXELS
# The product's detection, except that every face is encoded: the product sends faces smaller
# than min_face_px to review without trying to identify them (counted in the encoding summary).
DETECTION: DetectionSettings = replace(DEFAULT_DETECTION, min_face_px=0)
PAIR_TOLERANCES = (0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60)
ID_TOLERANCES = (0.35, 0.40, 0.45, 0.48, 0.50, 0.55, 0.60)
MARGINS = (0.0, 0.05, 0.10, 0.15, 0.20, 0.25)
LIBRARY_DEFAULT = (0.60, 0.0)  # face_recognition's compare_faces default, no margin
PRODUCT_RULE = DEFAULT_THRESHOLDS
PRODUCT_DEFAULT = (DEFAULT_THRESHOLDS.tolerance, DEFAULT_THRESHOLDS.margin)  # consents.yaml
REAL = ("adult", "minor")  # the categories of real (not synthetic) faces
CATEGORIES = ("adult", "minor", "synthetic_child")
MAIN_PAIR_CATEGORIES = ("real_adult", "real_minor", "synthetic_child")
N_CLOSEST = 10  # how many closest different-person pairs to list
MAX_CASES = 8  # how many (probe identity -> named identity) pairs to list per test and category

Setting = tuple[float, float]  # (tolerance, margin)


# ----------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Photo:
    path: str
    identity: str
    category: str  # one of CATEGORIES
    photo_key: str  # same_photo_group, or the path itself: copies of one photo share a key


@dataclass(frozen=True)
class Pair:
    path_a: str
    path_b: str
    same: bool
    category: str
    hard_case: str


def load_photos(faces_dir: Path) -> list[Photo]:
    """Single-person photos (exactly one labelled identity), with age category and photo key."""
    extra = {row["path"]: row for row in read_csv(faces_dir / "extra.csv")}
    photos = []
    for row in read_csv(faces_dir / "labels.csv"):
        names = [n for n in row["identities"].split(";") if n]
        if len(names) != 1:
            continue  # group photos and photos of unnamed people
        info = extra[row["path"]]
        key = info["same_photo_group"] or row["path"]
        photos.append(Photo(row["path"], names[0], age_category(info["age_group"]), key))
    return photos


def load_pairs(faces_dir: Path) -> list[Pair]:
    return [
        Pair(r["path_a"], r["path_b"], r["same_person"] == "1", r["category"], r["hard_case"])
        for r in read_csv(faces_dir / "pairs_suggested.csv")
    ]


# ----------------------------------------------------------------------------- encoding


@dataclass(frozen=True)
class Encoded:
    path: str
    encoding: Encoding | None  # of the largest face; None when no face was found
    n_faces: int
    size_px: int  # of the largest face, at max_side
    largest_is_central: bool  # False: another face is nearer the image centre
    error: str | None = None


_ENGINE: DlibEngine | None = None


def _engine() -> DlibEngine:
    global _ENGINE  # one engine per worker process
    if _ENGINE is None:
        _ENGINE = DlibEngine()
    return _ENGINE


def _centre_distance(face: DetectedFace, image: LoadedImage) -> float:
    width, height = image.original_size
    cx = (face.box.left + face.box.right) / 2
    cy = (face.box.top + face.box.bottom) / 2
    return float(np.hypot(cx - width / 2, cy - height / 2))


def encode_photo(job: tuple[str, str]) -> Encoded:
    """Load one photo the product's way and encode its largest face."""
    faces_dir, path = job
    try:
        data = (Path(faces_dir) / path).read_bytes()
        image = load_image(data, max_pixels=MAX_PIXELS, max_side=DETECTION.max_side)
    except ImageError as exc:
        return Encoded(path, None, 0, 0, False, error=str(exc))
    faces = [f for f in analyze(_engine(), image, DETECTION) if f.encoding is not None]
    if not faces:
        return Encoded(path, None, 0, 0, False)
    largest = max(faces, key=lambda f: f.size_px)
    central = min(faces, key=lambda f: _centre_distance(f, image))
    return Encoded(path, largest.encoding, len(faces), largest.size_px, central is largest)


def cache_file(cache_dir: Path) -> Path:
    """One cache file per engine, detection settings and image limit: a change to any of them
    (e.g. another detector in consents.yaml) encodes again instead of reusing stale numbers."""
    key = f"{DlibEngine.name}|{DETECTION.cache_key()}|max_pixels={MAX_PIXELS}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache_dir / f"encodings-{digest}.pkl"


def use_config(path: Path | None) -> None:
    """Detection settings and thresholds from a consents.yaml instead of the defaults, so the
    benchmark measures what a school (or a new default detector) actually runs."""
    global DETECTION, MAX_PIXELS, PRODUCT_RULE
    if path is None:
        return
    policy = load_policy(path)
    DETECTION = replace(policy.detection, min_face_px=0)
    MAX_PIXELS = policy.max_pixels
    PRODUCT_RULE = policy.thresholds


def _stamp(faces_dir: Path, path: str) -> tuple[int, int]:
    st = (faces_dir / path).stat()
    return st.st_size, st.st_mtime_ns


def load_cache(cache: Path | None, faces_dir: Path) -> dict[str, Encoded]:
    """Cached encodings whose photo is unchanged (same size and mtime)."""
    if cache is None or not cache.is_file():
        return {}
    with cache.open("rb") as fh:
        stored: dict[str, tuple[tuple[int, int], Encoded]] = pickle.load(fh)  # our own file
    out = {}
    for path, (stamp, enc) in stored.items():
        if (faces_dir / path).is_file() and _stamp(faces_dir, path) == stamp:
            out[path] = enc
    return out


def save_cache(cache: Path | None, faces_dir: Path, encoded: Mapping[str, Encoded]) -> None:
    if cache is None:
        return
    cache.parent.mkdir(parents=True, exist_ok=True)
    stored = {p: (_stamp(faces_dir, p), e) for p, e in encoded.items()}
    tmp = cache.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(stored, fh)
    tmp.replace(cache)


def encode_all(
    faces_dir: Path, paths: Sequence[str], workers: int, cache_dir: Path | None = None
) -> dict[str, Encoded]:
    cache = cache_file(cache_dir) if cache_dir is not None else None
    cached = load_cache(cache, faces_dir)
    out: dict[str, Encoded] = {p: cached[p] for p in paths if p in cached}
    jobs = [(str(faces_dir), p) for p in paths if p not in out]
    print(f"encodings: {len(out)} from {cache}, {len(jobs)} to compute", file=sys.stderr)
    if not jobs:
        return out
    with Pool(workers) as pool:
        for i, enc in enumerate(pool.imap_unordered(encode_photo, jobs), start=1):
            out[enc.path] = enc
            note = "no face" if enc.encoding is None else f"{enc.n_faces} face(s)"
            print(f"[{i:3d}/{len(jobs)}] {enc.path}: {note}", file=sys.stderr, flush=True)
    save_cache(cache, faces_dir, out)
    return out


# ----------------------------------------------------------------------------- pairs


@dataclass
class PairStats:
    category: str
    n_same: int
    n_diff: int
    false_accepts: dict[str, int]  # tolerance -> different-person pairs with distance <= tol
    false_rejects: dict[str, int]  # tolerance -> same-person pairs with distance > tol
    same_median: float | None
    same_max: float | None
    diff_min: float | None


@dataclass(frozen=True)
class ScoredPair:
    pair: Pair
    distance: float


def distance(a: Encoding, b: Encoding) -> float:
    return float(np.linalg.norm(a - b))


def score_pairs(
    pairs: Iterable[Pair], encodings: Mapping[str, Encoding], keys: Mapping[str, str]
) -> tuple[list[ScoredPair], dict[str, int]]:
    """Distances of usable pairs; counts of pairs left out and why."""
    scored: list[ScoredPair] = []
    skipped = {"same_photo_group": 0, "no_face": 0}
    for p in pairs:
        if keys[p.path_a] == keys[p.path_b]:
            skipped["same_photo_group"] += 1
        elif p.path_a not in encodings or p.path_b not in encodings:
            skipped["no_face"] += 1
        else:
            scored.append(ScoredPair(p, distance(encodings[p.path_a], encodings[p.path_b])))
    return scored, skipped


def pair_stats(category: str, scored: Sequence[ScoredPair]) -> PairStats:
    same = np.array([s.distance for s in scored if s.pair.same])
    diff = np.array([s.distance for s in scored if not s.pair.same])
    return PairStats(
        category=category,
        n_same=len(same),
        n_diff=len(diff),
        false_accepts={f"{t:.2f}": int((diff <= t).sum()) for t in PAIR_TOLERANCES},
        false_rejects={f"{t:.2f}": int((same > t).sum()) for t in PAIR_TOLERANCES},
        same_median=float(np.median(same)) if len(same) else None,
        same_max=float(same.max()) if len(same) else None,
        diff_min=float(diff.min()) if len(diff) else None,
    )


def closest_different(scored: Iterable[ScoredPair]) -> list[ScoredPair]:
    return sorted((s for s in scored if not s.pair.same), key=lambda s: s.distance)[:N_CLOSEST]


def pair_categories(scored: Iterable[ScoredPair]) -> list[str]:
    found = {s.pair.category for s in scored}
    main = [c for c in MAIN_PAIR_CATEGORIES if c in found]
    return main + sorted(found - set(main))


# ----------------------------------------------------------------------------- identification


@dataclass
class Tally:
    """Outcomes of probes of one category under one (tolerance, margin)."""

    enrolled: int = 0  # probes whose identity is in the gallery
    correct: int = 0  # ... identified as themselves
    wrong_enrolled: int = 0  # ... identified as somebody else
    review_enrolled: int = 0  # ... ambiguous or unknown
    strangers: int = 0  # probes whose identity is not in the gallery
    wrong_strangers: int = 0  # ... identified as anybody (any identification is wrong)
    wrong_cases: dict[str, int] = field(default_factory=dict)  # "probe id -> named id": count

    @property
    def wrong(self) -> int:
        return self.wrong_enrolled + self.wrong_strangers

    @property
    def probes(self) -> int:
        return self.enrolled + self.strangers

    def add(self, truth: str, enrolled: bool, match: Match) -> None:
        identified = match.status is MatchStatus.IDENTIFIED
        if identified and match.child != truth:
            case = f"{truth} -> {match.child}" + ("" if enrolled else " (not enrolled)")
            self.wrong_cases[case] = self.wrong_cases.get(case, 0) + 1
        if not enrolled:
            self.strangers += 1
            self.wrong_strangers += int(identified)
            return
        self.enrolled += 1
        if not identified:
            self.review_enrolled += 1
        elif match.child == truth:
            self.correct += 1
        else:
            self.wrong_enrolled += 1


Results = dict[Setting, dict[str, Tally]]


def settings_grid() -> list[Setting]:
    """The (tolerance, margin) grid, plus the product's and the library's defaults."""
    grid = {(t, m) for t in ID_TOLERANCES for m in MARGINS} | {PRODUCT_DEFAULT, LIBRARY_DEFAULT}
    return sorted(grid)


def empty_results() -> Results:
    return {s: {c: Tally() for c in CATEGORIES} for s in settings_grid()}


def run_probe(
    results: Results, gallery: Gallery, probe: Photo, encoding: Encoding, enrolled: bool
) -> None:
    for setting, tallies in results.items():
        match = identify(encoding, gallery, Thresholds(*setting))
        tallies[probe.category].add(probe.identity, enrolled, match)


def photos_by_identity(photos: Iterable[Photo]) -> dict[str, dict[str, list[Photo]]]:
    """identity -> photo_key -> copies of that photo."""
    out: dict[str, dict[str, list[Photo]]] = defaultdict(lambda: defaultdict(list))
    for p in photos:
        out[p.identity][p.photo_key].append(p)
    return out


def pick_enrolled(rng: random.Random, by_id: Mapping[str, Mapping[str, list[Photo]]]) -> set[str]:
    """About half of the identities with >= 2 distinct photos, stratified by category."""
    enrolled: set[str] = set()
    for cat in CATEGORIES:
        eligible = sorted(
            i for i, keys in by_id.items() if len(keys) >= 2 and _category(keys) == cat
        )
        k = len(eligible) // 2 + (len(eligible) % 2 * rng.randint(0, 1))
        enrolled.update(rng.sample(eligible, k))
    return enrolled


def _category(keys: Mapping[str, list[Photo]]) -> str:
    return next(iter(keys.values()))[0].category


def plan_round(
    rng: random.Random, by_id: Mapping[str, Mapping[str, list[Photo]]]
) -> tuple[dict[str, list[Photo]], list[tuple[Photo, bool]]]:
    """References per enrolled identity, and (probe, enrolled?) for one photo of every other key."""
    enrolled = pick_enrolled(rng, by_id)
    references: dict[str, list[Photo]] = {}
    probes: list[tuple[Photo, bool]] = []
    for identity in sorted(by_id):
        keys = sorted(by_id[identity])
        ref_keys: set[str] = set()
        if identity in enrolled:
            n_refs = min(rng.choice((1, 2)), len(keys) - 1)
            ref_keys = set(rng.sample(keys, n_refs))
            references[identity] = [rng.choice(by_id[identity][k]) for k in sorted(ref_keys)]
        probes += [
            (rng.choice(by_id[identity][k]), identity in enrolled)
            for k in keys
            if k not in ref_keys
        ]
    return references, probes


def make_gallery(
    references: Mapping[str, list[Photo]], encodings: Mapping[str, Encoding]
) -> Gallery:
    return Gallery({i: [encodings[p.path] for p in refs] for i, refs in references.items()})


def open_set_rounds(
    photos: Sequence[Photo], encodings: Mapping[str, Encoding], rounds: int, seed: int
) -> tuple[Results, list[int]]:
    """Test 2: random enrolment rounds. Also returns the gallery size of each round."""
    rng = random.Random(seed)
    by_id = photos_by_identity(photos)
    results = empty_results()
    sizes = []
    for _ in range(rounds):
        references, probes = plan_round(rng, by_id)
        gallery = make_gallery(references, encodings)
        sizes.append(len(gallery))
        for probe, enrolled in probes:
            run_probe(results, gallery, probe, encodings[probe.path], enrolled)
    return results, sizes


def rounds_per_seed(
    photos: Sequence[Photo],
    encodings: Mapping[str, Encoding],
    rounds: int,
    seeds: Sequence[int],
    workers: int,
) -> list[tuple[Results, list[int]]]:
    """Test 2 once per seed, in parallel."""
    jobs = [(photos, encodings, rounds, seed) for seed in seeds]
    with Pool(min(workers, len(jobs))) as pool:
        return pool.starmap(open_set_rounds, jobs)


def full_gallery(
    photos: Sequence[Photo], encodings: Mapping[str, Encoding]
) -> tuple[Results, Results]:
    """Test 3: each photo against every other photo of everybody (one probe per photo key).

    Returns (own identity kept through its other photos, own identity removed).
    """
    by_id = photos_by_identity(photos)
    kept, removed = empty_results(), empty_results()
    for identity, keys in sorted(by_id.items()):
        others = {
            i: [p for ps in k.values() for p in ps] for i, k in by_id.items() if i != identity
        }
        run_probes_against(removed, make_gallery(others, encodings), keys, encodings, False)
        if len(keys) < 2:
            continue
        for key in sorted(keys):
            own = [p for k, ps in keys.items() if k != key for p in ps]
            gallery = make_gallery({**others, identity: own}, encodings)
            run_probes_against(kept, gallery, {key: keys[key]}, encodings, True)
    return kept, removed


def run_probes_against(
    results: Results,
    gallery: Gallery,
    keys: Mapping[str, list[Photo]],
    encodings: Mapping[str, Encoding],
    enrolled: bool,
) -> None:
    for key in sorted(keys):
        probe = keys[key][0]
        run_probe(results, gallery, probe, encodings[probe.path], enrolled)


# ----------------------------------------------------------------------------- recommendation


def correct_rate(tallies: Mapping[str, Tally], categories: Sequence[str]) -> float:
    """Correct identifications over all enrolled probes of `categories` (pooled)."""
    enrolled = sum(tallies[c].enrolled for c in categories)
    return sum(tallies[c].correct for c in categories) / enrolled if enrolled else 0.0


def recommend(
    rounds: Results, safety_tests: Sequence[Results], categories: Sequence[str] = CATEGORIES
) -> tuple[Setting, bool]:
    """Best correct rate (test 2) among settings with no wrong identification in any test.

    Only probes of `categories` count. Returns the setting and whether it has zero wrong
    identifications. If no setting has zero, the fallback is: wrong identifications in as few
    categories as possible, then as few in total. (Fewest in total alone is unstable: it can
    prefer a loose tolerance at which look-alike children become "ambiguous" over a strict one
    that names no real person wrongly.) Ties go to the larger margin, then the smaller tolerance.
    """
    tests = [rounds, *safety_tests]

    def rank(s: Setting) -> tuple[int, int, float, float, float]:
        wrong = [sum(t[s][c].wrong for t in tests) for c in categories]
        correct = correct_rate(rounds[s], categories)
        return (sum(w > 0 for w in wrong), sum(wrong), -correct, -s[1], s[0])

    best = min(settings_grid(), key=rank)
    return best, rank(best)[0] == 0


# ----------------------------------------------------------------------------- printing


def pct(k: int, n: int) -> str:
    return f"{100 * k / n:.1f}%" if n else "n/a"


def fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
    print()


def heading(text: str) -> None:
    print(text)
    print("=" * len(text))


def print_encoding_summary(photos: Sequence[Photo], encoded: Mapping[str, Encoded]) -> None:
    heading("Encoding")
    print(f"Detection: {DETECTION.cache_key()} (product: min_face={DEFAULT_DETECTION.min_face_px})")
    found = [e for e in encoded.values() if e.encoding is not None]
    print(f"{len(encoded)} single-person photos encoded, face found in {len(found)}.")
    missing = sorted(p for p, e in encoded.items() if e.encoding is None)
    print(f"No face found ({len(missing)}; left out of every test):")
    for path in missing:
        err = encoded[path].error
        print(f"  {path}" + (f"  ({err})" if err else ""))
    multi = sorted((p, e) for p, e in encoded.items() if e.n_faces > 1)
    print(f"More than one face found ({len(multi)}; the largest is used):")
    for path, e in multi:
        note = "" if e.largest_is_central else "  <- largest face is NOT the most central"
        print(f"  {path}: {e.n_faces} faces{note}")
    small = sorted(p for p, e in encoded.items() if e.encoding is not None and is_small(e))
    print(
        f"Largest face smaller than the product's min_face_px ({DEFAULT_DETECTION.min_face_px}):"
        f" {len(small)} photos (the product would send these to review unidentified)."
    )
    by_cat = {c: sum(p.category == c for p in photos if p.path in encoded) for c in CATEGORIES}
    print("Photos per probe category: " + ", ".join(f"{c} {n}" for c, n in by_cat.items()))
    print()


def is_small(e: Encoded) -> bool:
    return e.size_px < DEFAULT_DETECTION.min_face_px


def print_pairs(stats: Sequence[PairStats], skipped: Mapping[str, int]) -> None:
    heading("1. Pair verification (pairs_suggested.csv)")
    print(
        f"Left out: {skipped['same_photo_group']} pairs within one same_photo_group, "
        f"{skipped['no_face']} pairs with a photo where no face was found."
    )
    print("Distances per category (same = same person, diff = different people):\n")
    print_table(
        ["category", "n same", "same median", "same max", "n diff", "diff min"],
        [
            [
                s.category,
                str(s.n_same),
                fmt(s.same_median),
                fmt(s.same_max),
                str(s.n_diff),
                fmt(s.diff_min),
            ]
            for s in stats
        ],
    )
    tols = [f"{t:.2f}" for t in PAIR_TOLERANCES]
    print("False accept rate: different-person pairs with distance <= tolerance (count):\n")
    print_table(
        ["category", "n diff", *tols],
        [
            [s.category, str(s.n_diff)]
            + [f"{pct(s.false_accepts[t], s.n_diff)} ({s.false_accepts[t]})" for t in tols]
            for s in stats
            if s.n_diff
        ],
    )
    print("False reject rate: same-person pairs with distance > tolerance (count):\n")
    print_table(
        ["category", "n same", *tols],
        [
            [s.category, str(s.n_same)]
            + [f"{pct(s.false_rejects[t], s.n_same)} ({s.false_rejects[t]})" for t in tols]
            for s in stats
            if s.n_same
        ],
    )


def print_closest(scored: Sequence[ScoredPair], pairs: Sequence[Pair]) -> None:
    hard = [p for p in pairs if p.hard_case]
    print(f"Hard cases marked in pairs_suggested.csv: {len(hard)}")
    for p in hard:
        print(f"  {p.hard_case}: {p.path_a} vs {p.path_b}")
    print(f"\nThe {N_CLOSEST} closest different-person pairs (look-alikes, for the model):\n")
    print_table(
        ["distance", "category", "photo a", "photo b"],
        [
            [f"{s.distance:.3f}", s.pair.category, s.pair.path_a, s.pair.path_b]
            for s in closest_different(scored)
        ],
    )


def id_row(setting: Setting, tallies: Mapping[str, Tally]) -> list[str]:
    cells = [f"{setting[0]:.2f}", f"{setting[1]:.2f}"]
    for c in CATEGORIES:
        t = tallies[c]
        cells += [
            f"{t.wrong_enrolled}+{t.wrong_strangers}",
            pct(t.wrong, t.probes),
            pct(t.correct, t.enrolled),
            pct(t.review_enrolled, t.enrolled),
        ]
    return cells


def id_headers() -> list[str]:
    short = {"adult": "adult", "minor": "minor", "synthetic_child": "synth"}
    heads = ["tol", "margin"]
    for c in CATEGORIES:
        s = short[c]
        heads += [f"{s} wrong", f"{s} wrong%", f"{s} correct%", f"{s} review%"]
    return heads


def print_id_table(results: Results) -> None:
    any_tallies = next(iter(results.values()))
    print(
        "Probes per category (enrolled + not enrolled): "
        + ", ".join(f"{c} {t.enrolled}+{t.strangers}" for c, t in any_tallies.items())
    )
    print(
        "wrong = enrolled probes named as another person + non-enrolled probes named as anyone;"
        "\nwrong% of all probes; correct% and review% (ambiguous+unknown) of enrolled probes.\n"
    )
    print_table(id_headers(), [id_row(s, results[s]) for s in settings_grid()])


def wrong_cell(t: Tally) -> str:
    return f"{t.wrong} ({pct(t.wrong, t.probes)})"


def print_removed_table(removed: Results) -> None:
    any_tallies = next(iter(removed.values()))
    print(
        "Own identity removed, everybody else enrolled with all photos; any identification is "
        "wrong.\nProbes: " + ", ".join(f"{c} {t.strangers}" for c, t in any_tallies.items())
    )
    print()
    heads = ["tol", "margin"] + [f"{c} wrong" for c in CATEGORIES]
    rows = [
        [f"{s[0]:.2f}", f"{s[1]:.2f}"] + [wrong_cell(removed[s][c]) for c in CATEGORIES]
        for s in settings_grid()
    ]
    print_table(heads, rows)


@dataclass(frozen=True)
class IdTests:
    rounds: Results  # test 2
    kept: Results  # test 3, own identity enrolled through its other photos
    removed: Results  # test 3, own identity not enrolled


def summary_rows(label: str, s: Setting, tests: IdTests) -> list[list[str]]:
    rows = []
    for c in CATEGORIES:
        r, k = tests.rounds[s][c], tests.kept[s][c]
        wrong_3 = k.wrong + tests.removed[s][c].wrong
        correct_2, correct_3 = pct(r.correct, r.enrolled), pct(k.correct, k.enrolled)
        rows.append(
            [label, f"{s[0]:.2f}/{s[1]:.2f}", c, str(r.wrong), correct_2, str(wrong_3), correct_3]
        )
    return rows


def print_wrong_cases(label: str, s: Setting, tests: IdTests) -> None:
    """Who was named as whom (counts over all rounds and probes)."""
    print(f"Wrong identifications at {label} ({s[0]:.2f}/{s[1]:.2f}), probe -> named as: count")
    found = False
    for name, results in (
        ("test 2", tests.rounds),
        ("test 3", tests.kept),
        ("test 3", tests.removed),
    ):
        for c in CATEGORIES:
            cases = sorted(results[s][c].wrong_cases.items(), key=lambda kv: (-kv[1], kv[0]))
            for case, n in cases[:MAX_CASES]:
                print(f"  {name}  {c:<15}  {case}: {n}")
            if len(cases) > MAX_CASES:
                rest = sum(n for _, n in cases[MAX_CASES:])
                print(f"  {name}  {c:<15}  ... {len(cases) - MAX_CASES} more pairs: {rest}")
            found = found or bool(cases)
    if not found:
        print("  none")
    print()


def print_recommendation(
    candidates: Sequence[tuple[str, Setting]], zero: bool, tests: IdTests
) -> None:
    heading("Recommendation")
    setting = candidates[0][1]
    rule = "no wrong identification" if zero else "NO setting is free of wrong identifications"
    print(f"Recommended tolerance {setting[0]:.2f}, margin {setting[1]:.2f} ({rule}).")
    print(
        "Rule: highest correct-identification rate (test 2, all enrolled probes) among settings\n"
        "with no wrong identification in any category in tests 2 and 3. If there is none: wrong\n"
        "identifications in as few categories as possible, then as few as possible in total.\n"
    )
    rows = [row for label, s in candidates for row in summary_rows(label, s, tests)]
    heads = ["setting", "tol/margin", "category", "wrong (2)", "correct (2)", "wrong (3)"]
    print_table([*heads, "correct (3)"], rows)
    for label, s in candidates:
        print_wrong_cases(label, s, tests)


# ----------------------------------------------------------------------------- JSON


def results_json(results: Results) -> list[dict[str, Any]]:
    return [
        {"tolerance": s[0], "margin": s[1]}
        | {c: asdict(t) | {"wrong": t.wrong} for c, t in tallies.items()}
        for s, tallies in results.items()
    ]


@dataclass
class Report:
    faces_dir: str
    rounds: int
    seed: int
    extra_seeds: int
    runtime_s: float = 0.0
    encoding: dict[str, Any] = field(default_factory=dict)
    pairs: dict[str, Any] = field(default_factory=dict)
    open_set: dict[str, Any] = field(default_factory=dict)
    full_gallery: dict[str, Any] = field(default_factory=dict)
    recommended: dict[str, Any] = field(default_factory=dict)
    stability: list[Any] = field(default_factory=list)


# ----------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure how often fotopoort's face matching names the wrong person.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--faces", type=Path, required=True, help="the shared faces folder")
    parser.add_argument("--json", type=Path, help="also write every number to this JSON file")
    parser.add_argument("--rounds", type=int, default=100, help="open-set identification rounds")
    parser.add_argument("--seed", type=int, default=20240901, help="random seed for the rounds")
    parser.add_argument(
        "--extra-seeds",
        type=int,
        default=3,
        help="repeat the open-set test with this many further seeds, to show how stable the "
        "recommendation is",
    )
    parser.add_argument("--workers", type=int, default=2, help="encoding processes")
    parser.add_argument(
        "--config",
        type=Path,
        help="take the detection settings and thresholds from this consents.yaml "
        "(default: the product's defaults)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path("bench-work/matching"),
        help="folder for cached encodings (keyed by engine and detection settings)",
    )
    parser.add_argument("--no-cache", action="store_true", help="encode every photo again")
    return parser.parse_args(argv)


def encoding_report(photos: Sequence[Photo], encoded: Mapping[str, Encoded]) -> dict[str, Any]:
    print_encoding_summary(photos, encoded)
    return {
        "photos": len(encoded),
        "no_face": sorted(p for p, e in encoded.items() if e.encoding is None),
        "several_faces": {p: e.n_faces for p, e in sorted(encoded.items()) if e.n_faces > 1},
        "below_product_min_face_px": sorted(
            p for p, e in encoded.items() if e.encoding is not None and is_small(e)
        ),
        "detection": asdict(DETECTION),
    }


def pairs_report(
    photos: Sequence[Photo], pairs: Sequence[Pair], encodings: Mapping[str, Encoding]
) -> dict[str, Any]:
    """Test 1."""
    keys = {p.path: p.photo_key for p in photos}
    scored, skipped = score_pairs(pairs, encodings, keys)
    stats = [
        pair_stats(c, [s for s in scored if s.pair.category == c]) for c in pair_categories(scored)
    ]
    print_pairs(stats, skipped)
    print_closest(scored, pairs)
    return {
        "skipped": skipped,
        "hard_cases_marked": sum(bool(p.hard_case) for p in pairs),
        "categories": [asdict(s) for s in stats],
        "closest_different": [
            {"distance": s.distance, "a": s.pair.path_a, "b": s.pair.path_b}
            for s in closest_different(scored)
        ],
    }


def identification_tests(
    photos: Sequence[Photo], encodings: Mapping[str, Encoding], report: Report, workers: int
) -> tuple[IdTests, list[tuple[int, Results]]]:
    """Tests 2 and 3; also test 2 with the extra seeds, as (seed, results)."""
    seeds = [report.seed + i for i in range(report.extra_seeds + 1)]
    per_seed = rounds_per_seed(photos, encodings, report.rounds, seeds, workers)
    rounds, sizes = per_seed[0]
    heading(f"2. Open-set identification ({report.rounds} rounds, seed {report.seed})")
    print(f"Gallery size per round: {min(sizes)}-{max(sizes)} identities, 1-2 photos each.")
    print_id_table(rounds)
    report.open_set = {"gallery_sizes": sizes, "results": results_json(rounds)}

    heading("3. Full gallery (worst case: every other photo of everybody enrolled)")
    kept, removed = full_gallery(photos, encodings)
    print("Own identity kept (enrolled through its other photos):")
    print_id_table(kept)
    print_removed_table(removed)
    report.full_gallery = {"kept": results_json(kept), "removed": results_json(removed)}
    others = [(seed, r) for seed, (r, _) in zip(seeds[1:], per_seed[1:], strict=True)]
    return IdTests(rounds, kept, removed), others


def stability_report(tests: IdTests, others: Sequence[tuple[int, Results]]) -> list[Any]:
    """The selection repeated with test 2 run on other seeds (test 3 does not depend on it)."""
    heading("Stability: the same selection with other seeds for test 2")
    rows, out = [], []
    for seed, rounds in others:
        safety = [tests.kept, tests.removed]
        (s, zero), (real, _) = recommend(rounds, safety), recommend(rounds, safety, REAL)
        wrong = "/".join(str(rounds[s][c].wrong) for c in CATEGORIES)
        correct = "/".join(pct(rounds[s][c].correct, rounds[s][c].enrolled) for c in CATEGORIES)
        rows.append(
            [str(seed), f"{s[0]:.2f}/{s[1]:.2f}", wrong, correct, f"{real[0]:.2f}/{real[1]:.2f}"]
        )
        out.append({"seed": seed, "recommended": s, "zero_wrong": zero, "real_faces_only": real})
    if not rows:
        print("(no extra seeds)\n")
        return out
    heads = ["seed", "recommended", "wrong (2) a/m/s", "correct (2) a/m/s", "real faces only"]
    print_table(heads, rows)
    return out


def recommendation_report(tests: IdTests) -> dict[str, Any]:
    safety = [tests.kept, tests.removed]
    setting, zero = recommend(tests.rounds, safety)
    real_setting, real_zero = recommend(tests.rounds, safety, REAL)
    candidates = [("recommended", setting)]
    if real_setting != setting:
        label = "best for real faces only" + ("" if real_zero else " (not 0)")
        candidates.append((label, real_setting))
    candidates.append(("product default", PRODUCT_DEFAULT))
    candidates.append(("library default", LIBRARY_DEFAULT))
    print_recommendation(candidates, zero, tests)
    return {
        "tolerance": setting[0],
        "margin": setting[1],
        "zero_wrong": zero,
        "real_faces_only": {
            "tolerance": real_setting[0],
            "margin": real_setting[1],
            "zero_wrong": real_zero,
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    start = time.monotonic()
    photos = load_photos(args.faces)
    use_config(args.config)
    cache = None if args.no_cache else args.cache
    encoded = encode_all(args.faces, [p.path for p in photos], args.workers, cache)
    encodings = {p: e.encoding for p, e in encoded.items() if e.encoding is not None}
    usable = [p for p in photos if p.path in encodings]
    report = Report(str(args.faces), args.rounds, args.seed, args.extra_seeds)

    report.encoding = encoding_report(photos, encoded)
    report.pairs = pairs_report(photos, load_pairs(args.faces), encodings)
    tests, others = identification_tests(usable, encodings, report, args.workers)
    report.recommended = recommendation_report(tests)
    report.stability = stability_report(tests, others)

    report.runtime_s = round(time.monotonic() - start, 1)
    print(f"Total runtime: {report.runtime_s:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
