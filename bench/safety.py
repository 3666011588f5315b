"""Safety benchmark: does fotopoort ever allow a photo it should not (a LEAK)?

Builds a school larger than the demo from the labelled faces in ../shared/faces (bench/_school.py):
dozens of pupils with random consents in a Dutch-Excel export, reference photos, and a camp
folder of a few hundred photos whose people are known: single photos, people side by side, real
group photos, photos stored sideways (EXIF orientation), camera-size scenes with small faces,
other formats and broken files. Then runs the product as a school would (`consents import`,
`enroll`, `sort`) and compares OUT/report.json with the decision the safety contract
(../shared/GUIDE.md, section 2) demands for every photo and channel:

- blocked  when the file cannot be read whole, or a pupil with biometric consent in it lacks
           consent for the channel (the stricter of both parents' rows);
- review   otherwise, when anyone in it is not an enrolled pupil (a stranger, or a pupil without
           biometric consent: never enrolled, so never identifiable);
- allowed  otherwise.

A LEAK is a photo and channel decided `allowed` whose right decision is not. Exit code 1 when
there is any, 2 when the benchmark itself cannot run. Everything generated goes under --work
(git-ignored); nothing from ../shared is copied into the repository.

Run: make bench-safety, or .venv/bin/python bench/safety.py --faces ../shared/faces
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from _school import (
    CHANNELS,
    KINDS,
    UNNAMED,
    BenchError,
    CampCounts,
    CampPhoto,
    Present,
    School,
    build_camp,
    build_school,
    write_export,
    write_references,
)
from fotopoort.calibrate import write_thresholds
from fotopoort.config import DEFAULT_THRESHOLDS

DEFAULT_SEED = 20261129
DECISIONS = ("allowed", "blocked", "review")
MARKER = ".fotopoort-bench-safety"  # only a folder holding this is ever wiped


# ----------------------------------------------------------------------------- ground truth


def truth(photo: CampPhoto, school: School, channel: str) -> str:
    """The decision the safety contract demands, from the labels alone."""
    if not photo.readable:
        return "blocked"
    pupils = [school.pupils[p.identity] for p in photo.people if p.identity in school.pupils]
    if any(p.biometric and not p.allows(channel) for p in pupils):
        return "blocked"
    if any(not school.enrollable(p.identity) for p in photo.people):
        return "review"
    return "allowed"


def describe(person: Present, school: School, channel: str | None = None) -> str:
    if person.identity == UNNAMED:
        return "unnamed stranger"
    pupil = school.pupils.get(person.identity)
    if pupil is None:
        return f"stranger {person.identity}"
    bio = "biometric" if pupil.biometric else "NO biometric"
    said = "" if channel is None else f", {channel}: {'Ja' if pupil.allows(channel) else 'no'}"
    return f"{person.identity} [{pupil.nr}, {bio}{said}]"


# ----------------------------------------------------------------------------- running


@dataclass
class Setup:
    work: Path
    fotopoort: Path
    jobs: int
    log: list[str] = field(default_factory=list)

    def run(self, *args: str, ok: Sequence[int] = (0,)) -> str:
        cmd = [str(self.fotopoort), "--config", str(self.work / "consents.yaml"), *args]
        started = time.monotonic()
        done = subprocess.run(cmd, cwd=self.work, capture_output=True, text=True, check=False)
        took = time.monotonic() - started
        self.log.append(f"$ fotopoort {' '.join(args)}  (exit {done.returncode}, {took:.1f} s)")
        (self.work / "logs").mkdir(exist_ok=True)
        name = "_".join(a for a in args[:2] if not a.startswith("-"))
        (self.work / "logs" / f"{name}.out").write_text(done.stdout + done.stderr, "utf-8")
        if done.returncode not in ok:
            raise BenchError(
                f"fotopoort {' '.join(args)} failed with exit {done.returncode}:\n{done.stderr}"
            )
        return done.stdout


def product_version(fotopoort: Path) -> str:
    """fotopoort's version and, in a git checkout, the commit: thresholds change over time."""
    version = subprocess.run(
        [str(fotopoort), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    here = Path(__file__).parent
    commit = git(here, "rev-parse", "--short", "HEAD").strip()
    if not commit:
        return version
    dirty = git(here, "status", "--porcelain", "--", "../src").strip()
    return f"{version} at commit {commit}" + (" with uncommitted changes in src/" if dirty else "")


def git(where: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=where, capture_output=True, text=True, check=False)
    return done.stdout if done.returncode == 0 else ""


def find_fotopoort() -> Path:
    beside = Path(sys.executable).parent / "fotopoort"
    found = beside if beside.is_file() else shutil.which("fotopoort")
    if not found:
        raise BenchError("cannot find the fotopoort command; run with the venv's python")
    return Path(found)


def fresh_work_dir(work: Path) -> None:
    """Start empty, but never wipe a folder this benchmark did not create."""
    if work.exists():
        if not (work / MARKER).is_file() and any(work.iterdir()):
            raise BenchError(f"{work}: exists and was not made by this benchmark; not wiping it")
        shutil.rmtree(work)
    work.mkdir(parents=True)
    (work / MARKER).write_text("made by bench/safety.py; wiped on every run\n", "utf-8")


def write_policy(work: Path, matching: Sequence[str] = ()) -> dict[str, Any]:
    """consents.yaml: the product's template (it maps the demo school's labels), with the
    matching values given as KEY=VALUE (to measure another rule) set in it."""
    template = resources.files("fotopoort").joinpath("template.yaml").read_text("utf-8")
    path = work / "consents.yaml"
    path.write_text(template, "utf-8")
    if matching:
        values = {}
        for item in matching:
            key, _, value = item.partition("=")
            if key not in DEFAULT_THRESHOLDS.as_dict() or not value:
                raise BenchError(f"--matching {item!r}: expected KEY=VALUE with a matching key")
            values[key] = int(value) if key == "min_references" else float(value)
        rule = replace(DEFAULT_THRESHOLDS, **values)
        write_thresholds(path, rule, datetime.now(UTC)).unlink()
    policy: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return policy


@dataclass(frozen=True)
class Enrolment:
    enrolled: frozenset[str]  # leerlingnummers
    skipped: Mapping[str, str]  # leerlingnummer -> why, as the product said
    photos: tuple[tuple[str, str], ...]  # (leerlingnummer, "photo X not used: why")


ENROL_LINE = re.compile(r"^(enrolled|skipped)\s+.*?\(?(\d{7})\)?: (.*)$")
PHOTO_LINE = re.compile(r"^\s+.*?\(?(\d{7})\)?: photo (.+)$")


def parse_enrol(output: str) -> Enrolment:
    enrolled, skipped, photos = set(), {}, []
    for line in output.splitlines():
        if m := ENROL_LINE.match(line):
            if m.group(1) == "enrolled":
                enrolled.add(m.group(2))
            else:
                skipped[m.group(2)] = m.group(3)
        elif m := PHOTO_LINE.match(line):
            photos.append((m.group(1), f"photo {m.group(2)}"))
    return Enrolment(frozenset(enrolled), skipped, tuple(photos))


def consent_mismatches(shown: Mapping[str, Any], school: School) -> list[str]:
    """Where the product reads the export differently from how it was written."""
    by_nr = school.by_nr()
    out = []
    seen = set()
    for child in shown["children"]:
        nr = child["child"]
        seen.add(nr)
        pupil = by_nr.get(nr)
        if pupil is None:
            out.append(f"{nr}: in the product's snapshot, not in the export written")
            continue
        if child["biometric"] != pupil.biometric:
            out.append(f"{nr} {pupil.identity}: biometric read as {child['biometric']}")
        for ch in CHANNELS:
            if child["channels"].get(ch) != pupil.allows(ch):
                out.append(f"{nr} {pupil.identity}: {ch} read as {child['channels'].get(ch)}")
    out += [f"{nr}: missing from the product's snapshot" for nr in sorted(set(by_nr) - seen)]
    return out


# ----------------------------------------------------------------------------- comparing


@dataclass(frozen=True)
class Outcome:
    photo: CampPhoto
    channel: str
    truth: str
    decided: str  # allowed, blocked, review, or "missing" (not in the report)
    reasons: tuple[str, ...]
    codes: tuple[str, ...]  # the reasons' codes
    faces: str  # the report's faces, one line


def report_entries(report: Mapping[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """channel -> path -> the report's entry for that photo."""
    return {
        doc["channel"]: {photo["path"]: photo for photo in doc["photos"]}
        for doc in report["channels"]
    }


def face_line(faces: Sequence[Mapping[str, Any]]) -> str:
    parts = []
    for i, f in enumerate(faces, start=1):
        top, right, _, left = f["box"]
        who = f" {f['child']}" if f.get("child") else ""
        dist = f" d={f['distance']:.3f}" if f.get("distance") is not None else ""
        parts.append(f"#{i} {f['status']}{who}{dist} {right - left}px@({left},{top})")
    return "; ".join(parts) or "no faces"


def compare(
    camp: Sequence[CampPhoto], school: School, entries: Mapping[str, Mapping[str, Any]]
) -> list[Outcome]:
    out = []
    for photo in camp:
        for ch in CHANNELS:
            entry = entries.get(ch, {}).get(photo.rel)
            out.append(
                Outcome(
                    photo=photo,
                    channel=ch,
                    truth=truth(photo, school, ch),
                    decided=entry["decision"] if entry else "missing",
                    reasons=tuple(r["message"] for r in entry["reasons"]) if entry else (),
                    codes=tuple(r["code"] for r in entry["reasons"]) if entry else (),
                    faces=face_line(entry["faces"]) if entry else "",
                )
            )
    return out


@dataclass(frozen=True)
class FaceIssue:
    path: str
    kind: str
    what: str


def centre_in(box: Sequence[int], region: Sequence[int]) -> bool:
    top, right, bottom, left = box
    x, y = (left + right) / 2, (top + bottom) / 2
    return region[0] <= x <= region[2] and region[1] <= y <= region[3]


class FaceCheck:
    """Which people in a photo the report lists a face for, and whether that face got their
    name. A person pasted at a known place is missed when no reported face lies there; in real
    photos the people not identified are matched to the remaining faces by count."""

    def __init__(
        self, photo: CampPhoto, faces: Sequence[Mapping[str, Any]], school: School
    ) -> None:
        self.photo, self.faces, self.school = photo, faces, school
        pupils = [school.pupils[p.identity] for p in photo.people if p.identity in school.pupils]
        self.nrs = {p.identity: p.nr for p in pupils}
        self.missed: list[FaceIssue] = []
        self.wrong: list[FaceIssue] = []

    def issue(self, what: str) -> FaceIssue:
        return FaceIssue(self.photo.rel, self.photo.kind, what)

    def check_name(self, i: int, person: str) -> None:
        """A face identified as a child who is not `person` is misidentified."""
        face = self.faces[i]
        if face["status"] == "identified" and face["child"] != self.nrs.get(person):
            named = self.school.by_nr().get(face["child"])
            what = f"{person or 'unnamed stranger'} named {named.identity if named else '?'}"
            self.wrong.append(self.issue(f"{what} ({face['child']}, d={face['distance']})"))

    def pasted(self) -> set[int]:
        """Check the people with a known place; the faces found there."""
        used: set[int] = set()
        for person in self.photo.people:
            if person.region is None:
                continue
            inside = [i for i, f in enumerate(self.faces) if centre_in(f["box"], person.region)]
            if not inside:
                self.missed.append(self.issue(describe(person, self.school)))
            for i in inside:
                used.add(i)
                self.check_name(i, person.identity)
        return used

    def unplaced(self, used: set[int]) -> None:
        """People without a known place: first those identified, then by count."""
        rest = [p for p in self.photo.people if p.region is None]
        free = [i for i in range(len(self.faces)) if i not in used]
        for person in [p for p in rest if p.identity in self.nrs]:
            nr = self.nrs[person.identity]
            hit = next((i for i in free if self.faces[i].get("child") == nr), None)
            if hit is not None:
                rest.remove(person)
                free.remove(hit)
        for i in free:  # any face still identified is named as someone it is not
            self.check_name(i, "/".join(sorted({p.identity or "unnamed" for p in rest})))
        if len(rest) > len(free):
            who = ", ".join(describe(p, self.school) for p in rest)
            self.missed.append(
                self.issue(f"{len(rest) - len(free)} of {len(rest)} not found: {who}")
            )


def face_issues(
    photo: CampPhoto, faces: Sequence[Mapping[str, Any]], school: School
) -> tuple[list[FaceIssue], list[FaceIssue]]:
    """(missed, misidentified) for one photo."""
    check = FaceCheck(photo, faces, school)
    check.unplaced(check.pasted())
    return check.missed, check.wrong


# ----------------------------------------------------------------------------- figures


def confusion(outcomes: Sequence[Outcome]) -> dict[str, dict[str, int]]:
    cols = [*DECISIONS, "missing"]
    matrix = {t: dict.fromkeys(cols, 0) for t in DECISIONS}
    for o in outcomes:
        matrix[o.truth][o.decided] += 1
    return matrix


def is_leak(o: Outcome) -> bool:
    return o.decided == "allowed" and o.truth != "allowed"


def is_over_block(o: Outcome) -> bool:
    return o.truth == "allowed" and o.decided in ("blocked", "review")


def per_kind(outcomes: Sequence[Outcome], missed: Sequence[FaceIssue]) -> dict[str, dict[str, int]]:
    rows: dict[str, dict[str, int]] = {}
    for kind in KINDS:
        mine = [o for o in outcomes if o.photo.kind == kind]
        photos = {o.photo.rel: o.photo for o in mine}
        rows[kind] = {
            "photos": len(photos),
            "people": sum(len(p.people) for p in photos.values()),
            "checks": len(mine),  # photo x channel
            "truth_allowed": sum(o.truth == "allowed" for o in mine),
            "correct": sum(o.truth == o.decided for o in mine),
            "LEAKS": sum(is_leak(o) for o in mine),
            "over_blocked": sum(is_over_block(o) for o in mine),
            "blocked_as_review": sum(o.truth == "blocked" and o.decided == "review" for o in mine),
            "review_as_blocked": sum(o.truth == "review" and o.decided == "blocked" for o in mine),
            "missed_faces": sum(m.kind == kind for m in missed),
        }
    return rows


def share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:.1f}%" if whole else f"{part}/0"


# ----------------------------------------------------------------------------- printing


def print_header(school: School, camp: Sequence[CampPhoto], policy: Mapping[str, Any]) -> None:
    pupils = list(school.pupils.values())
    bio = sum(p.biometric for p in pupils)
    two_rows = sum(len(p.rows) > 1 for p in pupils)
    cats = Counter(p.category for p in pupils)
    settings = {**policy.get("matching", {}), **policy.get("detection", {})}
    shown = ", ".join(f"{k} {v}" for k, v in settings.items())
    print(f"policy (template.yaml, with any --matching values): {shown}")
    print(
        f"pupils: {len(pupils)} ({bio} with biometric consent, {len(pupils) - bio} without; "
        + ", ".join(f"{n} {c}" for c, n in sorted(cats.items()))
        + f"); {two_rows} with a second parent row"
    )
    why = Counter(s.why for s in school.strangers.values())
    unnamed = sum(p.identity == UNNAMED for c in camp for p in c.people)
    print(
        f"strangers: {len(school.strangers)} identities ("
        + ", ".join(f"{n} {w}" for w, n in sorted(why.items()))
        + f") + {unnamed} unnamed faces in group and background"
    )
    kinds = Counter(c.kind for c in camp)
    print(f"camp photos: {len(camp)} (" + ", ".join(f"{k} {kinds[k]}" for k in KINDS) + ")")
    people = [p for c in camp for p in c.people]
    enrolled = sum(school.enrollable(p.identity) for p in people)
    other_pupils = sum(p.identity in school.pupils for p in people) - enrolled
    strangers = len(people) - enrolled - other_pupils
    print(
        f"faces (people in ground truth): {len(people)} ({enrolled} pupils with biometric "
        f"consent, {other_pupils} pupils without, {strangers} strangers)"
    )


def print_setup(school: School, refs: int, enrolment: Enrolment, mismatches: Sequence[str]) -> None:
    by_nr = school.by_nr()
    should = {p.nr for p in school.pupils.values() if p.biometric}
    failed = sorted(should - enrolment.enrolled)
    violations = sorted(enrolment.enrolled - should)
    without = {nr: why for nr, why in enrolment.skipped.items() if nr not in should}
    print(
        f"enrolment: {refs} reference photos; {len(enrolment.enrolled & should)} of "
        f"{len(should)} pupils with biometric consent enrolled; {len(without)} without it "
        f"skipped, {len(violations)} enrolled"
    )
    counts = Counter(len(p.references) for p in school.pupils.values() if p.biometric)
    print(
        "references per pupil with biometric consent: "
        + ", ".join(f"{n} pupils with {k}" for k, n in sorted(counts.items()))
    )
    for nr in failed:
        why = enrolment.skipped.get(nr, "?")
        print(f"  NOT ENROLLED although consent: {by_nr[nr].identity} ({nr}): {why}")
    for nr in violations:
        print(f"  ENROLLED WITHOUT BIOMETRIC CONSENT: {by_nr[nr].identity} ({nr})")
    for nr, why in sorted(without.items()):
        if why != "no consent for face recognition":
            print(f"  skipped {by_nr[nr].identity} ({nr}): {why}")
    for nr, what in enrolment.photos:
        print(f"  reference of {by_nr[nr].identity} ({nr}) refused: {what}")
    if mismatches:
        print(f"consent export READ DIFFERENTLY from how it was written ({len(mismatches)}):")
        for line in mismatches:
            print(f"  {line}")
    else:
        print("consent export: the product reads every pupil's answers as written")


def print_leaks(leaks: Sequence[Outcome], school: School) -> None:
    print(f"\nLEAKS: {len(leaks)}")
    for o in leaks:
        who = ", ".join(describe(p, school, o.channel) for p in o.photo.people) or "nobody"
        print(
            f"  {o.photo.rel} [{o.channel}] truth {o.truth}; in it: {who}; "
            f"reasons: {' | '.join(o.reasons)}; faces: {o.faces}"
        )


def print_table(rows: Mapping[str, Mapping[str, int]]) -> None:
    """Per kind of photo; checks = photo x channel, the unit of every other column but
    photos, people and missed_faces."""
    cols = list(next(iter(rows.values())))
    widths = {c: len(c) + 2 for c in cols}
    print(f"\n{'kind':<12}" + "".join(f"{c:>{widths[c]}}" for c in cols))
    totals = {c: sum(r[c] for r in rows.values()) for c in cols}
    for kind, row in [*rows.items(), ("total", totals)]:
        print(f"{kind:<12}" + "".join(f"{row[c]:>{widths[c]}}" for c in cols))
    print("(checks: photo x channel, the unit from truth_allowed to review_as_blocked)")


def print_confusion(matrix: Mapping[str, Mapping[str, int]]) -> None:
    cols = [c for c in (*DECISIONS, "missing") if any(r[c] for r in matrix.values())]
    print("\nconfusion (rows: truth, columns: decided; photo x channel)")
    print(f"{'':<10}" + "".join(f"{c:>10}" for c in cols))
    for t, row in matrix.items():
        print(f"{t:<10}" + "".join(f"{row[c]:>10}" for c in cols))


def print_issues(title: str, issues: Sequence[FaceIssue]) -> None:
    print(f"\n{title}: {len(issues)}")
    for issue in issues:
        print(f"  {issue.path} ({issue.kind}): {issue.what}")


# ----------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Safety benchmark: builds a school from labelled faces, runs fotopoort "
        "consents import / enroll / sort, and counts LEAKS (photos allowed that must not be) "
        "and over-blocking. Exit code 1 when there is any leak.",
    )
    parser.add_argument(
        "--faces",
        type=Path,
        default=Path("../shared/faces"),
        help="the labelled faces (labels.csv, extra.csv); default %(default)s",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=Path("bench-work/safety"),
        help="scratch folder, wiped on every run; default %(default)s",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help="random seed: the same seed builds the same school; default %(default)s",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes for fotopoort sort; default %(default)s",
    )
    parser.add_argument(
        "--held-out-adults",
        type=int,
        default=6,
        metavar="N",
        help="adults with several photos kept out of the school as strangers "
        "(parents, teachers); default %(default)s",
    )
    parser.add_argument(
        "--references",
        type=int,
        metavar="N",
        help="give every pupil N reference photos (at most one fewer than the distinct photos "
        "it has); default: 2 when a pupil has 4 or more distinct photos, else 1",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    parser.add_argument(
        "--matching",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="measure another matching rule: set this consents.yaml matching value "
        "(repeatable), e.g. spread_factor=1.1",
    )
    return parser.parse_args(argv)


def build(args: argparse.Namespace) -> tuple[School, list[CampPhoto], int]:
    rng = random.Random(args.seed)
    school = build_school(args.faces, rng, args.held_out_adults, args.references)
    write_export(args.work / "privacyvoorkeuren.csv", school, rng)
    refs = write_references(args.work / "referentiefotos", args.faces, school)
    camp = build_camp(args.work / "camp", args.faces, school, rng, CampCounts())
    truth_doc = [{**asdict(c), "people": [asdict(p) for p in c.people]} for c in camp]
    (args.work / "truth.json").write_text(json.dumps(truth_doc, indent=1), "utf-8")
    return school, camp, refs


@dataclass(frozen=True)
class ProductRun:
    shown: Mapping[str, Any]  # consents show --json
    enrolment: Enrolment
    entries: Mapping[str, Mapping[str, Any]]  # channel -> path -> report entry


def run_product(setup: Setup) -> ProductRun:
    """What a school does: import the export, enrol, sort the camp folder."""
    setup.run("consents", "import", "privacyvoorkeuren.csv")
    shown = json.loads(setup.run("consents", "show", "--json"))
    enrolment = parse_enrol(setup.run("enroll", "referentiefotos"))
    setup.run("sort", "camp", "--out", "out", "--jobs", str(setup.jobs), ok=(0, 1))
    report = json.loads((setup.work / "out" / "report.json").read_text("utf-8"))
    return ProductRun(shown, enrolment, report_entries(report))


@dataclass(frozen=True)
class Result:
    outcomes: list[Outcome]
    missed: list[FaceIssue]
    wrong: list[FaceIssue]

    @property
    def leaks(self) -> list[Outcome]:
        return [o for o in self.outcomes if is_leak(o)]

    @property
    def over_blocked(self) -> list[Outcome]:
        return [o for o in self.outcomes if is_over_block(o)]

    @property
    def truth_allowed(self) -> int:
        return sum(o.truth == "allowed" for o in self.outcomes)


def evaluate(camp: Sequence[CampPhoto], school: School, run: ProductRun) -> Result:
    missed: list[FaceIssue] = []
    wrong: list[FaceIssue] = []
    for photo in camp:
        entry = run.entries.get(CHANNELS[0], {}).get(photo.rel)  # faces: the same per channel
        if entry is not None and photo.readable:
            m, w = face_issues(photo, entry["faces"], school)
            missed += m
            wrong += w
    return Result(compare(camp, school, run.entries), missed, wrong)


def print_results(result: Result, school: School) -> None:
    print_leaks(result.leaks, school)
    print_table(per_kind(result.outcomes, result.missed))
    over = result.over_blocked
    print(
        "\nover-blocked (truth allowed, decided blocked/review): "
        + share(len(over), result.truth_allowed)
    )
    causes = Counter(code for o in over for code in sorted(set(o.codes) - {"consent"}))
    print(
        "  by cause (photo x channel; one can have several): "
        + ", ".join(f"{c} {n}" for c, n in sorted(causes.items()))
    )
    by_channel = {ch: sum(o.channel == ch for o in result.leaks) for ch in CHANNELS}
    print("leaks per channel: " + ", ".join(f"{ch} {n}" for ch, n in by_channel.items()))
    print_confusion(confusion(result.outcomes))
    title = "MISSED FACES (a person the report lists no face for: a potential leak)"
    print_issues(title, result.missed)
    print_issues("MISIDENTIFIED FACES (named as someone they are not)", result.wrong)


def figures(result: Result, school: School, camp: Sequence[CampPhoto], seed: int) -> dict[str, Any]:
    return {
        "seed": seed,
        "pupils": len(school.pupils),
        "pupils_biometric": sum(p.biometric for p in school.pupils.values()),
        "strangers": len(school.strangers),
        "photos": len(camp),
        "people": sum(len(c.people) for c in camp),
        "leaks": [
            {"path": o.photo.rel, "channel": o.channel, "truth": o.truth, "faces": o.faces}
            for o in result.leaks
        ],
        "references_per_pupil": dict(
            Counter(str(len(p.references)) for p in school.pupils.values() if p.biometric)
        ),
        "over_blocked": len(result.over_blocked),
        "truth_allowed": result.truth_allowed,
        "per_kind": per_kind(result.outcomes, result.missed),
        "confusion": confusion(result.outcomes),
        "missed_faces": [asdict(m) for m in result.missed],
        "misidentified_faces": [asdict(w) for w in result.wrong],
    }


def run(args: argparse.Namespace) -> int:
    if not (args.faces / "labels.csv").is_file():
        raise BenchError(f"{args.faces}: no labels.csv (give --faces ../shared/faces)")
    started = time.monotonic()
    args.work = args.work.resolve()
    fresh_work_dir(args.work)
    policy = write_policy(args.work, args.matching)
    school, camp, refs = build(args)
    built = time.monotonic()
    setup = Setup(args.work, find_fotopoort(), args.jobs)
    version = product_version(setup.fotopoort)  # before the run: the checkout may change
    product = run_product(setup)
    result = evaluate(camp, school, product)
    print(f"safety benchmark of {version} (seed {args.seed})")
    print_header(school, camp, policy)
    print_setup(school, refs, product.enrolment, consent_mismatches(product.shown, school))
    print_results(result, school)
    print("\n" + "\n".join(setup.log), file=sys.stderr)
    total = time.monotonic() - started
    print(f"built the school in {built - started:.0f} s; total {total:.0f} s", file=sys.stderr)
    if args.json:
        doc = figures(result, school, camp, args.seed)
        args.json.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", "utf-8")
    return 1 if result.leaks else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Exit code 0: no leak; 1: some leak; 2: the benchmark could not run."""
    args = parse_args(argv)
    try:
        return run(args)
    except BenchError as exc:
        print(f"bench/safety.py: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
