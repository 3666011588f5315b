"""A fictional school built from the labelled test faces in ../shared/faces (for bench/safety.py).

Who is who: every identity with at least two usable single-person photos (exactly one face,
distinct photos: copies of one photo share a `same_photo_group`) becomes a pupil, except a few
adults held out as strangers (parents, teachers, passers-by), so that strangers with several
photos of their own appear in the camp. Identities with one photo and people seen only in group
photos are strangers too. Each pupil gets a leerlingnummer, a stamgroep, 1-2 reference photos
(or a fixed number, --references) and random consents, written as the consent export a
Dutch Excel saves (UTF-8 BOM, ';', CRLF).

Nothing here touches the product; the ground truth (who has which consent) comes from the
labels and the generated export, never from what the product computes.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pillow_heif
from PIL import Image, ImageOps

pillow_heif.register_heif_opener()  # HEIC camp photos are written with Pillow

CHANNELS = ("portfolio", "stamgroep", "school", "website", "training", "research")

# The demo school's header labels (../shared/demo/privacyvoorkeuren.csv), which the product's
# template.yaml maps: the benchmark's export must be readable with the unchanged template.
CHANNEL_LABELS = {
    "portfolio": "Onderwijsverslaggeving",
    "stamgroep": "Beeldmateriaal stamgroep (Parro)",
    "school": "Beeldmateriaal bouw en school",
    "website": "Beeldmateriaal website en publiciteit",
    "training": "Video interne training",
    "research": "Onderzoek (intern en extern, geanonimiseerd)",
}
BIOMETRIC_LABEL = "Gezichtsherkenning fotoselectie"
HEADER = (
    "Leerlingnummer",
    "Roepnaam",
    "Tussenvoegsel",
    "Achternaam",
    "Stamgroep",
    *(CHANNEL_LABELS[c] for c in CHANNELS),
    BIOMETRIC_LABEL,
    "Laatst gewijzigd",
)

STAMGROEPEN = ("Bevers", "Vossen", "Dassen", "Egels", "Uilen")
ROEPNAMEN = (
    "Daan", "Fatima", "Sophie", "Noah", "Zoë", "Liam", "Mila", "Sem", "Julia", "Lucas", "Tess",
    "Finn", "Saar", "Levi", "Noor", "Mees", "Yara", "Bram", "Anaïs", "Daniël", "Mohammed", "Lotte",
    "Jesse", "Emma", "Ayoub", "Fleur", "Thijs", "Isa", "Ruben", "Nina", "Sven", "Lieke", "Milan",
    "Roos", "Adam", "Evi", "Teun", "Hanna", "Stijn", "Jade", "Gijs", "Maud", "Omar", "Femke",
    "Luuk", "Elif", "Jens", "Amira", "Siem", "Vera",
)  # fmt: skip
ACHTERNAMEN = (
    ("de", "Vries"), ("", "El Amrani"), ("van der", "Berg"), ("", "Jansen"), ("", "Özdemir"),
    ("", "Bakker"), ("", "Visser"), ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"),
    ("de", "Groot"), ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"), ("van", "Dijk"),
    ("", "Yılmaz"), ("van den", "Heuvel"), ("", "Kaya"), ("", "Dekker"), ("", "Brouwer"),
)  # fmt: skip

# Values the export holds. Only 'ja' (any case, stripped) is consent; the rest, including
# values the product does not know, must count as no.
NO_VALUES = ("Nee", "Niet ingevuld", "")
ODD_YES = ("JA", "ja", " Ja ")  # still an explicit yes
ODD_NO = ("Yes", "Ja; alleen intern", "J")  # unrecognised values: no


class BenchError(Exception):
    """The benchmark itself cannot run (bad input data, a failed step): exit code 2."""


@dataclass(frozen=True)
class SourcePhoto:
    path: str  # relative to the faces folder
    identities: tuple[str, ...]  # labelled people; a group photo may have unlabelled faces too
    n_faces: int  # faces expected in the photo
    category: str  # adult, minor or synthetic_child (of the labelled person, for singles)
    photo_key: str  # same_photo_group, or the path: copies of one photo share a key

    @property
    def is_group(self) -> bool:
        return "/_groups/" in f"/{self.path}"

    @property
    def source(self) -> str:
        return self.path.split("/", 1)[0]


@dataclass(frozen=True)
class Pupil:
    identity: str
    nr: str  # leerlingnummer: 7 digits, leading zero
    first_name: str
    group: str
    category: str
    biometric: bool  # explicit Ja in every row (the stricter answer)
    consent: frozenset[str]  # channels with Ja in every row
    rows: tuple[tuple[str, ...], ...]  # the export rows (two for a second parent)
    references: tuple[SourcePhoto, ...]
    camp_photos: tuple[SourcePhoto, ...]  # single-person photos not copies of a reference

    def allows(self, channel: str) -> bool:
        return channel in self.consent


@dataclass(frozen=True)
class Stranger:
    identity: str
    why: str  # held-out adult, singleton, group-only
    photos: tuple[SourcePhoto, ...]


@dataclass(frozen=True)
class School:
    pupils: dict[str, Pupil]  # by identity
    strangers: dict[str, Stranger]  # by identity
    groups: tuple[SourcePhoto, ...]  # the real group photos

    def by_nr(self) -> dict[str, Pupil]:
        return {p.nr: p for p in self.pupils.values()}

    def enrollable(self, identity: str) -> bool:
        pupil = self.pupils.get(identity)
        return pupil is not None and pupil.biometric


# ----------------------------------------------------------------------------- labels


def age_category(age_group: str) -> str:
    group = age_group.strip().lower()
    if "synthetic" in group:
        return "synthetic_child"
    if group in {"child", "teen", "minor"}:
        return "minor"
    if group == "adult":
        return "adult"
    raise BenchError(f"extra.csv: unknown age_group {age_group!r}; extend age_category()")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_photos(faces: Path) -> list[SourcePhoto]:
    extra = {row["path"]: row for row in read_csv(faces / "extra.csv")}
    photos = []
    for row in read_csv(faces / "labels.csv"):
        info = extra.get(row["path"], {})
        names = tuple(n.strip() for n in row["identities"].split(";") if n.strip())
        photos.append(
            SourcePhoto(
                path=row["path"],
                identities=names,
                n_faces=int(row["n_faces_expected"] or 0),
                category=age_category(info.get("age_group", "adult")),
                photo_key=info.get("same_photo_group") or row["path"],
            )
        )
    return sorted(photos, key=lambda p: p.path)


def singles_by_identity(photos: Iterable[SourcePhoto]) -> dict[str, list[SourcePhoto]]:
    out: dict[str, list[SourcePhoto]] = defaultdict(list)
    for photo in photos:
        if not photo.is_group and len(photo.identities) == 1:
            out[photo.identities[0]].append(photo)
    return dict(sorted(out.items()))


def usable(photos: Sequence[SourcePhoto]) -> list[SourcePhoto]:
    """Photos that can be a reference: exactly one face, one per distinct photo."""
    seen: set[str] = set()
    out = []
    for photo in photos:
        if photo.n_faces == 1 and photo.photo_key not in seen:
            seen.add(photo.photo_key)
            out.append(photo)
    return out


# ----------------------------------------------------------------------------- the school


def build_school(
    faces: Path, rng: random.Random, held_out_adults: int, references: int | None = None
) -> School:
    photos = load_photos(faces)
    singles = singles_by_identity(photos)
    candidates = [name for name, ph in singles.items() if len(usable(ph)) >= 2]
    adults = [n for n in candidates if singles[n][0].category == "adult"]
    held_out = sorted(rng.sample(adults, min(held_out_adults, len(adults))))
    strangers = {n: Stranger(n, "held-out adult", tuple(singles[n])) for n in held_out}
    for name, ph in singles.items():
        if name not in candidates:
            strangers[name] = Stranger(name, "one usable photo", tuple(ph))
    groups = tuple(p for p in photos if p.is_group)
    for photo in groups:
        for name in photo.identities:
            if name not in singles:
                strangers.setdefault(name, Stranger(name, "only in group photos", ()))
    pupil_names = [n for n in candidates if n not in strangers]
    pupils = make_pupils(pupil_names, singles, rng, references)
    return School(pupils, dict(sorted(strangers.items())), groups)


def make_pupils(
    names: Sequence[str],
    singles: dict[str, list[SourcePhoto]],
    rng: random.Random,
    references: int | None = None,
) -> dict[str, Pupil]:
    numbers = leerlingnummers(len(names), rng)
    first_names = rng.sample(ROEPNAMEN, len(names)) if len(names) <= len(ROEPNAMEN) else None
    no_biometric = pick_without_biometric(names, singles, rng)
    second_parent = set(rng.sample(list(names), max(3, len(names) // 6)))
    biometric_differs = rng.choice(sorted(second_parent - no_biometric))
    pupils = {}
    for i, name in enumerate(names):
        photos = singles[name]
        refs = choose_references(photos, rng, references)
        ref_keys = {r.photo_key for r in refs}
        first = first_names[i] if first_names else f"{rng.choice(ROEPNAMEN)}{i}"
        rows = export_rows(
            nr=numbers[i],
            first_name=first,
            group=rng.choice(STAMGROEPEN),
            biometric=name not in no_biometric,
            second_parent=name in second_parent,
            biometric_differs=name == biometric_differs,
            rng=rng,
        )
        pupils[name] = Pupil(
            identity=name,
            nr=numbers[i],
            first_name=first,
            group=rows[0][4],
            category=photos[0].category,
            biometric=all_yes(rows, BIOMETRIC_LABEL),
            consent=frozenset(ch for ch in CHANNELS if all_yes(rows, CHANNEL_LABELS[ch])),
            rows=rows,
            references=refs,
            camp_photos=tuple(p for p in photos if p.photo_key not in ref_keys),
        )
    return pupils


def leerlingnummers(n: int, rng: random.Random) -> list[str]:
    """Distinct 7-digit numbers with a leading zero (read as text, the zero must survive)."""
    return [f"0{v:06d}" for v in rng.sample(range(100_000, 1_000_000), n)]


def pick_without_biometric(
    names: Sequence[str], singles: dict[str, list[SourcePhoto]], rng: random.Random
) -> set[str]:
    """About a quarter of the pupils of every age category, at least one per category."""
    by_category: dict[str, list[str]] = defaultdict(list)
    for name in names:
        by_category[singles[name][0].category].append(name)
    chosen: set[str] = set()
    for members in by_category.values():
        if len(members) >= 2:
            chosen.update(rng.sample(members, max(1, round(len(members) / 4))))
    return chosen


def choose_references(
    photos: Sequence[SourcePhoto], rng: random.Random, count: int | None = None
) -> tuple[SourcePhoto, ...]:
    """Two reference photos when the pupil has four or more distinct ones, else one. With
    `count`: that many, but always one distinct photo fewer than the pupil has, so that every
    pupil can still appear in the camp."""
    pool = usable(photos)
    if count is None:
        return tuple(rng.sample(pool, 2 if len(pool) >= 4 else 1))
    return tuple(rng.sample(pool, max(1, min(count, len(pool) - 1))))


def is_yes(value: str) -> bool:
    return value.replace("\u00a0", " ").strip().casefold() == "ja"


def all_yes(rows: Sequence[Sequence[str]], label: str) -> bool:
    """Two rows for one child (two parents): the stricter answer holds."""
    column = HEADER.index(label)
    return all(is_yes(row[column]) for row in rows)


def answer(yes: bool, rng: random.Random) -> str:
    if yes:
        return rng.choice(ODD_YES) if rng.random() < 0.04 else "Ja"
    if rng.random() < 0.03:
        return rng.choice(ODD_NO)
    return rng.choice(NO_VALUES)


def export_rows(
    *,
    nr: str,
    first_name: str,
    group: str,
    biometric: bool,
    second_parent: bool,
    biometric_differs: bool,
    rng: random.Random,
) -> tuple[tuple[str, ...], ...]:
    """One row per parent. A second parent differs on one channel (or, for one pupil, on face
    recognition): the stricter answer must hold."""
    profile = rng.random()  # many parents answer yes to everything, some no to everything
    if profile < 0.45:
        yes = dict.fromkeys(CHANNELS, True)
    elif profile < 0.6:
        yes = dict.fromkeys(CHANNELS, False)
    else:
        yes = {ch: rng.random() < 0.55 for ch in CHANNELS}
    tussen, achter = rng.choice(ACHTERNAMEN)
    day = f"{rng.randint(1, 28):02d}-09-2026"
    answers = [answer(yes[ch], rng) for ch in CHANNELS]
    first = (nr, first_name, tussen, achter, group, *answers, answer(biometric, rng), day)
    if not second_parent:
        return (first,)
    second = list(first)
    if biometric_differs:
        column = HEADER.index(BIOMETRIC_LABEL)
    else:
        column = HEADER.index(CHANNEL_LABELS[rng.choice(CHANNELS)])
    second[column] = rng.choice(("Nee", "Niet ingevuld")) if is_yes(first[column]) else "Ja"
    return (first, tuple(second))


# ----------------------------------------------------------------------------- files


def write_export(path: Path, school: School, rng: random.Random) -> None:
    """As Dutch Excel saves it: UTF-8 with BOM, ';', CRLF; second-parent rows at the end."""
    firsts = [p.rows[0] for p in school.pupils.values()]
    seconds = [row for p in school.pupils.values() for row in p.rows[1:]]
    rng.shuffle(firsts)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(firsts + seconds)


def write_references(refdir: Path, faces: Path, school: School) -> int:
    """referentiefotos/<leerlingnummer>/: also for pupils without biometric consent (the
    product must skip those). Copies go to the work folder, never into the repository."""
    count = 0
    for pupil in school.pupils.values():
        folder = refdir / pupil.nr
        folder.mkdir(parents=True, exist_ok=True)
        for i, ref in enumerate(pupil.references, start=1):
            shutil.copyfile(faces / ref.path, folder / f"ref{i}_{Path(ref.path).name}")
            count += 1
    return count


# ----------------------------------------------------------------------------- the camp

KINDS = ("single", "composition", "group", "sideways", "scene", "format", "broken")
UNNAMED = ""  # the identity of a face nobody labelled: a stranger

# Rough face size as a share of a photo's shorter side, per source folder (for pasting people
# into camera-size scenes at a chosen face size; the ground truth does not depend on it).
FACE_SHARE = {
    "lfw": 0.42,
    "dlib": 0.78,
    "face-api.js": 0.85,
    "childgan": 0.6,
    "deepface": 0.4,
    "face_recognition": 0.35,
}
DEFAULT_FACE_SHARE = 0.36
SCENE_SIZE = (4000, 3000)
SCENE_FACE_PX = (100, 250)
# Stored pixels for an EXIF orientation: the transpose that exif_transpose undoes.
STORE_TRANSPOSE = {
    3: Image.Transpose.ROTATE_180,
    6: Image.Transpose.ROTATE_90,
    8: Image.Transpose.ROTATE_270,
}
FORMATS = (  # (name, file suffix, Pillow format, mode)
    ("png", "png", "PNG", "RGB"),
    ("webp", "webp", "WEBP", "RGB"),
    ("heic", "heic", "HEIF", "RGB"),
    ("tiff", "tif", "TIFF", "RGB"),
    ("grayscale", "jpg", "JPEG", "L"),
    ("cmyk", "jpg", "JPEG", "CMYK"),
)

Region = tuple[int, int, int, int]  # (left, top, right, bottom) in upright pixels


@dataclass(frozen=True)
class Present:
    """One person in a camp photo."""

    identity: str  # UNNAMED for a face nobody labelled
    region: Region | None  # where the person was pasted; None for real photos


@dataclass(frozen=True)
class CampPhoto:
    rel: str  # relative to the camp folder, '/'-separated
    kind: str  # one of KINDS
    people: tuple[Present, ...]
    readable: bool = True
    note: str = ""


@dataclass(frozen=True)
class CampCounts:
    compositions: int = 40
    sideways: int = 15
    scenes: int = 16
    per_format: int = 3
    singles_per_pupil: int = 2


Member = tuple[str, SourcePhoto]  # (identity, a single-person photo with exactly one face)


class Camp:
    """Writes camp photos and records who is in each."""

    def __init__(self, root: Path, faces: Path, school: School, rng: random.Random) -> None:
        self.root, self.faces, self.school, self.rng = root, faces, school, rng
        self.photos: list[CampPhoto] = []
        self.pools = member_pools(school)

    def path(self, rel: str) -> Path:
        out = self.root / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        return out

    def add(
        self,
        rel: str,
        kind: str,
        people: Iterable[Present],
        *,
        readable: bool = True,
        note: str = "",
    ) -> None:
        self.photos.append(CampPhoto(rel, kind, tuple(people), readable, note))

    def image(self, photo: SourcePhoto) -> Image.Image:
        with Image.open(self.faces / photo.path) as im:
            return ImageOps.exif_transpose(im).convert("RGB")

    # --- choosing people

    def members(self, n: int, mix: str) -> list[Member]:
        """n distinct people: 'enrolled' (pupils with biometric consent only) or 'mixed'
        (also pupils without it, and strangers)."""
        chosen: list[Member] = []
        names: set[str] = set()
        for _ in range(n * 20):
            if len(chosen) == n:
                break
            pool = self.pools[self.pool_name(mix)]
            name = self.rng.choice(sorted(pool))
            if name not in names:
                names.add(name)
                chosen.append((name, self.rng.choice(pool[name])))
        return chosen

    def pool_name(self, mix: str) -> str:
        if mix == "enrolled":
            return "enrolled"
        r = self.rng.random()
        return "enrolled" if r < 0.6 else "not_enrolled" if r < 0.8 else "stranger"

    # --- kinds

    def singles(self, per_pupil: int) -> None:
        n = 0
        for pupil in self.school.pupils.values():
            photos = list(pupil.camp_photos)
            for photo in self.rng.sample(photos, min(per_pupil, len(photos))):
                n += 1
                self.copy_single(f"single/s{n:03d}", pupil.identity, photo)
        for stranger in self.school.strangers.values():
            if stranger.photos:
                n += 1
                photo = self.rng.choice(stranger.photos)
                self.copy_single(f"single/s{n:03d}", stranger.identity, photo)

    def copy_single(self, stem: str, identity: str, photo: SourcePhoto) -> None:
        rel = f"{stem}{Path(photo.path).suffix.lower()}"
        shutil.copyfile(self.faces / photo.path, self.path(rel))
        extra = [Present(UNNAMED, None)] * max(0, photo.n_faces - 1)
        self.add(rel, "single", [Present(identity, None), *extra], note=photo.path)

    def groups(self) -> None:
        for n, photo in enumerate(self.school.groups, start=1):
            rel = f"group/g{n:02d}_{Path(photo.path).name}"
            shutil.copyfile(self.faces / photo.path, self.path(rel))
            people = [Present(name, None) for name in photo.identities]
            people += [Present(UNNAMED, None)] * max(0, photo.n_faces - len(photo.identities))
            self.add(rel, "group", people, note=photo.path)

    def compositions(self, count: int) -> None:
        for n in range(1, count + 1):
            members = self.members(self.rng.randint(2, 5), "enrolled" if n % 2 else "mixed")
            image, people = self.row(members)
            rel = f"composition/c{n:03d}.jpg"
            image.save(self.path(rel), "JPEG", quality=90)
            self.add(rel, "composition", people, note=f"{len(people)} side by side")

    def row(self, members: Sequence[Member]) -> tuple[Image.Image, list[Present]]:
        """People side by side on a plain background, scaled to one height."""
        height, gap = self.rng.randint(380, 560), self.rng.randint(20, 60)
        tiles = [fit_height(self.image(photo), height) for _, photo in members]
        width = sum(t.width for t in tiles) + gap * (len(tiles) + 1)
        colour = tuple(self.rng.randint(150, 235) for _ in range(3))
        canvas = Image.new("RGB", (width, height + 2 * gap), colour)
        people, x = [], gap
        for (name, _), tile in zip(members, tiles, strict=True):
            canvas.paste(tile, (x, gap))
            people.append(Present(name, (x, gap, x + tile.width, gap + height)))
            x += tile.width + gap
        return canvas, people

    def scenes(self, count: int) -> None:
        for n in range(1, count + 1):
            members = self.members(self.rng.randint(3, 8), "enrolled" if n % 3 == 1 else "mixed")
            image, people = self.scene(members)
            rel = f"scene/camera{n:02d}.jpg"
            image.save(self.path(rel), "JPEG", quality=88)
            self.add(rel, "scene", people, note=f"{SCENE_SIZE[0]}x{SCENE_SIZE[1]}")

    def scene(self, members: Sequence[Member]) -> tuple[Image.Image, list[Present]]:
        """A camera-size photo: people pasted where they fit, faces about 100-250 px."""
        canvas = background(SCENE_SIZE, self.rng)
        taken: list[Region] = []
        people = []
        for name, photo in members:
            im = self.image(photo)
            face = FACE_SHARE.get(photo.source, DEFAULT_FACE_SHARE) * min(im.size)
            scale = self.rng.uniform(*SCENE_FACE_PX) / face
            im = im.resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))))
            spot = free_spot(im.size, SCENE_SIZE, taken, self.rng)
            if spot is None:
                continue  # no room: this person is not in the photo
            canvas.paste(im, spot[:2])
            taken.append(spot)
            people.append(Present(name, spot))
        return canvas, people

    def sideways(self, count: int) -> None:
        for n in range(1, count + 1):
            orientation = (6, 8, 3)[(n - 1) % 3]
            if n % 2:
                members = self.members(1, "mixed")
                name, photo = members[0]
                upright = self.image(photo)
                people = [Present(name, (0, 0, *upright.size))]
            else:
                upright, people = self.row(self.members(self.rng.randint(2, 3), "mixed"))
            rel = f"sideways/r{n:02d}_orientation{orientation}.jpg"
            save_sideways(upright, self.path(rel), orientation)
            self.add(rel, "sideways", people, note=f"EXIF orientation {orientation}")

    def formats(self, per_format: int) -> None:
        n = 0
        for name, suffix, fmt, mode in FORMATS:
            for i in range(per_format):
                n += 1
                if i % 3 == 0:
                    who, photo = self.members(1, "enrolled")[0]
                    image = self.image(photo)
                    people = [Present(who, (0, 0, *image.size))]
                else:
                    mix = "enrolled" if i % 3 == 1 else "mixed"
                    image, people = self.row(self.members(self.rng.randint(2, 3), mix))
                rel = f"format/f{n:02d}_{name}.{suffix}"
                save_format(image.convert(mode), self.path(rel), fmt)
                self.add(rel, "format", people, note=f"{fmt} {mode}")

    def broken(self) -> None:
        """Files that cannot be read whole: blocked, whoever is in them."""
        for n, (cut, fmt) in enumerate(((0.6, "JPEG"), (0.93, "JPEG"), (0.7, "PNG")), start=1):
            image, people = self.row(self.members(2, "enrolled"))
            buf = io.BytesIO()
            image.save(buf, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
            data = buf.getvalue()
            rel = f"broken/b{n}_afgebroken.{'jpg' if fmt == 'JPEG' else 'png'}"
            self.path(rel).write_bytes(data[: int(len(data) * cut)])
            self.add(rel, "broken", people, readable=False, note=f"{fmt} cut at {cut:.0%}")
        self.path("broken/b4_notities.jpg").write_text("boodschappen: brood, kaas\n", "utf-8")
        self.add("broken/b4_notities.jpg", "broken", [], readable=False, note="text file")
        self.path("broken/b5_leeg.jpg").write_bytes(b"")
        self.add("broken/b5_leeg.jpg", "broken", [], readable=False, note="empty file")
        junk = bytes(self.rng.getrandbits(8) for _ in range(4000))
        self.path("broken/b6_kapot.jpg").write_bytes(b"\xff\xd8\xff\xe0" + junk)
        self.add("broken/b6_kapot.jpg", "broken", [], readable=False, note="JPEG marker, junk")


def member_pools(school: School) -> dict[str, dict[str, list[SourcePhoto]]]:
    """Photos with exactly one face (so a pasted region holds one person), per person."""
    pools: dict[str, dict[str, list[SourcePhoto]]] = {
        "enrolled": {},
        "not_enrolled": {},
        "stranger": {},
    }
    for pupil in school.pupils.values():
        photos = [p for p in pupil.camp_photos if p.n_faces == 1]
        if photos:
            pools["enrolled" if pupil.biometric else "not_enrolled"][pupil.identity] = photos
    for stranger in school.strangers.values():
        photos = [p for p in stranger.photos if p.n_faces == 1]
        if photos:
            pools["stranger"][stranger.identity] = photos
    return pools


def fit_height(im: Image.Image, height: int) -> Image.Image:
    width = max(1, round(im.width * height / im.height))
    return im.resize((width, height), Image.Resampling.LANCZOS)


def background(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """Sky over grass with some noise: something for the detector to look at."""
    width, height = size
    gen = np.random.default_rng(rng.getrandbits(32))
    t = np.linspace(0.0, 1.0, height)[:, None, None]
    sky, grass = np.array([150, 190, 235]), np.array([70, 140, 60])
    horizon = rng.uniform(0.3, 0.5)
    colour = np.where(t < horizon, sky, grass).astype(np.float32)
    base = np.broadcast_to(colour, (height, 1, 3))
    noise = gen.normal(0.0, 12.0, (height // 8, width // 8, 3)).astype(np.float32)
    noise = np.kron(noise, np.ones((8, 8, 1), dtype=np.float32))[:height, :width]
    pixels = np.clip(base + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels, "RGB")


def free_spot(
    size: tuple[int, int], canvas: tuple[int, int], taken: Sequence[Region], rng: random.Random
) -> Region | None:
    width, height = size
    if width >= canvas[0] or height >= canvas[1]:
        return None
    for _ in range(200):
        left, top = rng.randint(0, canvas[0] - width), rng.randint(0, canvas[1] - height)
        spot = (left, top, left + width, top + height)
        if not any(overlaps(spot, other) for other in taken):
            return spot
    return None


def overlaps(a: Region, b: Region) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def save_sideways(upright: Image.Image, path: Path, orientation: int) -> None:
    """Store the pixels turned, with the EXIF tag that turns them back; check that it does."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    upright.transpose(STORE_TRANSPOSE[orientation]).save(
        path, "JPEG", quality=92, exif=exif.tobytes()
    )
    with Image.open(path) as im:
        shown = ImageOps.exif_transpose(im).convert("RGB")
    diff = np.abs(np.asarray(shown, np.int16) - np.asarray(upright, np.int16)).mean()
    if shown.size != upright.size or diff > 10:
        raise BenchError(f"{path}: orientation {orientation} does not come back upright")


SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "JPEG": {"quality": 90},
    "WEBP": {"quality": 85, "method": 4},
    "HEIF": {"quality": 85},
    "TIFF": {"compression": "tiff_lzw"},
    "PNG": {},
}


def save_format(image: Image.Image, path: Path, fmt: str) -> None:
    image.save(path, fmt, **SAVE_OPTIONS[fmt])


def build_camp(
    root: Path, faces: Path, school: School, rng: random.Random, counts: CampCounts
) -> list[CampPhoto]:
    camp = Camp(root, faces, school, rng)
    camp.singles(counts.singles_per_pupil)
    camp.compositions(counts.compositions)
    camp.groups()
    camp.sideways(counts.sideways)
    camp.scenes(counts.scenes)
    camp.formats(counts.per_format)
    camp.broken()
    return camp.photos
