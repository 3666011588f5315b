"""Matching accuracy benchmark: how often does the product name the wrong person?

Runs the product's own code (fotopoort.media.photos.load_image, fotopoort.engines.faces.analyze with
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
from dataclasses import asdict, astuple, dataclass, field, replace
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
from fotopoort.engines.faces import DetectedFace, DetectionSettings, DlibEngine, analyze
from fotopoort.errors import ImageError
from fotopoort.matching import (
    Encoding,
    Gallery,
    Match,
    MatchStatus,
    Thresholds,
    identify_distances,
)
from fotopoort.media.photos import LoadedImage, load_image

MAX_PIXELS = DEFAULT_MAX_PIXELS
# The product's detection, except that every face is encoded: the product sends faces smaller
# than min_face_px to review without trying to identify them (counted in the encoding summary).
DETECTION: DetectionSettings = replace(DEFAULT_DETECTION, min_face_px=0)
PAIR_TOLERANCES = (0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60)
PRODUCT_RULE = DEFAULT_THRESHOLDS  # consents.yaml's rule (--config), or the product's default
NO_RANGE = 3.0  # a spread_factor this large makes the radius the tolerance: no per-child range
# The rule before issue 12: tolerance 0.48 and margin 0.20 only (here with every reference of
# the child within tolerance, which the old rule did not ask; it names no more faces than it).
PREVIOUS_RULE = Thresholds(0.48, 0.20, NO_RANGE, 1, 0.0, single_reference_range=0.48)
# face_recognition's default, no margin
LIBRARY_RULE = Thresholds(0.60, 0.0, NO_RANGE, 1, 0.0, single_reference_range=0.60)
LOOKALIKE_NEIGHBOURS = (1, 2, 5)
REFERENCE_COUNTS = (1, 2, 3, 5)
REAL = ("adult", "minor")  # the categories of real (not synthetic) faces
CATEGORIES = ("adult", "minor", "synthetic_child")
MAIN_PAIR_CATEGORIES = ("real_adult", "real_minor", "synthetic_child")
N_CLOSEST = 10  # how many closest different-person pairs to list
MAX_CASES = 8  # how many (probe identity -> named identity) pairs to list per test and category

Setting = Thresholds  # one candidate rule


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
    """Outcomes of probes of one category under one rule."""

    enrolled: int = 0  # probes whose identity is in the gallery
    correct: int = 0  # ... identified as themselves
    wrong_enrolled: int = 0  # ... identified as somebody else
    review_enrolled: int = 0  # ... ambiguous or unknown
    strangers: int = 0  # probes whose identity is not in the gallery
    wrong_strangers: int = 0  # ... identified as anybody (any identification is wrong)
    wrong_cases: dict[str, int] = field(default_factory=dict)  # "probe id -> named id": count
    # The wrong candidate that came closest to being named: its reach (distance to its furthest
    # reference) minus its range; <= 0 means within range (stopped only by margin or guard).
    closest_slack: float | None = None
    closest_case: str = ""

    @property
    def wrong(self) -> int:
        return self.wrong_enrolled + self.wrong_strangers

    @property
    def probes(self) -> int:
        return self.enrolled + self.strangers

    def add(self, truth: str, enrolled: bool, match: Match) -> None:
        identified = match.status is MatchStatus.IDENTIFIED
        if match.child not in (None, truth) and None not in (match.reach, match.radius):
            assert match.reach is not None and match.radius is not None
            slack = match.reach - match.radius
            if self.closest_slack is None or slack < self.closest_slack:
                self.closest_slack = slack
                where = f"reach {match.reach:.3f}, range {match.radius:.3f}"
                self.closest_case = f"{truth} -> {match.child} ({where})"
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

    def merge(self, other: Tally) -> None:
        for name in ("enrolled", "correct", "wrong_enrolled", "review_enrolled", "strangers"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.wrong_strangers += other.wrong_strangers
        if other.closest_slack is not None and (
            self.closest_slack is None or other.closest_slack < self.closest_slack
        ):
            self.closest_slack, self.closest_case = other.closest_slack, other.closest_case
        for case, n in other.wrong_cases.items():
            self.wrong_cases[case] = self.wrong_cases.get(case, 0) + n


Results = dict[Setting, dict[str, Tally]]


def settings_grid() -> list[Setting]:
    """The candidate rules: the product's rule, each of its five numbers moved on its own in
    both directions, the previous rule and the library's default."""
    base = PRODUCT_RULE
    grid = {
        base,
        PREVIOUS_RULE,
        LIBRARY_RULE,
        *(replace(base, tolerance=t) for t in (0.40, 0.45, 0.50, 0.55)),
        *(replace(base, margin=m) for m in (0.0, 0.05, 0.15, 0.20, 0.25)),
        *(replace(base, spread_factor=f) for f in (0.85, 0.90, 0.95, 1.0, 1.05, 1.1, 1.2, 1.5)),
        replace(base, spread_factor=NO_RANGE),
        *(replace(base, min_references=n) for n in (1, 2, 3)),
        *(replace(base, lookalike_factor=g) for g in (0.0, 1.5)),
        *(replace(base, single_reference_range=r) for r in (0.0, 0.25, 0.28, 0.30, 0.32, 0.35)),
    }
    return sorted(grid, key=astuple)


