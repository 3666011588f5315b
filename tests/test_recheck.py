"""Consent changes: what changed (import, `consents diff`), `recheck` and its take-down list,
re-sorting, and the safety property over random sequences of imports, checks and reviews."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from fotopoort import commands
from fotopoort.channels import Channel
from fotopoort.config import Policy, load_policy, template_text
from fotopoort.errors import UsageError
from fotopoort.model import Checked, ConsentSnapshot, FaceStatus, Verdict
from fotopoort.store import Store

from .conftest import Cli
from .fakes import Colour, FakeEngine, make_photo
from .test_cli_check import (
    COLOURS,
    DAAN,
    FATIMA,
    LIAM,
    NOAH,
    SOPHIE,
    STRANGER,
    CountingEngine,
    camp,
    school,
)
from .test_consents import BIOMETRIC, CHANNEL_COLUMN

__all__ = ["school"]  # the fixture, imported so that pytest finds it here

SEPTEMBER = "privacyvoorkeuren.csv"
DECEMBER = "privacyvoorkeuren-december.csv"  # Daan withdrew website, Fatima now allows school
COLUMN = {ch.value: label for ch, label in CHANNEL_COLUMN.items()} | {"biometric": BIOMETRIC}

Row = dict[str, str]
# child -> {channel or "biometric": new value}, or None: the child left
Changes = Mapping[str, Mapping[str, str] | None]
MILA = "0101105"


# --- consent exports, written as the school's software writes them -----------------------------


def demo(shared: Path, name: str) -> Path:
    return shared / "demo" / name


def read_export(path: Path) -> tuple[list[str], list[Row]]:
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";")
    return list(reader.fieldnames or []), list(reader)


def write_export(path: Path, header: Sequence[str], rows: Sequence[Row]) -> Path:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def edited_export(shared: Path, path: Path, changes: Changes, base: str = SEPTEMBER) -> Path:
    """The demo export `base` with `changes` applied to every row of each child."""
    header, rows = read_export(demo(shared, base))
    out = []
    for row in rows:
        nr = row["Leerlingnummer"]
        if nr in changes and changes[nr] is None:
            continue
        out.append({**row, **{COLUMN[k]: v for k, v in (changes.get(nr) or {}).items()}})
    return write_export(path, header, out)


# --- running recheck ----------------------------------------------------------------------------


def run_json(cli: Cli, *args: str | Path) -> tuple[int, Any]:
    result = cli(*args, "--json")
    return result.exit_code, json.loads(result.stdout)


def recheck(cli: Cli, *args: str) -> tuple[int, Any]:
    return run_json(cli, "recheck", "-j", "1", *args)


def listed(root: Path, entries: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    """(photo relative to root, channel, decision now) of take-down or newly-allowed entries."""
    return {
        (Path(e["path"]).relative_to(root.resolve()).as_posix(), e["channel"], e["decision"])
        for e in entries
    }


def holiday(root: Path) -> Path:
    """The camp, plus photos that make the demo's consent changes visible."""
    camp(root)
    make_photo(root / "daan_liam.png", [(COLOURS[DAAN], 10), (COLOURS[LIAM], 200)])
    make_photo(root / "fatima.png", [(COLOURS[FATIMA], 10)])
    make_photo(root / "fatima_noah.png", [(COLOURS[FATIMA], 10), (COLOURS[NOAH], 200)])
    return root


def check(cli: Cli, root: Path, *channels: str) -> None:
    for channel in channels:
        assert cli("check", root, "-c", channel).exit_code in (0, 1)


# --- what changed ---------------------------------------------------------------------------


