"""The rule an approved redacted copy rests on, as pure logic (no image): it may go out only
while every face it leaves visible has consent for the channel; covered faces do not matter."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from fotopoort.channels import Channel
from fotopoort.decide import decide
from fotopoort.model import (
    Box,
    Checked,
    ChildConsent,
    ConsentSnapshot,
    FaceResult,
    FaceStatus,
    PhotoAnalysis,
)
from fotopoort.publish.redaction import approved_copy_holds, visible_without_consent
from fotopoort.scan import CheckedPhoto, PhotoFile

WEBSITE = Channel("website")
CHILDREN = ("0100001", "0100002", "0100003")


def snapshot(consenting: set[str]) -> ConsentSnapshot:
    children = {
        nr: ChildConsent(
            nr, f"kind{i}", "Bevers", frozenset({WEBSITE} if nr in consenting else ()), True
        )
        for i, nr in enumerate(CHILDREN)
    }
    return ConsentSnapshot("sha", "export.csv", None, children)


def face(i: int, child: str | None) -> FaceResult:
    status = FaceStatus.IDENTIFIED if child else FaceStatus.UNKNOWN
    box = Box(top=10, right=100 * i + 90, bottom=90, left=100 * i + 10)
    return FaceResult(box, status, child, 0.1 if child else None, 80)


def checked(faces: list[str | None], consenting: set[str]) -> Checked:
    analysis = PhotoAnalysis(tuple(face(i, c) for i, c in enumerate(faces)))
    photo = CheckedPhoto(PhotoFile(Path("x.png"), "x.png"), "sha", analysis, "settings")
    return Checked(photo, decide(analysis, snapshot(consenting), WEBSITE), analysis)


def test_a_covered_childs_consent_does_not_matter_a_visible_childs_does() -> None:
    a, b, _ = CHILDREN
    item = checked([a, b, None], consenting={a})  # a visible with consent; b, unknown covered
    assert visible_without_consent(item, (2, 3)) == ()
    assert approved_copy_holds(item, (2, 3))
    # a withdraws: face 1 is visible without consent now
    withdrawn = checked([a, b, None], consenting=set())
    assert visible_without_consent(withdrawn, (2, 3)) == (1,)
    assert not approved_copy_holds(withdrawn, (2, 3))
    # b gives consent: the copy covers more than needed, still fine
    assert approved_copy_holds(checked([a, b, None], consenting={a, b}), (2, 3))
    # a copy that leaves the unknown face visible never holds
    assert visible_without_consent(item, (2,)) == (3,)


def test_faces_that_are_not_in_the_analysis_never_hold() -> None:
    a, b, _ = CHILDREN
    assert not approved_copy_holds(checked([a, b], consenting={a}), (2, 5))


@given(
    faces=st.lists(st.sampled_from([*CHILDREN, None]), min_size=1, max_size=4),
    consenting=st.sets(st.sampled_from(CHILDREN)),
    covered=st.sets(st.integers(min_value=1, max_value=4)),
)
def test_a_copy_that_holds_shows_only_children_with_consent(
    faces: list[str | None], consenting: set[str], covered: set[int]
) -> None:
    item = checked(faces, consenting)
    if approved_copy_holds(item, tuple(sorted(covered))):
        visible = [c for i, c in enumerate(faces) if i + 1 not in covered]
        assert all(c is not None and c in consenting for c in visible)