def empty_results() -> Results:
    return {s: {c: Tally() for c in CATEGORIES} for s in settings_grid()}


def merge_results(into: Results, other: Results) -> None:
    for s, tallies in other.items():
        for c, t in tallies.items():
            into[s][c].merge(t)


def run_probe(
    results: Results, gallery: Gallery, probe: Photo, encoding: Encoding, enrolled: bool
) -> None:
    distances = gallery.reference_distances(encoding)  # once; every rule decides from them
    for setting, tallies in results.items():
        match = identify_distances(distances, gallery, setting)
        tallies[probe.category].add(probe.identity, enrolled, match)


def photos_by_identity(photos: Iterable[Photo]) -> dict[str, dict[str, list[Photo]]]:
    """identity -> photo_key -> copies of that photo."""
    out: dict[str, dict[str, list[Photo]]] = defaultdict(lambda: defaultdict(list))
    for p in photos:
        out[p.identity][p.photo_key].append(p)
    return out


def pick_enrolled(
    rng: random.Random, by_id: Mapping[str, Mapping[str, list[Photo]]], min_photos: int = 2
) -> set[str]:
    """About half of the identities with >= `min_photos` distinct photos, per category."""
    enrolled: set[str] = set()
    for cat in CATEGORIES:
        eligible = sorted(
            i for i, keys in by_id.items() if len(keys) >= min_photos and _category(keys) == cat
        )
        k = len(eligible) // 2 + (len(eligible) % 2 * rng.randint(0, 1))
        enrolled.update(rng.sample(eligible, k))
    return enrolled


def _category(keys: Mapping[str, list[Photo]]) -> str:
    return next(iter(keys.values()))[0].category


def plan_round(
    rng: random.Random,
    by_id: Mapping[str, Mapping[str, list[Photo]]],
    n_refs: int | None = None,
) -> tuple[dict[str, list[Photo]], list[tuple[Photo, bool]]]:
    """References per enrolled identity, and (probe, enrolled?) for one photo of every other key.
    With `n_refs`, every enrolled identity has exactly that many references (only identities
    with at least one photo more can be enrolled); otherwise 1 or 2."""
    enrolled = pick_enrolled(rng, by_id, 2 if n_refs is None else n_refs + 1)
    references: dict[str, list[Photo]] = {}
    probes: list[tuple[Photo, bool]] = []
    for identity in sorted(by_id):
        keys = sorted(by_id[identity])
        ref_keys: set[str] = set()
        if identity in enrolled:
            count = rng.choice((1, 2)) if n_refs is None else n_refs
            ref_keys = set(rng.sample(keys, min(count, len(keys) - 1)))
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
    photos: Sequence[Photo],
    encodings: Mapping[str, Encoding],
    rounds: int,
    seed: int,
    n_refs: int | None = None,
) -> tuple[Results, list[int]]:
    """Test 2 (and 5, with `n_refs`): random enrolment rounds; also the gallery sizes."""
    rng = random.Random(seed)
    by_id = photos_by_identity(photos)
    results = empty_results()
    sizes = []
    for _ in range(rounds):
        references, probes = plan_round(rng, by_id, n_refs)
        gallery = make_gallery(references, encodings)
        sizes.append(len(gallery))
        for probe, enrolled in probes:
            run_probe(results, gallery, probe, encodings[probe.path], enrolled)
    return results, sizes


