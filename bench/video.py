"""Video benchmark: missed tracks, wrong identifications and speed on 1080p video.

Builds 1080p test videos from ../shared/faces/lfw (tests/videos.py): faces moving across a
background, entering and leaving, one of them on screen for only one second, some of people
who are enrolled ("pupils", two reference photos each, not used in the videos) and some of
strangers; the people come back, so a long video is as busy at its end as at its start. Each
video is analysed two ways, interleaved (the order swapped every video, the machine being
shared): as before issue 15's segments (media.video.analyse_video, the whole video in one go,
in one process) and as `fotopoort check -j 2` does it now (scan.scan: the segments in two
workers, the pool's start-up included). Both with DlibEngine and the default consents.yaml
settings. Reported per way:

- missed tracks: a face on screen for at least one second that no track covers (a track
  whose time range overlaps the appearance and whose largest box lies on the pasted photo);
- wrong identifications: a track named as a pupil who is not the person on screen (a stranger
  named as a pupil counts too);
- seconds of analysis per minute of 1080p video, over all videos and for the slowest one.

Goal (issue 15): no missed track of >= 1 s, 0 wrong identifications, 10 min of 1080p in < 2 min
on 2 cores. Run: make bench-video, or .venv/bin/python bench/video.py --faces ../shared/faces
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.videos import Appearance, write_video

from fotopoort.config import DEFAULT_DETECTION, DEFAULT_MAX_PIXELS, DEFAULT_THRESHOLDS
from fotopoort.engines.faces import DlibEngine, analyze
from fotopoort.matching import Encoding, Gallery
from fotopoort.media.photos import load_image
from fotopoort.media.video import analyse_video
from fotopoort.model import FaceResult, FaceStatus
from fotopoort.scan import PhotoFile, ScanSettings, identify_faces, scan
from fotopoort.store import Store
from fotopoort.videoconfig import VideoSettings

SIZE = (1920, 1080)
SIDE = 300  # the pasted 250x250 LFW photo, scaled: a face of about 130 px in 1080p


@dataclass(frozen=True)
class Person:
    name: str
    references: tuple[Path, ...]
    probes: tuple[Path, ...]
    pupil: bool


def people(faces: Path, rng: random.Random) -> list[Person]:
    lfw = faces / "lfw"
    out = []
    for folder in sorted(p for p in lfw.iterdir() if p.is_dir()):
        photos = sorted(folder.glob("*.jpg"))
        if len(photos) >= 3:
            out.append(Person(folder.name, tuple(photos[:2]), tuple(photos[2:]), True))
        elif photos:
            out.append(Person(folder.name, (), tuple(photos), False))
    rng.shuffle(out)
    for i, p in enumerate(out):  # every fourth person with references is a stranger
        if p.pupil and i % 4 == 0:
            out[i] = Person(p.name, (), p.references + p.probes, False)
    return out


def references(pupils: list[Person], engine: DlibEngine) -> dict[str, list[Encoding]]:
    refs: dict[str, list[Encoding]] = {}
    for p in pupils:
        for photo in p.references:
            image = load_image(photo.read_bytes(), max_pixels=DEFAULT_MAX_PIXELS, max_side=2000)
            faces = [f for f in analyze(engine, image, DEFAULT_DETECTION) if f.encoding is not None]
            if len(faces) == 1 and faces[0].encoding is not None:
                refs.setdefault(p.name, []).append(faces[0].encoding)
    return refs


@dataclass(frozen=True)
class Shown:
    person: Person
    appearance: Appearance


def scenario(cast: list[Person], seconds: float, rng: random.Random) -> list[Shown]:
    """Three lanes of faces crossing the picture; the first face of the video is on screen for
    exactly one second."""
    shown = []
    width = SIZE[0]
    lanes = [60, 380, 700]
    t = 0.0
    i = 0
    while t < seconds - 1:
        person = cast[i % len(cast)]  # the cast comes back: a long video stays as busy
        lane = lanes[i % len(lanes)]
        duration = 1.0 if i == 0 else rng.uniform(2.0, 6.0)
        start = t
        end = min(seconds, start + duration)
        x0 = rng.randrange(-SIDE // 3, width // 2)
        x1 = min(width - SIDE * 2 // 3, x0 + rng.randrange(100, 700))
        photo = rng.choice(person.probes)
        shown.append(Shown(person, Appearance(photo, start, end, (x0, lane), (x1, lane), SIDE)))
        i += 1
        t += rng.uniform(0.5, 2.0)
    return shown


def _rect_at(a: Appearance, t: float) -> tuple[float, float, float, float]:
    f = (t - a.start) / max(a.end - a.start, 1e-9)
    to = a.to or a.at
    x = a.at[0] + (to[0] - a.at[0]) * f
    y = a.at[1] + (to[1] - a.at[1]) * f
    return x, y, x + a.side, y + a.side


def covers(track: FaceResult, shown: Shown) -> bool:
    a = shown.appearance
    assert track.start is not None and track.end is not None and track.frame is not None
    if track.end < a.start or track.start >= a.end:
        return False
    left, top, right, bottom = _rect_at(a, min(max(track.frame, a.start), a.end))
    cx = (track.box.left + track.box.right) / 2
    cy = (track.box.top + track.box.bottom) / 2
    return left - 20 <= cx <= right + 20 and top - 20 <= cy <= bottom + 20


def on_top(track: FaceResult, shown: list[Shown]) -> str | None:
    """Who is seen where the track's largest box is: photos pasted later cover earlier ones."""
    assert track.frame is not None
    cx = (track.box.left + track.box.right) / 2
    cy = (track.box.top + track.box.bottom) / 2
    who = None
    for s in shown:
        a = s.appearance
        if not a.start <= track.frame < a.end:
            continue
        left, top, right, bottom = _rect_at(a, track.frame)
        if left <= cx <= right and top <= cy <= bottom:
            who = s.person.name
    return who


