"""Tracking and the video decision rule, without a single video (tracks.py, decide.py)."""

from __future__ import annotations

import numpy as np

from fotopoort.channels import Channel
from fotopoort.decide import decide
from fotopoort.messages.reasons import reason_text
from fotopoort.model import Box, FaceResult, FaceStatus, PhotoAnalysis, ReasonCode, Verdict
from fotopoort.tracks import Follower, Observation, build_tracks, normalised, video_faces
from fotopoort.videoconfig import FollowSettings, TrackSettings

from .test_decide import child, snapshot

SETTINGS = TrackSettings()
DAAN, NOAH = "0100231", "0100733"
SNAP = snapshot(child(DAAN, *Channel), child(NOAH))


def enc(x: float) -> np.ndarray:
    e = np.zeros(128)
    e[0] = x
    return e


def obs(
    t: float,
    left: int,
    status: FaceStatus = FaceStatus.IDENTIFIED,
    child: str | None = DAAN,
    code: float = 0.0,
    size: int = 100,
    encoded: bool = True,
) -> Observation:
    box = Box(100, left + size, 100 + size, left)
    face = FaceResult(box, status, child, 0.3 if child else None, size)
    return Observation(t, face, enc(code) if encoded else None)


def faces_of(frames: list[tuple[float, list[Observation]]]) -> tuple[FaceResult, ...]:
    return video_faces(build_tracks(frames, SETTINGS))


def test_a_face_moving_between_samples_stays_one_track_with_its_time_range() -> None:
    frames = [(t / 2, [obs(t / 2, 100 + 150 * t)]) for t in range(5)]  # no box overlap
    [track] = faces_of(frames)
    assert (track.status, track.child, track.start, track.end) == (
        FaceStatus.IDENTIFIED,
        DAAN,
        0.0,
        2.0,
    )


def test_a_face_that_fits_no_track_is_its_own_track() -> None:
    frames = [
        (0.0, [obs(0.0, 100)]),
        (0.5, [obs(0.5, 100), obs(0.5, 400, FaceStatus.UNKNOWN, None, code=0.9)]),
        (1.0, [obs(1.0, 100)]),
    ]
    faces = faces_of(frames)
    assert [f.status for f in faces] == [FaceStatus.IDENTIFIED, FaceStatus.UNKNOWN]
    assert (faces[1].start, faces[1].end) == (0.5, 0.5)


def test_a_child_without_consent_never_hides_in_another_childs_track() -> None:
    """Noah looks like Daan (close encodings, same place) for one frame: still his own track."""
    frames = [
        (0.0, [obs(0.0, 100)]),
        (0.5, [obs(0.5, 100, child=NOAH, code=0.1)]),
        (1.0, [obs(1.0, 100)]),
        (1.5, [obs(1.5, 100)]),
    ]
    faces = faces_of(frames)
    assert {(f.child, f.status) for f in faces} == {
        (DAAN, FaceStatus.IDENTIFIED),
        (NOAH, FaceStatus.IDENTIFIED),
    }
    decision = decide(PhotoAnalysis(faces), SNAP, Channel.WEBSITE)
    assert decision.verdict is Verdict.BLOCKED


def test_a_track_named_in_a_minority_of_its_frames_is_unknown() -> None:
    frames = [(0.0, [obs(0.0, 100)])] + [
        (t / 2, [obs(t / 2, 100, FaceStatus.UNKNOWN, None, code=0.05)]) for t in range(1, 4)
    ]
    [track] = faces_of(frames)
    assert track.status is FaceStatus.UNKNOWN and track.child is None


def test_a_track_named_in_most_of_its_frames_is_that_child() -> None:
    frames = [(t / 2, [obs(t / 2, 100)]) for t in range(3)]
    frames.append((1.5, [obs(1.5, 100, FaceStatus.UNKNOWN, None, code=0.05)]))
    [track] = faces_of(frames)
    assert (track.status, track.child) == (FaceStatus.IDENTIFIED, DAAN)


def test_a_face_seen_only_too_small_is_a_too_small_track() -> None:
    frames = [
        (t / 2, [obs(t / 2, 100, FaceStatus.TOO_SMALL, None, encoded=False)]) for t in range(3)
    ]
    [track] = faces_of(frames)
    assert track.status is FaceStatus.TOO_SMALL


def test_a_face_that_looks_different_starts_a_new_track() -> None:
    frames = [(0.0, [obs(0.0, 100, code=0.0)]), (0.5, [obs(0.5, 100, code=0.6)])]
    assert len(faces_of(frames)) == 2


def test_a_stranger_does_not_drift_into_a_childs_track_step_by_step() -> None:
    """Each step is within the link distance of the last face, but the stranger is far from
    the face that was identified: a track of their own, unknown (review)."""
    unknown = FaceStatus.UNKNOWN
    frames = [
        (0.0, [obs(0.0, 100, code=0.0)]),
        (0.5, [obs(0.5, 100, code=0.0)]),
        (1.0, [obs(1.0, 100, unknown, None, code=0.3)]),
        (1.5, [obs(1.5, 100, unknown, None, code=0.6)]),
        (2.0, [obs(2.0, 100, unknown, None, code=0.9)]),
    ]
    faces = faces_of(frames)
    assert [f.status for f in faces] == [FaceStatus.IDENTIFIED, FaceStatus.UNKNOWN]
    assert (faces[1].start, faces[1].end) == (1.5, 2.0)
    decision = decide(PhotoAnalysis(faces), SNAP, Channel.WEBSITE)
    assert decision.verdict is Verdict.REVIEW