def identity_distance(
    a: Mapping[str, list[Photo]], b: Mapping[str, list[Photo]], enc: Any
) -> float:
    """How alike two people are to the model: their closest pair of photos."""
    ea = np.array([enc[ps[0].path] for ps in a.values()])
    eb = np.array([enc[ps[0].path] for ps in b.values()])
    return float(np.linalg.norm(ea[:, None, :] - eb[None, :, :], axis=2).min())


def nearest_identities(
    by_id: Mapping[str, Mapping[str, list[Photo]]], encodings: Mapping[str, Encoding]
) -> dict[str, list[tuple[str, float]]]:
    """Per identity, every other identity from the most alike to the least."""
    ids = sorted(by_id)
    dist = {
        (a, b): identity_distance(by_id[a], by_id[b], encodings)
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
    }
    return {
        x: sorted(((y, dist[min(x, y), max(x, y)]) for y in ids if y != x), key=lambda t: t[1])
        for x in ids
    }


def lookalike_test(
    photos: Sequence[Photo], encodings: Mapping[str, Encoding], seed: int, repeats: int
) -> dict[int, Results]:
    """Test 4, the unenrolled sibling: for every identity X, enrol only its k most alike others
    (never X), each with 1, 2, 3 and 5 references (as many as it has), and probe every photo of
    X. Any identification is wrong. Per k: the results, pooled over reference counts and
    `repeats` random choices of references."""
    rng = random.Random(seed)
    by_id = photos_by_identity(photos)
    nearest = nearest_identities(by_id, encodings)
    out = {k: empty_results() for k in LOOKALIKE_NEIGHBOURS}
    for k in LOOKALIKE_NEIGHBOURS:
        for x in sorted(by_id):
            neighbours = [y for y, _ in nearest[x][:k]]
            probes = [by_id[x][key][0] for key in sorted(by_id[x])]
            for n_refs in REFERENCE_COUNTS:
                for _ in range(repeats):
                    refs = {
                        y: [
                            by_id[y][key][0]
                            for key in rng.sample(sorted(by_id[y]), min(n_refs, len(by_id[y])))
                        ]
                        for y in neighbours
                    }
                    gallery = make_gallery(refs, encodings)
                    for probe in probes:
                        run_probe(out[k], gallery, probe, encodings[probe.path], False)
    return out


def reference_count_test(
    photos: Sequence[Photo], encodings: Mapping[str, Encoding], rounds: int, seed: int
) -> dict[int, Results]:
    """Test 5: test 2 with exactly 1, 2, 3 or 5 references per enrolled identity."""
    return {
        n: open_set_rounds(photos, encodings, rounds, seed + 1000 * n, n)[0]
        for n in REFERENCE_COUNTS
    }


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


@dataclass(frozen=True)
class IdTests:
    rounds: Results  # test 2, main seed
    kept: Results  # test 3, own identity enrolled through its other photos
    removed: Results  # test 3, own identity not enrolled
    lookalike: dict[int, Results]  # test 4, per number of enrolled look-alikes
    ref_counts: dict[int, Results]  # test 5, per number of references
    other_seeds: list[tuple[int, Results]]  # test 2 with the extra seeds

    def named(self) -> list[tuple[str, Results]]:
        """Every test a rule must pass with no wrong identification."""
        return [
            ("test 2", self.rounds),
            *((f"test 2 seed {seed}", r) for seed, r in self.other_seeds),
            ("test 3 kept", self.kept),
            ("test 3 removed", self.removed),
            *((f"test 4 look-alikes {k}", r) for k, r in self.lookalike.items()),
            *((f"test 5 {n} refs", r) for n, r in self.ref_counts.items()),
        ]


def total_wrong(tests: IdTests, s: Setting, category: str) -> int:
    return sum(r[s][category].wrong for _, r in tests.named())


def correct_rate(tallies: Mapping[str, Tally], categories: Sequence[str]) -> float:
    """Correct identifications over all enrolled probes of `categories` (pooled)."""
    enrolled = sum(tallies[c].enrolled for c in categories)
    return sum(tallies[c].correct for c in categories) / enrolled if enrolled else 0.0