def test_import_and_diff_show_what_changed_per_child_and_channel(
    cli: Cli, shared: Path, tmp_path: Path
) -> None:
    changes: Changes = {
        DAAN: {"website": "Nee"},
        FATIMA: {"school": "Ja"},
        NOAH: {"biometric": "Nee"},
        MILA: None,
    }
    expected = [
        (DAAN, "Daan", "withdrawn", "website"),
        (FATIMA, "Fatima", "given", "school"),
        (NOAH, "Noah", "biometric withdrawn", None),
        (MILA, "Mila", "left", None),
    ]
    lines = [
        f"{name} ({nr}): {kind}" + (f" for {ch}" if ch else "") for nr, name, kind, ch in expected
    ]
    assert cli("consents", "import", demo(shared, SEPTEMBER)).exit_code == 0
    imported = cli("consents", "import", edited_export(shared, tmp_path / "new.csv", changes))
    assert imported.exit_code == 0
    assert [s for s in imported.stdout.splitlines() if s.startswith("changed")] == [
        f"changed  {line}" for line in lines
    ]
    assert "run `fotopoort recheck`" in imported.stdout
    # ... and later again, as text and as JSON
    shown = cli("consents", "diff")
    assert shown.exit_code == 0
    assert "".join(f"  {line}\n" for line in lines) + "4 changes" in shown.stdout
    code, doc = run_json(cli, "consents", "diff")
    assert code == 0
    assert [tuple(c.values()) for c in doc["changes"]] == expected
    assert [list(c) for c in doc["changes"]] == [["child", "name", "change", "channel"]] * 4
    assert (doc["old"]["snapshot"], doc["new"]["snapshot"]) == (1, 2)
    assert doc["new"]["source"] == "new.csv"


def test_diff_between_numbered_snapshots(cli: Cli, shared: Path, tmp_path: Path) -> None:
    left = edited_export(shared, tmp_path / "januari.csv", {NOAH: None}, base=DECEMBER)
    for export in (demo(shared, SEPTEMBER), demo(shared, DECEMBER), left):
        assert cli("consents", "import", export).exit_code == 0

    def changes(*numbers: str) -> list[tuple[str, str, str | None]]:
        code, doc = run_json(cli, "consents", "diff", *numbers)
        assert code == 0
        return [(c["child"], c["change"], c["channel"]) for c in doc["changes"]]

    december = [(DAAN, "withdrawn", "website"), (FATIMA, "given", "school")]
    assert changes("1", "2") == december
    assert changes("2", "1") == [(DAAN, "given", "website"), (FATIMA, "withdrawn", "school")]
    assert changes() == changes("2", "3") == [(NOAH, "left", None)]
    assert changes("1", "3") == [*december, (NOAH, "left", None)]
    assert changes("3", "3") == []


@pytest.mark.parametrize(
    ("imports", "args", "message"),
    [
        (1, [], "fewer than two consent exports"),
        (2, ["1"], "give both snapshot numbers"),
        (2, ["1", "7"], "no consent snapshot 7 (imported: 1, 2)"),
    ],
)
def test_diff_usage_errors_exit_2(
    cli: Cli, shared: Path, imports: int, args: list[str], message: str
) -> None:
    for export in (SEPTEMBER, DECEMBER)[:imports]:
        assert cli("consents", "import", demo(shared, export)).exit_code == 0
    result = cli("consents", "diff", *args)
    assert result.exit_code == 2
    assert message in result.stderr


# --- recheck ---------------------------------------------------------------------------------


