"""Human review: `review list`, `review assign` and `review approve`. What a person decides is
bound to the photo's content, and an approval to the consents it was given under."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from .conftest import Cli
from .fakes import make_photo
from .test_cli_check import COLOURS, DAAN, FATIMA, LIAM, STRANGER, school, shifted
from .test_cli_check import NOAH as NOAH_NR
from .test_recheck import (
    DECEMBER,
    SEPTEMBER,
    Changes,
    demo,
    edited_export,
    listed,
    recheck,
    run_json,
)

__all__ = ["registered", "school"]  # fixtures: `school` is imported so that pytest finds it

SOPHIE_NR = "0100512"  # in the export, never enrolled (no consent for face recognition)
BY = ("--by", "juf Anna")


@pytest.fixture
def registered(cli: Cli, shared: Path) -> Cli:
    """The demo export imported and nobody enrolled: every face is unknown, so every photo with
    a face starts in review. Cheaper than `school` where no face must be recognised."""
    assert cli("consents", "import", demo(shared, SEPTEMBER)).exit_code == 0
    cli.default_args |= {"check": ["-j", "1"], "sort": ["-j", "1"]}
    return cli


def shoot(root: Path) -> Path:
    make_photo(root / "stranger.png", [(STRANGER, 10)])
    make_photo(root / "small.png", [(STRANGER, 10)], face_px=30)
    make_photo(root / "empty.png", [])
    (root / "broken.jpg").write_bytes(b"not really a photo")
    return root


def checked(cli: Cli, photo: Path, channel: str, *extra: str) -> dict[str, Any]:
    """`check --json` of one photo: its entry."""
    code, doc = run_json(cli, "check", photo, "-c", channel, *extra)
    entry: dict[str, Any] = doc["photos"][0]
    assert code == (0 if entry["decision"] == "allowed" else 1)
    return entry


def review(cli: Cli, command: str, photo: Path, *args: str) -> Result:
    return cli("review", command, photo, *args, *BY)


def reviews_table(cli: Cli) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(cli.workdir / "fotopoort.db")) as db:
        return list(db.execute("SELECT kind, face, child, channel, grp, by, note FROM reviews"))


def codes(entry: dict[str, Any]) -> list[str]:
    return [r["code"] for r in entry["reasons"]]


# --- review list ---------------------------------------------------------------------------


def test_review_list_shows_the_photos_and_faces_that_need_a_person(
    registered: Cli, tmp_path: Path
) -> None:
    root = shoot(tmp_path / "kamp")
    for channel in ("website", "school"):
        registered("check", root, "-c", channel)
    listing = registered("review", "list")
    assert listing.exit_code == 0
    assert "4 decisions in review" in listing.stdout
    assert "face 1: unknown face" in listing.stdout
    assert "face 1: too small to identify (30 px)" in listing.stdout
    assert "empty.png" not in listing.stdout and "broken.jpg" not in listing.stdout
    website = registered("review", "list", "--channel", "website")
    assert "2 decisions in review" in website.stdout
    assert " school " not in website.stdout


# --- review assign -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("child", "name", "channel", "verdict"),
    [
        (LIAM, "Liam", "website", "allowed"),
        (FATIMA, "Fatima", "website", "blocked"),
        (SOPHIE_NR, "Sophie", "website", "blocked"),  # Niet ingevuld
        (SOPHIE_NR, "Sophie", "portfolio", "allowed"),  # never enrolled, yet a person knows her
    ],
)
def test_assign_applies_the_consent_of_the_named_child(
    registered: Cli, tmp_path: Path, child: str, name: str, channel: str, verdict: str
) -> None:
    photo = make_photo(tmp_path / "kamp" / "stranger.png", [(STRANGER, 10)])
    assert checked(registered, photo, channel)["decision"] == "review"
    result = review(registered, "assign", photo, "--face", "1", "--child", child, "--note", "zeker")
    assert result.exit_code == 0, result.stderr
    consent = "consent" if verdict == "allowed" else "no consent"
    said = f"stranger.png: {verdict} (face 1: {name} ({child}), named by a person: {consent} for"
    assert said in result.stdout
    entry = checked(registered, photo, channel)
    assert entry["decision"] == verdict
    assert entry["faces"][0]["child"] == child and entry["faces"][0]["status"] == "assigned"
    assert reviews_table(registered) == [("assign", 0, child, None, None, "juf Anna", "zeker")]


def test_an_assignment_follows_the_childs_consent_changes(
    registered: Cli, shared: Path, tmp_path: Path
) -> None:
    root = tmp_path / "kamp"
    photo = make_photo(root / "stranger.png", [(STRANGER, 10)])
    registered("check", photo, "-c", "website")
    review(registered, "assign", photo, "--face", "1", "--child", DAAN)
    assert checked(registered, photo, "website")["decision"] == "allowed"
    registered("consents", "import", demo(shared, DECEMBER))  # Daan withdrew website
    code, doc = recheck(registered)
    assert code == 1
    assert listed(root, doc["take_down"]) == {("stranger.png", "website", "blocked")}
    message = "face 1: Daan (0100231), named by a person: no consent for website"
    assert [r["message"] for r in doc["take_down"][0]["reasons"]] == [message]


# --- review approve -----------------------------------------------------------------------


def test_approve_lets_a_photo_in_review_out_on_that_channel_and_records_who_and_why(
    registered: Cli, tmp_path: Path
) -> None:
    root, out = tmp_path / "kamp", tmp_path / "out"
    photo = make_photo(root / "stranger.png", [(STRANGER, 10)])
    registered("sort", root, "--out", out, "-c", "website")
    assert (out / "website" / "review" / "stranger.png").is_file()
    note = "de fotograaf, een volwassene"
    result = review(registered, "approve", photo, "--channel", "website", "--note", note)
    assert result.exit_code == 0, result.stderr
    said = f"stranger.png: allowed (face 1: unknown face; approved by juf Anna ({note}))"
    assert said in result.stdout
    assert reviews_table(registered) == [("approve", None, None, "website", "", "juf Anna", note)]
    entry = checked(registered, photo, "website")
    assert codes(entry) == ["unknown_face", "human_approved"]
    assert recheck(registered)[1]["take_down"] == []
    assert checked(registered, photo, "school")["decision"] == "review"  # that channel only
    registered("sort", root, "--out", out, "-c", "website")
    assert (out / "website" / "allowed" / "stranger.png").is_file()
    assert not (out / "website" / "review" / "stranger.png").exists()


def test_an_approval_for_the_stamgroep_holds_for_that_group(
    registered: Cli, tmp_path: Path
) -> None:
    photo = make_photo(tmp_path / "kamp" / "stranger.png", [(STRANGER, 10)])
    registered("check", photo, "-c", "stamgroep", "--group", "Bevers")
    no_group = review(registered, "approve", photo, "-c", "stamgroep")
    assert no_group.exit_code == 2
    assert "not checked for stamgroep yet" in no_group.stderr
    assert (
        review(registered, "approve", photo, "-c", "stamgroep", "--group", "Bevers").exit_code == 0
    )
    assert checked(registered, photo, "stamgroep", "--group", "Bevers")["decision"] == "allowed"
    assert checked(registered, photo, "stamgroep", "--group", "Vossen")["decision"] == "review"


def test_review_usage_errors_exit_2_and_record_nothing(registered: Cli, tmp_path: Path) -> None:
    root = shoot(tmp_path / "kamp")
    registered("check", root, "-c", "website")
    stranger, empty, broken = root / "stranger.png", root / "empty.png", root / "broken.jpg"
    unchecked = make_photo(root / "later.png", [(STRANGER, 150)])
    blocked = make_photo(root / "fatima.png", [(STRANGER, 100)])
    registered("check", blocked, "-c", "website")
    review(registered, "assign", blocked, "--face", "1", "--child", FATIMA)  # no website consent
    before = reviews_table(registered)
    # one database for every case: each is refused before anything is written
    cases: list[tuple[list[str | Path], str]] = [
        (["assign", stranger, "--face", "0", "--child", LIAM, *BY], "--face must be 1 to that"),
        (["assign", stranger, "--face", "2", "--child", LIAM, *BY], "has 1 face(s)"),
        (["assign", stranger, "--face", "1", "--child", "0999999", *BY], "no child '0999999'"),
        (["assign", unchecked, "--face", "1", "--child", LIAM, *BY], "not checked yet"),
        (["assign", root / "gone.png", "--face", "1", "--child", LIAM, *BY], "cannot be read"),
        (["assign", stranger, "--face", "1", "--child", LIAM], "Missing option '--by'"),
        (["approve", blocked, "-c", "website", *BY], "a review cannot allow it"),
        (["approve", broken, "-c", "website", *BY], "a review cannot allow it"),
        (["approve", empty, "-c", "website", *BY], "is already allowed for website"),
        (["approve", stranger, "-c", "school", *BY], "not checked for school yet"),
        (["approve", stranger, "-c", "webiste", *BY], "did you mean 'website'"),
        (["approve", stranger, "-c", "website"], "Missing option '--by'"),
    ]
    for args, message in cases:
        result = registered("review", *args)
        assert (result.exit_code, message in result.stderr) == (2, True), (args, result.stderr)
    assert reviews_table(registered) == before


@pytest.mark.parametrize(
    "decide",
    [("assign", "--face", "1", "--child", LIAM), ("approve", "--channel", "website")],
    ids=["assign", "approve"],
)
def test_a_changed_photo_is_a_new_photo_and_goes_back_to_review(
    registered: Cli, tmp_path: Path, decide: tuple[str, ...]
) -> None:
    root = tmp_path / "kamp"
    photo = make_photo(root / "stranger.png", [(STRANGER, 10)])
    registered("check", photo, "-c", "website")
    assert review(registered, decide[0], photo, *decide[1:]).exit_code == 0
    copy = shutil.copy2(photo, root / "copy.png")  # the same content elsewhere: the same photo
    assert checked(registered, Path(copy), "website")["decision"] == "allowed"
    make_photo(photo, [(STRANGER, 12)])  # retouched
    assert checked(registered, photo, "website")["decision"] == "review"
    assert "stranger.png" in registered("review", "list").stdout


# --- approvals and consent changes (faces recognised: the `school` fixture) ------------------


def approved(cli: Cli, root: Path, child: str, channel: str) -> Path:
    """A photo of `child` with an unknown face, approved for `channel`."""
    photo = make_photo(root / "met_gast.png", [(COLOURS[child], 10), (STRANGER, 200)])
    assert checked(cli, photo, channel)["decision"] == "review"
    assert review(cli, "approve", photo, "--channel", channel).exit_code == 0
    assert checked(cli, photo, channel)["decision"] == "allowed"
    return photo


@pytest.mark.parametrize(
    ("child", "channel", "given", "withdrawn"),
    [(DAAN, "website", SEPTEMBER, DECEMBER), (FATIMA, "school", DECEMBER, SEPTEMBER)],
    ids=["daan-website", "fatima-school"],
)
def test_an_approval_does_not_survive_the_withdrawal_of_an_identified_childs_consent(
    school: Cli, shared: Path, tmp_path: Path, child: str, channel: str, given: str, withdrawn: str
) -> None:
    root = tmp_path / "kamp"
    assert school("consents", "import", demo(shared, given)).exit_code == 0
    photo = approved(school, root, child, channel)
    # Fatima's answers of September are older than December's: said so on purpose
    assert school("consents", "import", demo(shared, withdrawn), "--older-ok").exit_code == 0
    code, doc = recheck(school, "--channel", channel)
    assert code == 1
    assert listed(root, doc["take_down"]) == {("met_gast.png", channel, "blocked")}
    again = review(school, "approve", photo, "--channel", channel)
    assert again.exit_code == 2
    assert "a review cannot allow it" in again.stderr


def test_an_approval_is_void_when_the_identified_child_is_no_longer_recognised(
    school: Cli, shared: Path, tmp_path: Path
) -> None:
    root = tmp_path / "kamp"
    approved(school, root, DAAN, "website")
    changes: Changes = {DAAN: {"biometric": "Nee"}}  # Daan's face is unknown from now on
    school("consents", "import", edited_export(shared, tmp_path / "new.csv", changes))
    code, doc = recheck(school)
    assert code == 1
    assert listed(root, doc["take_down"]) == {("met_gast.png", "website", "review")}
    void = doc["take_down"][0]["reasons"][-1]
    assert void["code"] == "approval_void"
    assert void["message"] == "the approval by juf Anna is void: a consent changed since"


def test_a_void_approval_stays_void_when_the_consent_comes_back(
    school: Cli, shared: Path, tmp_path: Path
) -> None:
    """Daan's parents withdraw website consent, then give it again: the person approved the
    photo under other answers, so it needs a new look (review), not a silent return."""
    photo = approved(school, tmp_path / "kamp", DAAN, "website")
    school("consents", "import", demo(shared, DECEMBER))
    assert recheck(school)[0] == 1
    januari = edited_export(shared, tmp_path / "januari.csv", {})  # September's answers
    assert school("consents", "import", januari, "--older-ok").exit_code == 0
    entry = checked(school, photo, "website")
    assert entry["decision"] == "review"
    assert "approval_void" in codes(entry)


# --- a face a person named that fotopoort later recognises as another child -------------------

MILA_NR = "0101105"  # website Ja, never enrolled (biometric Nee)


def enrol(cli: Cli, tmp_path: Path, nr: str) -> None:
    refs = tmp_path / "refs"
    for i, d in enumerate((-2, 2)):
        ref = shifted(COLOURS[nr], d)
        make_photo(refs / nr / f"ref{i}.png", [(ref, 10)], face_px=100, size=(200, 200))
    result = cli("enroll", refs)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("child", "decision", "code"),
    [(NOAH_NR, "blocked", "no_consent"), (DAAN, "review", "named_other")],
    ids=["recognised-without-consent", "both-with-consent"],
)
def test_a_name_given_in_review_never_outweighs_the_child_recognised_since(
    registered: Cli, tmp_path: Path, child: str, decision: str, code: str
) -> None:
    """A face nobody recognised was named Mila (website Ja) and allowed; the child it really is
    gets enrolled: that child's answer applies too, so a person's mistake cannot publish it."""
    photo = tmp_path / "kamp" / "bus.png"
    make_photo(photo, [(COLOURS[child], 10)])
    assert checked(registered, photo, "website")["decision"] == "review"
    assert review(registered, "assign", photo, "--face", "1", "--child", MILA_NR).exit_code == 0
    assert checked(registered, photo, "website")["decision"] == "allowed"
    enrol(registered, tmp_path, child)
    entry = checked(registered, photo, "website")
    assert entry["decision"] == decision
    first = entry["reasons"][0]
    assert (first["code"], first["child"]) == (code, MILA_NR if code == "named_other" else child)
    assert entry["faces"][0]["status"] == "assigned"
    assert entry["faces"][0]["recognised"] == child
    if code == "named_other":
        assert "but fotopoort recognises Daan (0100231)" in first["message"]
        # a person who looks again and approves decides it, bound to both children's answers
        assert review(registered, "approve", photo, "--channel", "website").exit_code == 0
        assert checked(registered, photo, "website")["decision"] == "allowed"