def recommend(tests: IdTests, categories: Sequence[str] = CATEGORIES) -> tuple[Setting, bool]:
    """The rule that names the most real minors correctly (test 2), then the most adults,
    among those with no wrong identification in any category, test or seed. If none has zero:
    wrong identifications in as few categories as possible, then as few in total."""

    def rank(s: Setting) -> tuple[int, int, float, float]:
        wrong = [total_wrong(tests, s, c) for c in categories]
        minor = correct_rate(tests.rounds[s], ["minor"])
        adult = correct_rate(tests.rounds[s], ["adult"])
        return (sum(w > 0 for w in wrong), sum(wrong), -minor, -adult)

    best = min(settings_grid(), key=lambda s: (rank(s), astuple(s)))
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


def rule_cells(s: Setting) -> list[str]:
    spread = "off" if s.spread_factor >= NO_RANGE else f"{s.spread_factor:.2f}"
    lookalike = "off" if s.lookalike_factor <= 0 else f"{s.lookalike_factor:.1f}"
    single = "off" if s.single_reference_range <= 0 else f"{s.single_reference_range:.2f}"
    refs = str(s.min_references)
    return [f"{s.tolerance:.2f}", f"{s.margin:.2f}", spread, refs, lookalike, single]


RULE_HEADS = ["tol", "margin", "range", "refs", "l-alike", "1-ref"]


def rule_text(s: Setting) -> str:
    return "/".join(rule_cells(s))


def slash(values: Iterable[object]) -> str:
    return "/".join(str(v) for v in values)


def print_id_table(results: Results) -> None:
    """wrong (enrolled named as another + not enrolled named), correct% and review% per
    category."""
    any_tallies = next(iter(results.values()))
    print(
        "Probes per category (enrolled + not enrolled): "
        + ", ".join(f"{c} {t.enrolled}+{t.strangers}" for c, t in any_tallies.items())
    )
    short = {"adult": "adult", "minor": "minor", "synthetic_child": "synth"}
    heads = list(RULE_HEADS)
    for c in CATEGORIES:
        heads += [f"{short[c]} wrong", f"{short[c]} correct%", f"{short[c]} review%"]
    rows = []
    for s in settings_grid():
        cells = rule_cells(s)
        for c in CATEGORIES:
            t = results[s][c]
            cells += [
                f"{t.wrong_enrolled}+{t.wrong_strangers}",
                pct(t.correct, t.enrolled),
                pct(t.review_enrolled, t.enrolled),
            ]
        rows.append(cells)
    print()
    print_table(heads, rows)


def print_wrong_only(title: str, per_test: Mapping[str, Results]) -> None:
    """Per rule: wrong identifications adult/minor/synthetic for each of several tests."""
    heads = [*RULE_HEADS, *per_test]
    rows = [
        rule_cells(s) + [slash(r[s][c].wrong for c in CATEGORIES) for r in per_test.values()]
        for s in settings_grid()
    ]
    print(title + "\n")
    print_table(heads, rows)


def print_worst(label: str, s: Setting, results: Mapping[int, Results]) -> None:
    """The look-alike test's worst identities by name, at one rule."""
    print(f"Worst identities in test 4 at {label} ({rule_text(s)}): probe -> named as: count")
    found = False
    for k, r in results.items():
        for c in CATEGORIES:
            cases = sorted(r[s][c].wrong_cases.items(), key=lambda kv: (-kv[1], kv[0]))
            for case, n in cases[:MAX_CASES]:
                print(f"  {k} look-alike(s)  {c:<15}  {case}: {n}")
            found = found or bool(cases)
    if not found:
        print("  none")
    print()


def print_closest_wrong(s: Setting, tests: IdTests) -> dict[str, Any]:
    """How close the recommended rule came to a wrong identification, per test and category:
    the wrong candidate with the smallest reach - range."""
    print(
        f"Closest wrong candidate at the recommended rule ({rule_text(s)}): reach - range\n"
        "(the distance by which the nearest wrong child's range was missed; <= 0: inside its\n"
        "range, kept out only by the margin or the look-alike guard)\n"
    )
    rows, out = [], {}
    for name, r in tests.named():
        for c in CATEGORIES:
            t = r[s][c]
            if t.closest_slack is None:
                continue
            rows.append([name, c, f"{t.closest_slack:+.3f}", t.closest_case])
            out[f"{name} / {c}"] = {"slack": t.closest_slack, "case": t.closest_case}
    rows.sort(key=lambda row: float(row[2]))
    print_table(["test", "category", "slack", "probe -> nearest wrong child"], rows[:12])
    return out