def test_recheck_after_the_december_export_lists_what_must_come_down(
    school: Cli, shared: Path, tmp_path: Path
) -> None:
    root = holiday(tmp_path / "kamp")
    check(school, root, "website", "school")
    code, unchanged = recheck(school)
    assert (code, unchanged["take_down"], unchanged["newly_allowed"]) == (0, [], [])
    assert school("consents", "import", demo(shared, DECEMBER)).exit_code == 0

    code, website = recheck(school, "--channel", "website")
    assert code == 1
    assert listed(root, website["take_down"]) == {
        ("daan.png", "website", "blocked"),
        ("daan_liam.png", "website", "blocked"),
    }  # not daan_sophie.png nor daan_small.png: they were never allowed for the website
    assert website["newly_allowed"] == []
    assert website["rechecked"] == 11
    daan = next(e for e in website["take_down"] if e["path"].endswith("/daan.png"))
    assert daan["was"] == "allowed"
    message = "face 1: Daan (0100231): no consent for website"
    params = {"face": 0, "channel": "website"}
    assert daan["reasons"] == [
        {"code": "no_consent", "child": DAAN, "params": params, "message": message}
    ]

    code, school_channel = recheck(school, "--channel", "school")
    assert code == 0
    assert school_channel["take_down"] == []
    assert listed(root, school_channel["newly_allowed"]) == {
        ("daan_fatima.png", "school", "allowed"),
        ("fatima.png", "school", "allowed"),
    }  # fatima_noah.png stays blocked: Noah has no school consent
    december_sha = hashlib.sha256(demo(shared, DECEMBER).read_bytes()).hexdigest()
    assert school_channel["snapshot"]["sha256"] == december_sha