@dataclass
class Tally:
    """One way of analysing, over all videos."""

    name: str
    missed: int = 0
    wrong: int = 0
    tracks: int = 0
    shown: int = 0
    seconds: float = 0.0  # of analysis
    cpu: float = 0.0  # CPU seconds used, this process and its workers
    video: float = 0.0  # seconds of video analysed
    worst: float = 0.0  # the slowest video's analysis per minute

    def add(
        self,
        n: int,
        shown: list[Shown],
        tracks: tuple[FaceResult, ...],
        elapsed: float,
        seconds: float,
        cpu: float,
    ) -> None:
        self.seconds += elapsed
        self.cpu += cpu
        self.video += seconds
        self.worst = max(self.worst, elapsed / seconds * 60)
        self.tracks += len(tracks)
        for s in shown:
            if s.appearance.end - s.appearance.start < 1.0 - 1e-6:
                continue
            self.shown += 1
            if not any(covers(t, s) for t in tracks):
                self.missed += 1
                print(
                    f"  {self.name} video{n}: missed {s.person.name} at {s.appearance.start:.1f}s"
                )
        for t in tracks:
            if t.status is not FaceStatus.IDENTIFIED:
                continue
            who = on_top(t, shown)
            if who != t.child:
                self.wrong += 1
                print(
                    f"  {self.name} video{n}: track at {t.start:.1f}s named {t.child}, shows {who}"
                )
        statuses = ", ".join(
            f"{st.value} {sum(1 for t in tracks if t.status is st)}" for st in FaceStatus
        )
        print(
            f"{self.name} video{n}: {len(shown)} faces shown, {len(tracks)} tracks ({statuses}); "
            f"{elapsed:.1f} s for {seconds:.0f} s of 1080p ({elapsed / seconds * 60:.1f} s/min, "
            f"{cpu / elapsed:.2f} cores busy)"
        )