def print_ref_counts(
    rules: Sequence[tuple[str, Setting]], ref_counts: Mapping[int, Results]
) -> None:
    heads = ["rule", "refs", "wrong a/m/s", "correct a/m/s", "enrolled probes a/m/s"]
    rows = []
    for label, s in rules:
        for n, r in ref_counts.items():
            t = r[s]
            rows.append(
                [
                    f"{label} ({rule_text(s)})",
                    str(n),
                    slash(t[c].wrong for c in CATEGORIES),
                    slash(pct(t[c].correct, t[c].enrolled) for c in CATEGORIES),
                    slash(t[c].enrolled for c in CATEGORIES),
                ]
            )
    print_table(heads, rows)


def print_summary(tests: IdTests) -> None:
    heading("Summary: every rule, every test")
    print(
        "wrong = wrong identifications adult/minor/synthetic child summed over every test and\n"
        "seed (2, 2 with other seeds, 3, 4 at 1/2/5 look-alikes, 5 at 1/2/3/5 references);\n"
        "correct = enrolled probes named as themselves in test 2 (1-2 references).\n"
    )
    heads = [*RULE_HEADS, "wrong a/m/s", "correct adult", "correct minor", "correct synth"]
    rows = []
    for s in settings_grid():
        wrong = slash(total_wrong(tests, s, c) for c in CATEGORIES)
        r = tests.rounds[s]
        rows.append(
            rule_cells(s) + [wrong] + [pct(r[c].correct, r[c].enrolled) for c in CATEGORIES]
        )
    print_table(heads, rows)


def print_recommendation(setting: Setting, zero: bool, tests: IdTests) -> None:
    heading("Recommendation")
    rule = "no wrong identification anywhere" if zero else "NO rule is free of wrong ones"
    print(f"Recommended rule: {rule_text(setting)} ({rule}).")
    print(
        f"  = matching: tolerance {setting.tolerance:.2f}, margin {setting.margin:.2f}, "
        f"spread_factor {setting.spread_factor}, min_references {setting.min_references}, "
        f"lookalike_factor {setting.lookalike_factor}, "
        f"single_reference_range {setting.single_reference_range}"
    )
    print(
        "Choice: the most real minors named correctly (test 2), then the most adults, among\n"
        "the rules with no wrong identification in any category, test or seed.\n"
    )
    for label, s in (("product rule", PRODUCT_RULE), ("previous rule", PREVIOUS_RULE)):
        print(f"{label} ({rule_text(s)}): wrong a/m/s per test")
        for name, r in tests.named():
            print(f"  {name:<24} {slash(r[s][c].wrong for c in CATEGORIES)}")
        print()


# ----------------------------------------------------------------------------- JSON