def test_recheck_is_repeatable(school: Cli, shared: Path, tmp_path: Path) -> None:
    """Looking at the take-down list does not lose it: first on screen, then --json for a
    script, both name the photo and exit 1."""
    root = camp(tmp_path / "kamp")
    check(school, root, "website", "school")
    school("consents", "import", demo(shared, DECEMBER))
    shown = school("recheck", "-j", "1")
    assert shown.exit_code == 1
    assert "take down: no longer allowed" in shown.stdout
    assert "face 1: Daan (0100231): no consent for website" in shown.stdout
    assert "newly allowed" in shown.stdout  # daan_fatima.png, for school
    assert "16 decisions rechecked: 1 to take down, 1 newly allowed" in shown.stdout
    code, doc = recheck(school)
    assert listed(root, doc["take_down"]) == {("daan.png", "website", "blocked")}
    assert code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--channel", "webiste"], "did you mean 'website'"), (["--jobs", "0"], "--jobs")],
)
def test_recheck_usage_errors_exit_2(cli: Cli, shared: Path, args: list[str], message: str) -> None:
    cli("consents", "import", demo(shared, SEPTEMBER))
    result = cli("recheck", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_recheck_decodes_nothing_when_only_consents_changed_even_for_deleted_photos(
    school: Cli, shared: Path, tmp_path: Path
) -> None:
    root = camp(tmp_path / "kamp")
    school.engine_factory = CountingEngine
    CountingEngine.calls = 0
    check(school, root, "website")
    assert CountingEngine.calls == 7
    (root / "daan.png").unlink()  # published, then deleted from the camp folder
    school("consents", "import", demo(shared, DECEMBER))
    code, doc = recheck(school)
    assert CountingEngine.calls == 7
    assert code == 1
    assert listed(root, doc["take_down"]) == {("daan.png", "website", "blocked")}
    assert doc["rechecked"] == 8


def test_photos_of_children_whose_encodings_were_deleted_come_down(
    school: Cli, shared: Path, tmp_path: Path
) -> None:
    root = tmp_path / "kamp"
    for child in (DAAN, LIAM):  # both with website consent
        for name in ("present", "deleted"):
            make_photo(root / f"{child}-{name}.png", [(COLOURS[child], 10)])
    check(school, root, "website")
    for child in (DAAN, LIAM):
        (root / f"{child}-deleted.png").unlink()
    changes: Changes = {DAAN: {"biometric": "Nee"}, LIAM: None}
    imported = school("consents", "import", edited_export(shared, tmp_path / "new.csv", changes))
    assert "deleted the face encodings of 0100231: consent for face recognition" in imported.stdout
    assert (
        "deleted the face encodings of 0101022: no longer in the consent export" in imported.stdout
    )
    code, doc = recheck(school)
    assert code == 1
    # still there: the face is unknown now (review); gone: its analysis went with the child's data
    assert listed(root, doc["take_down"]) == {
        (f"{child}-{name}.png", "website", now)
        for child in (DAAN, LIAM)
        for name, now in (("present", "review"), ("deleted", "blocked"))
    }


def test_a_changed_photo_is_not_reported_allowed_on_its_old_content(
    school: Cli, shared: Path, tmp_path: Path
) -> None:
    root = tmp_path / "kamp"
    photo = make_photo(root / "groep.png", [(COLOURS[FATIMA], 10)])
    check(school, root, "school")  # blocked: Fatima has no school consent in September
    make_photo(photo, [(COLOURS[NOAH], 10)])  # replaced by a photo of Noah (no consent at all)
    school("consents", "import", demo(shared, DECEMBER))  # Fatima now allows school
    _, doc = recheck(school)
    assert ("groep.png", "school", "allowed") not in listed(root, doc["newly_allowed"])


def test_sort_into_an_existing_out_moves_copies_after_a_consent_change(
    school: Cli, shared: Path, tmp_path: Path
) -> None:
    root, out = holiday(tmp_path / "kamp"), tmp_path / "out"
    school("sort", root, "--out", out, "-c", "website", "-c", "school")
    school("consents", "import", demo(shared, DECEMBER))
    school("sort", root, "--out", out, "-c", "website", "-c", "school")
    moves = [
        ("website", "daan.png", "allowed", "blocked"),
        ("website", "daan_liam.png", "allowed", "blocked"),
        ("school", "daan_fatima.png", "blocked", "allowed"),
        ("school", "fatima.png", "blocked", "allowed"),
    ]
    for channel, name, was, now in moves:
        assert not (out / channel / was / name).exists(), (channel, name)
        assert (out / channel / now / name).read_bytes() == (root / name).read_bytes()
    assert (out / "school" / "blocked" / "fatima_noah.png").is_file()
    assert (out / "website" / "allowed" / "sub" / "liam.png").is_file()


@pytest.mark.parametrize("again", ["check", "sort"])
def test_a_check_or_sort_after_a_withdrawal_does_not_take_a_photo_off_the_list(
    school: Cli, shared: Path, tmp_path: Path, again: str
) -> None:
    """A nightly job that sorts before it rechecks must not lose the photo that went out: a
    copy uploaded to the website stays there whatever OUT now holds, so only a person who took
    it down clears it (recheck --done)."""
    root, out = holiday(tmp_path / "kamp"), tmp_path / "out"
    school("sort", root, "--out", out, "-c", "website")
    school("consents", "import", demo(shared, DECEMBER))
    if again == "check":
        assert school("check", root, "-c", "website").exit_code == 1
    else:
        school("sort", root, "--out", out, "-c", "website")
        assert not (out / "website" / "allowed" / "daan.png").exists()
    expected = {("daan.png", "website", "blocked"), ("daan_liam.png", "website", "blocked")}
    code, doc = recheck(school, "--channel", "website")
    assert (code, listed(root, doc["take_down"])) == (1, expected)
    assert school("check", root, "-c", "website").exit_code == 1  # again: still listed
    assert listed(root, recheck(school, "--channel", "website")[1]["take_down"]) == expected
    done = school("recheck", "--done", root / "daan.png")
    assert done.exit_code == 1, done.output  # daan_liam.png is still to be taken down
    code, doc = recheck(school, "--channel", "website")
    assert listed(root, doc["take_down"]) == {("daan_liam.png", "website", "blocked")}


# --- the safety property over random histories ------------------------------------------------

KIDS = (DAAN, FATIMA, NOAH, LIAM)
FACES: tuple[Colour, ...] = (*(COLOURS[k] for k in KIDS), STRANGER, SOPHIE)
KID_OF = {COLOURS[k]: k for k in KIDS}
PHOTOS = 3
X = (10, 140, 270)  # where the faces of a photo go
NAMES = {DAAN: "Daan", FATIMA: "Fatima", NOAH: "Noah", LIAM: "Liam"}
# always in the export (an export without pupils is refused); never photographed
ANCHOR: Row = {"Leerlingnummer": "0199999", "Roepnaam": "Anker", "Stamgroep": "Bevers"}

Face = tuple[int, bool]  # (index into FACES, too small to identify)


@dataclass(frozen=True)
class Import:
    answers: Mapping[str, tuple[frozenset[Channel], bool]]  # kid -> (channels, biometric)


@dataclass(frozen=True)
class Enroll:
    pass


@dataclass(frozen=True)
class Shoot:
    photo: int
    faces: tuple[Face, ...]


@dataclass(frozen=True)
class Delete:
    photo: int


@dataclass(frozen=True)
class Check:
    channel: Channel


@dataclass(frozen=True)
class Recheck:
    channel: Channel | None


@dataclass(frozen=True)
class Assign:
    photo: int
    face: int
    kid: str


@dataclass(frozen=True)
class Approve:
    photo: int
    channel: Channel


Step = Import | Enroll | Shoot | Delete | Check | Recheck | Assign | Approve

channels = st.sampled_from(list(Channel))
photos = st.integers(0, PHOTOS - 1)
imports = st.builds(
    Import,
    st.dictionaries(st.sampled_from(KIDS), st.tuples(st.frozensets(channels), st.booleans())),
)
shoots = st.builds(
    Shoot,
    photos,
    st.lists(
        st.tuples(st.integers(0, len(FACES) - 1), st.booleans()),
        max_size=len(X),
        unique_by=lambda f: f[0],
    ).map(tuple),
)
steps: st.SearchStrategy[Step] = st.one_of(
    imports,
    st.just(Enroll()),
    shoots,
    st.builds(Delete, photos),
    st.builds(Check, channels),
    st.builds(Recheck, st.none() | channels),
    st.builds(Assign, photos, st.integers(1, len(X)), st.sampled_from(KIDS)),
    st.builds(Approve, photos, channels),
)


@dataclass(frozen=True)
class Blank:
    """What every random school starts from, made once per test: the export header, reference
    photos, and an empty database (creating its tables costs more than a whole history)."""

    header: list[str]
    refs: Path
    database: Path


@pytest.fixture
def blank(shared: Path, tmp_path: Path) -> Blank:
    header, _ = read_export(demo(shared, SEPTEMBER))
    for kid in KIDS:
        for i, x in enumerate((10, 20)):  # two references: one is never enough to identify
            make_photo(tmp_path / "refs" / kid / f"ref{i}.png", [(COLOURS[kid], x)], face_px=100)
    Store(tmp_path / "empty.db").close()
    return Blank(header, tmp_path / "refs", tmp_path / "empty.db")


class School:
    """A school with the fake engine, driven through the actions API."""

    def __init__(self, root: Path, blank: Blank) -> None:
        config = root / "consents.yaml"
        config.write_text(template_text(), encoding="utf-8")
        self.root, self.blank = root, blank
        self.policy: Policy = load_policy(config)
        shutil.copyfile(blank.database, self.policy.database)
        self.store = Store(self.policy.database)
        self.store.conn.execute("PRAGMA synchronous = OFF")  # fast; durability is not tested here
        self.photos = root / "photos"
        self.photos.mkdir()
        self.contents: dict[str, tuple[Face, ...]] = {}  # sha256 -> the faces drawn in it
        self.reviewed: set[str] = set()  # sha256 of photos a person decided on
        self.imports = 0

    def snapshot(self) -> ConsentSnapshot:
        return self.store.require_snapshot().snapshot

    def path(self, photo: int) -> Path:
        return self.photos / f"p{photo}.png"

    def sha(self, photo: int) -> str | None:
        path = self.path(photo)
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None

    def run(self, step: Step) -> None:
        match step:
            case Import(answers):
                self.imports += 1
                rows = [ANCHOR, *(self._row(kid, *a) for kid, a in answers.items())]
                path = self.root / f"export{self.imports}.csv"
                write_export(path, self.blank.header, rows)
                # any history of exports, including ones a person confirms
                commands.import_consents(self.policy, self.store, path, older_ok=True, yes=True)
            case Enroll():
                commands.enroll(self.policy, self.store, self.blank.refs, FakeEngine)
            case Shoot(photo, faces):
                draw(self.path(photo), faces)
                self.contents[str(self.sha(photo))] = faces
            case Delete(photo):
                self.path(photo).unlink(missing_ok=True)
            case Check(channel):
                run = commands.check(
                    self.policy, self.store, [self.photos], [channel], FakeEngine, jobs=1
                )
                for item in run.results[channel]:
                    self._assert_safe(channel, item, ground_truth=True)
            case Recheck(channel):
                for r in commands.recheck(self.policy, self.store, FakeEngine, channel).items:
                    self._assert_safe(Channel(r.previous.channel), r.item)
            case Assign(photo, face, kid):
                self._review(
                    photo,
                    None,
                    lambda p: commands.review_assign(
                        self.policy, self.store, p, face, kid, "tester", ""
                    ),
                )
            case Approve(photo, channel):
                self._review(
                    photo,
                    channel,
                    lambda p: commands.review_approve(
                        self.policy, self.store, p, channel, None, "tester", ""
                    ),
                )

    def _row(self, kid: str, granted: frozenset[Channel], biometric: bool) -> Row:
        yes_no = {True: "Ja", False: "Nee"}
        return {
            "Leerlingnummer": kid,
            "Roepnaam": NAMES[kid],
            **{COLUMN[ch.value]: yes_no[ch in granted] for ch in Channel},
            COLUMN["biometric"]: yes_no[biometric],
        }

    def _review(
        self, photo: int, channel: Channel | None, act: Callable[[Path], list[Checked]]
    ) -> None:
        sha = self.sha(photo)
        rows = [
            Channel(p.channel)
            for p in self.store.previous_decisions(channel.value if channel else None)
            if p.sha256 == sha
        ]
        try:
            items = act(self.path(photo))
        except UsageError:
            return
        assert sha is not None and len(items) == len(rows)
        self.reviewed.add(sha)
        for ch, item in zip(rows, items, strict=True):
            self._assert_safe(ch, item)

    def _assert_safe(self, channel: Channel, item: Checked, *, ground_truth: bool = False) -> None:
        """Allowed only when every identified (or person-named) child answered Ja; and, for
        a photo no person decided on, only when every face in it is such a child."""
        if item.decision.verdict is not Verdict.ALLOWED:
            return
        snap = self.snapshot()
        for face in item.analysis.faces:
            if face.status in (FaceStatus.IDENTIFIED, FaceStatus.ASSIGNED):
                child = snap.children.get(str(face.child))
                assert child is not None and child.allows(channel), (channel, item)
        sha = item.photo.sha256
        if ground_truth and sha not in self.reviewed:
            for f, small in self.contents[str(sha)]:
                kid = KID_OF.get(FACES[f])
                child = snap.children.get(kid) if kid and not small else None
                assert child is not None and child.allows(channel), (channel, item)


def draw(path: Path, faces: Sequence[Face]) -> None:
    """A photo with a square "face" per entry: 80 px, or 30 px when too small to identify."""
    img = Image.new("RGB", (400, 200), (255, 255, 255))
    for (f, small), x in zip(faces, X, strict=False):
        px = 30 if small else 80
        img.paste(FACES[f], (x, 20, x + px, 20 + px))
    img.save(path, "PNG")


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(first=imports, history=st.lists(steps, max_size=12))
def test_never_allowed_where_an_identified_child_has_no_consent(
    blank: Blank, tmp_path: Path, first: Import, history: list[Step]
) -> None:
    world = School(Path(tempfile.mkdtemp(dir=tmp_path)), blank)
    start: list[Step] = [
        first,
        Enroll(),
        Shoot(0, ((0, False), (4, False))),
        Check(Channel.WEBSITE),
    ]
    try:
        for step in [*start, *history, Recheck(None)]:
            world.run(step)
    finally:
        world.store.close()