def one_process(path: Path, engine: DlibEngine, known: Gallery) -> tuple[FaceResult, ...]:
    """Before issue 15's segments: the whole video in one go, in one process."""
    whole = VideoSettings(segment_seconds=24 * 3600.0)
    analysis = analyse_video(
        path,
        engine,
        DEFAULT_DETECTION,
        whole,
        lambda faces: identify_faces(faces, known, DEFAULT_THRESHOLDS),
    )
    assert analysis.error is None, analysis.error
    return analysis.faces


def in_segments(path: Path, store: Store, jobs: int, segment: float) -> tuple[FaceResult, ...]:
    """What `fotopoort check -j JOBS` does: the segments in the worker pool (started for the
    video, so its start-up is in the figure), kept in the store until the video is done."""
    store.conn.execute("DELETE FROM analyses")
    store.conn.commit()
    settings = ScanSettings(
        DEFAULT_DETECTION,
        DEFAULT_THRESHOLDS,
        DEFAULT_MAX_PIXELS,
        video=VideoSettings(segment_seconds=segment),
    )
    [checked] = scan([PhotoFile(path, path.name)], store, DlibEngine, settings, jobs=jobs)
    assert checked.analysis.error is None, checked.analysis.error
    return checked.analysis.faces


def cpu_seconds() -> float:
    """CPU time of this process and of its ended workers (the pool's end with each scan)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--faces", type=Path, required=True)
    parser.add_argument("--videos", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--fps", type=int, default=25)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--segment", type=float, default=VideoSettings().segment_seconds)
    parser.add_argument("--work", type=Path, default=Path("bench-work/video"))
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    engine = DlibEngine()
    everyone = people(args.faces, rng)
    pupils = [p for p in everyone if p.pupil]
    refs = references(pupils, engine)
    known = Gallery(refs)
    print(f"{len(known)} pupils enrolled, {len(everyone) - len(pupils)} strangers")
    args.work.mkdir(parents=True, exist_ok=True)
    database = args.work / "fotopoort.db"
    database.unlink(missing_ok=True)
    store = Store(database)
    for child, encodings in refs.items():
        for k, encoding in enumerate(encodings):
            store.add_reference(child, f"{child}-{k}", f"{child}-{k}.jpg", encoding)
    before = Tally("one process, whole")
    after = Tally(f"{args.jobs} workers, segments of {args.segment:g} s")
    for n in range(args.videos):
        cast = rng.sample(everyone, k=min(len(everyone), 12))
        shown = scenario(cast, args.seconds, rng)
        path = write_video(
            args.work / f"video{n}.mp4",
            [s.appearance for s in shown],
            size=SIZE,
            seconds=args.seconds,
            fps=args.fps,
        )
        # interleaved, the order swapped every video: the machine is shared, its load changes
        ways = [
            (before, lambda p=path: one_process(p, engine, known)),
            (after, lambda p=path: in_segments(p, store, args.jobs, args.segment)),
        ]
        for tally, analyse in ways if n % 2 == 0 else ways[::-1]:
            start, used = time.perf_counter(), cpu_seconds()
            tracks = analyse()
            elapsed = time.perf_counter() - start
            tally.add(n, shown, tracks, elapsed, args.seconds, cpu_seconds() - used)
    store.close()
    print()
    failed = False
    for t in (before, after):
        per_minute = t.seconds / t.video * 60
        print(f"{t.name}:")
        print(f"  missed tracks (on screen >= 1 s): {t.missed} of {t.shown}")
        print(f"  wrong identifications: {t.wrong} of {t.tracks} tracks")
        print(
            f"  seconds of analysis per minute of 1080p video: {per_minute:.1f} "
            f"(slowest video: {t.worst:.1f})"
        )
        print(f"  a 10-minute 1080p video: about {t.worst * 10 / 60:.1f} min (slowest)")
        print(f"  cores busy on average: {t.cpu / t.seconds:.2f} (of 2, shared)")
        failed = failed or bool(t.missed or t.wrong)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