def results_json(results: Results) -> list[dict[str, Any]]:
    return [
        asdict(s) | {c: asdict(t) | {"wrong": t.wrong} for c, t in tallies.items()}
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
    lookalike: dict[str, Any] = field(default_factory=dict)
    reference_counts: dict[str, Any] = field(default_factory=dict)
    recommended: dict[str, Any] = field(default_factory=dict)
    other_seeds: dict[str, Any] = field(default_factory=dict)


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
        help="repeat the open-set test with this many further seeds; a rule must have no wrong "
        "identification at any of them",
    )
    parser.add_argument(
        "--ref-rounds", type=int, default=30, help="rounds per reference count (test 5)"
    )
    parser.add_argument(
        "--lookalike-repeats",
        type=int,
        default=3,
        help="random choices of the look-alikes' references per reference count (test 4)",
    )
    parser.add_argument("--workers", type=int, default=2, help="encoding processes")
    parser.add_argument(
        "--config",
        type=Path,
        help="take the detection settings and the rule from this consents.yaml "
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


def _test_4_and_5(
    photos: Sequence[Photo], encodings: Mapping[str, Encoding], args: argparse.Namespace
) -> tuple[dict[int, Results], dict[int, Results]]:
    return (
        lookalike_test(photos, encodings, args.seed, args.lookalike_repeats),
        reference_count_test(photos, encodings, args.ref_rounds, args.seed),
    )


def identification_tests(
    photos: Sequence[Photo],
    encodings: Mapping[str, Encoding],
    report: Report,
    args: argparse.Namespace,
) -> IdTests:
    seeds = [report.seed + i for i in range(report.extra_seeds + 1)]
    with Pool(max(1, args.workers)) as pool:
        later = pool.apply_async(_test_4_and_5, (photos, encodings, args))
        per_seed = pool.starmap(
            open_set_rounds, [(photos, encodings, report.rounds, s) for s in seeds]
        )
        kept, removed = full_gallery(photos, encodings)
        lookalike, ref_counts = later.get()
    rounds, sizes = per_seed[0]
    heading(f"2. Open-set identification ({report.rounds} rounds, seed {report.seed})")
    print(f"Gallery size per round: {min(sizes)}-{max(sizes)} identities, 1-2 photos each.")
    print_id_table(rounds)
    report.open_set = {"gallery_sizes": sizes, "results": results_json(rounds)}
    others = [(seed, r) for seed, (r, _) in zip(seeds[1:], per_seed[1:], strict=True)]
    if others:
        print_wrong_only(
            "Test 2 with other seeds: wrong identifications adult/minor/synthetic",
            {f"seed {seed}": r for seed, r in others},
        )
    report.other_seeds = {str(seed): results_json(r) for seed, r in others}

    heading("3. Full gallery (worst case: every other photo of everybody enrolled)")
    print("Own identity kept (enrolled through its other photos):")
    print_id_table(kept)
    print_wrong_only(
        "Own identity removed, everybody else enrolled: wrong identifications a/m/s",
        {"removed": removed},
    )
    report.full_gallery = {"kept": results_json(kept), "removed": results_json(removed)}

    heading("4. The nearest look-alike (the unenrolled sibling of an enrolled child)")
    print(
        "For every identity X, only its k most alike other identities are enrolled (closest\n"
        "pair of photos), each with 1, 2, 3 and 5 references (or as many as it has), "
        f"{args.lookalike_repeats} random\nchoices each; every photo of X is a probe. "
        "Any identification is wrong.\n"
    )
    print_wrong_only(
        "Wrong identifications adult/minor/synthetic, per number of look-alikes enrolled",
        {f"k={k}": r for k, r in lookalike.items()},
    )
    report.lookalike = {str(k): results_json(r) for k, r in lookalike.items()}

    heading(f"5. References per child ({args.ref_rounds} rounds per count)")
    print(
        "Test 2 with exactly n references per enrolled identity (identities with fewer than\n"
        "n+1 photos are not enrolled at that n).\n"
    )
    print_wrong_only(
        "Wrong identifications adult/minor/synthetic, per reference count",
        {f"{n} refs": r for n, r in ref_counts.items()},
    )
    report.reference_counts = {str(n): results_json(r) for n, r in ref_counts.items()}
    return IdTests(rounds, kept, removed, lookalike, ref_counts, others)


def recommendation_report(tests: IdTests) -> dict[str, Any]:
    print_summary(tests)
    setting, zero = recommend(tests)
    real, real_zero = recommend(tests, REAL)
    print_recommendation(setting, zero, tests)
    rules = [("recommended", setting), ("product rule", PRODUCT_RULE)]
    rules.append(("previous rule", PREVIOUS_RULE))
    print("How the errors and the correct rate move with the number of references (test 5):\n")
    print_ref_counts(rules, tests.ref_counts)
    for label, s in rules:
        print_worst(label, s, tests.lookalike)
    closest = print_closest_wrong(setting, tests)
    return {
        "closest_wrong": closest,
        "rule": asdict(setting),
        "zero_wrong": zero,
        "real_faces_only": {"rule": asdict(real), "zero_wrong": real_zero},
        "product_rule": asdict(PRODUCT_RULE),
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
    tests = identification_tests(usable, encodings, report, args)
    report.recommended = recommendation_report(tests)

    report.runtime_s = round(time.monotonic() - start, 1)
    print(f"Total runtime: {report.runtime_s:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
