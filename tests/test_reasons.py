"""Reasons are codes and parameters; messages/reasons.py turns them into Dutch or English."""

from __future__ import annotations

import pytest

from fotopoort.channels import Channel
from fotopoort.decide import decide
from fotopoort.messages.reasons import REASONS, VARIANTS, reason_text, stored_reason_text
from fotopoort.model import (
    Box,
    ChildConsent,
    ConsentSnapshot,
    FaceResult,
    FaceStatus,
    MatchNote,
    PhotoAnalysis,
    Reason,
    ReasonCode,
    Variant,
)
from fotopoort.reports.json import stored_reason

DAAN = ChildConsent("0100231", "Daan", "Bevers", frozenset({Channel.SCHOOL}), biometric=True)
SNAP = ConsentSnapshot("0" * 64, "export.csv", None, {DAAN.child: DAAN})
BOX = Box(0, 50, 50, 0)


def test_every_code_has_a_text() -> None:
    assert set(REASONS) == set(ReasonCode)


def test_every_variant_has_a_text_for_the_code_it_belongs_to() -> None:
    assert {v for _, v in VARIANTS} == set(Variant) - {Variant.PLAIN}
    assert all(variant is not Variant.PLAIN for _, variant in VARIANTS)


def one_reason(face: FaceResult) -> Reason:
    [reason] = decide(PhotoAnalysis((face,)), SNAP, Channel.WEBSITE).reasons
    return reason


@pytest.mark.parametrize(
    ("face", "nl", "en"),
    [
        (
            FaceResult(BOX, FaceStatus.IDENTIFIED, DAAN.child, 0.3, 50),
            "gezicht 1: Daan (0100231): geen toestemming voor website",
            "face 1: Daan (0100231): no consent for website",
        ),
        (
            FaceResult(BOX, FaceStatus.UNKNOWN, None, None, 50),
            "gezicht 1: onbekend gezicht",
            "face 1: unknown face",
        ),
        (
            FaceResult(BOX, FaceStatus.TOO_SMALL, None, None, 12),
            "gezicht 1: te klein om te herkennen (12 px)",
            "face 1: too small to identify (12 px)",
        ),
        (
            FaceResult(
                BOX,
                FaceStatus.UNKNOWN,
                None,
                None,
                50,
                note=MatchNote("outside_range", DAAN.child, 0.41, 0.5, 0.33),
            ),
            "gezicht 1: onbekend gezicht: lijkt het meest op Daan (0100231) (0.41), maar "
            "buiten het bereik van de referenties van dat kind (0.50 > 0.33)",
            "face 1: unknown face: closest to Daan (0100231) (0.41), but outside the range of "
            "that child's references (0.50 > 0.33)",
        ),
        (
            FaceResult(BOX, FaceStatus.IDENTIFIED, DAAN.child, 0.3, 50, 72.0, 100.5, 80.0),
            "spoor 1, 00:01:12-00:01:40: Daan (0100231): geen toestemming voor website",
            "track 1, 00:01:12-00:01:40: Daan (0100231): no consent for website",
        ),
    ],
)
def test_a_reason_in_dutch_and_in_english(face: FaceResult, nl: str, en: str) -> None:
    reason = one_reason(face)
    assert reason_text(reason, SNAP, "nl") == nl
    assert reason_text(reason, SNAP, "en") == en


def test_the_child_is_named_from_the_snapshot_at_render_time() -> None:
    reason = one_reason(FaceResult(BOX, FaceStatus.IDENTIFIED, DAAN.child, 0.3, 50))
    renamed = ChildConsent(DAAN.child, "D.", "Bevers", frozenset(), biometric=True)
    other = ConsentSnapshot("1" * 64, "new.csv", None, {DAAN.child: renamed})
    assert "D. (0100231)" in reason_text(reason, other, "en")
    assert "Daan" not in reason_text(reason, other, "en")
    # a number no snapshot knows (a forgotten child's pseudonym) is shown as it is
    gone = ConsentSnapshot("2" * 64, "empty.csv", None, {})
    assert reason_text(reason, gone, "en") == "face 1: 0100231: no consent for website"


def test_a_stored_reason_holds_no_text_and_no_name_and_reads_back_the_same() -> None:
    reason = one_reason(
        FaceResult(
            BOX,
            FaceStatus.AMBIGUOUS,
            DAAN.child,
            0.376,
            50,
            note=MatchNote("lookalike", DAAN.child, 0.376, None, None),
        )
    )
    stored = stored_reason(reason)
    assert "Daan" not in repr(stored) and "message" not in stored
    assert stored["params"]["nearest"] == DAAN.child
    back = Reason.from_params(stored["code"], stored["child"], stored["params"])
    assert back == reason
    assert stored_reason_text(stored, SNAP, "nl") == (
        "gezicht 1: lijkt op Daan (0100231) (0.38), maar dat kind heeft een ingeschreven "
        "dubbelganger"
    )


def test_an_entry_stored_as_text_before_codes_keeps_its_message() -> None:
    old = {"code": "no_consent", "child": DAAN.child, "message": "face 1: Daan: no consent"}
    assert stored_reason_text(old, SNAP, "nl") == "face 1: Daan: no consent"