def test_a_track_gone_longer_than_max_gap_is_not_continued() -> None:
    frames = [(0.0, [obs(0.0, 100)]), (5.0, [obs(5.0, 100)])]
    faces = faces_of(frames)
    assert len(faces) == 2
    assert all(f.status is FaceStatus.IDENTIFIED for f in faces)  # one child, not at one time


def test_two_tracks_of_one_child_at_the_same_time_are_ambiguous() -> None:
    frames = [(t / 2, [obs(t / 2, 100), obs(t / 2, 600, code=0.7)]) for t in range(3)]
    faces = faces_of(frames)
    assert [f.status for f in faces] == [FaceStatus.AMBIGUOUS, FaceStatus.AMBIGUOUS]


def test_the_box_of_a_track_is_where_the_face_is_largest() -> None:
    frames = [(0.0, [obs(0.0, 100, size=80)]), (0.5, [obs(0.5, 110, size=120)])]
    [track] = faces_of(frames)
    assert track.frame == 0.5 and track.box.width == 120


def test_video_reasons_name_the_track_and_its_time_range() -> None:
    face = FaceResult(Box(0, 100, 100, 0), FaceStatus.IDENTIFIED, NOAH, 0.3, 100, 72.0, 100.5, 80)
    decision = decide(PhotoAnalysis((face,)), SNAP, Channel.WEBSITE)
    assert decision.verdict is Verdict.BLOCKED
    text = reason_text(decision.reasons[0], SNAP, "en")
    assert text.startswith("track 1, 00:01:12-00:01:40: ")
    assert "no consent for website" in text


def test_a_video_beyond_its_limits_goes_to_review_unless_the_policy_lets_it_decide() -> None:
    limit = "1920x1080 is larger than video.max_pixels 1,000,000"
    held = decide(PhotoAnalysis((), limit=limit), SNAP, Channel.WEBSITE)
    assert held.verdict is Verdict.REVIEW
    assert [r.code for r in held.reasons] == [ReasonCode.VIDEO_LIMIT]
    decided = decide(PhotoAnalysis((), limit=limit, limit_decides=True), SNAP, Channel.WEBSITE)
    assert decided.verdict is Verdict.ALLOWED
    assert decided.reasons[0].code is ReasonCode.VIDEO_PARTIAL
    face = FaceResult(Box(0, 100, 100, 0), FaceStatus.IDENTIFIED, NOAH, 0.3, 100, 1.0, 2.0, 1)
    blocked = decide(PhotoAnalysis((face,), limit=limit), SNAP, Channel.WEBSITE)
    assert blocked.verdict is Verdict.BLOCKED  # what was seen still blocks


# --- Follower: when a face may keep the encoding of the face it follows ---------------------

FOLLOW = FollowSettings()


def look(seed: int) -> np.ndarray:
    return normalised(np.random.default_rng(seed).integers(0, 255, (16, 16)))


def box_at(left: int, size: int = 100) -> Box:
    return Box(100, left + size, 100 + size, left)


def followed(
    follower: Follower, t: float, faces: list[tuple[Box, np.ndarray]], cut: bool = False
) -> list[bool]:
    """One sample: which faces follow an earlier one (True) or need a new encoding."""
    follower.begin(t, cut)
    out = []
    frame = []
    for i, (box, seen) in enumerate(faces):
        known = follower.known(box, seen)
        out.append(known is not None)
        frame.append((box, known if known is not None else enc(t + i), seen))
    follower.end(frame)
    return out


def test_a_face_that_stays_put_is_followed_and_encoded_afresh_every_few_seconds() -> None:
    follower = Follower(FOLLOW)
    fresh = [not followed(follower, t / 2, [(box_at(100 + 5 * t), look(1))])[0] for t in range(9)]
    assert fresh == [True, False, False, False, True, False, False, False, True]


def test_a_face_that_moved_far_grew_or_changed_its_look_is_encoded_afresh() -> None:
    for second in ((box_at(220), look(1)), (box_at(100, 130), look(1)), (box_at(100), look(2))):
        follower = Follower(FOLLOW)
        followed(follower, 0.0, [(box_at(100), look(1))])
        assert followed(follower, 0.5, [second]) == [False], second


def test_after_a_scene_cut_every_face_is_encoded_afresh() -> None:
    follower = Follower(FOLLOW)
    followed(follower, 0.0, [(box_at(100), look(1))])
    assert followed(follower, 0.5, [(box_at(100), look(1))], cut=True) == [False]


def test_one_face_is_followed_by_one_face_only() -> None:
    follower = Follower(FOLLOW)
    followed(follower, 0.0, [(box_at(100), look(1))])
    assert followed(follower, 0.5, [(box_at(100), look(1)), (box_at(110), look(1))]) == [
        True,
        False,
    ]


def test_a_face_passed_without_an_encoding_is_not_followed() -> None:
    """video.py passes an unknown or ambiguous face without its encoding: a stranger is
    encoded in every sample, never carried on an earlier frame's result."""
    follower = Follower(FOLLOW)
    follower.begin(0.0, False)
    assert follower.known(box_at(100), look(1)) is None
    follower.end([(box_at(100), None, look(1))])
    assert followed(follower, 0.5, [(box_at(100), look(1))]) == [False]
