import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fotopoort.matching import Gallery, MatchStatus, Thresholds, identify

T = Thresholds(tolerance=0.5, margin=0.1)


def vec(*head: float) -> np.ndarray:
    v = np.zeros(128)
    v[: len(head)] = head
    return v


def test_identified_within_tolerance_and_margin() -> None:
    gallery = Gallery({"a": [vec(0.0)], "b": [vec(1.0)]})
    match = identify(vec(0.3), gallery, T)
    assert match.status is MatchStatus.IDENTIFIED
    assert match.child == "a"
    assert match.distance == pytest.approx(0.3)


def test_nearest_of_several_references_counts() -> None:
    gallery = Gallery({"a": [vec(5.0), vec(0.1)], "b": [vec(1.0)]})
    match = identify(vec(0.0), gallery, T)
    assert (match.status, match.child) == (MatchStatus.IDENTIFIED, "a")
    assert match.distance == pytest.approx(0.1)


def test_two_children_within_tolerance_is_ambiguous() -> None:
    gallery = Gallery({"a": [vec(0.0)], "b": [vec(0.6)]})
    match = identify(vec(0.3), gallery, T)
    assert match.status is MatchStatus.AMBIGUOUS


def test_runner_up_too_close_is_not_identified() -> None:
    # a is within tolerance, b is not, but b is only 0.05 further: the margin is not met
    gallery = Gallery({"a": [vec(0.0)], "b": [vec(1.0)]})
    match = identify(vec(0.475), gallery, Thresholds(tolerance=0.5, margin=0.1))
    assert match.status is MatchStatus.UNKNOWN


def test_beyond_tolerance_is_unknown() -> None:
    match = identify(vec(0.0), Gallery({"a": [vec(0.9)]}), T)
    assert match.status is MatchStatus.UNKNOWN


def test_empty_gallery_is_unknown() -> None:
    match = identify(vec(0.0), Gallery({}), T)
    assert (match.status, match.child) == (MatchStatus.UNKNOWN, None)


coords = st.floats(min_value=-2, max_value=2, allow_nan=False)


@given(
    refs=st.dictionaries(st.sampled_from("abcde"), st.lists(coords, min_size=1, max_size=3)),
    probe=coords,
    tolerance=st.floats(min_value=0.05, max_value=1.0),
    margin=st.floats(min_value=0.0, max_value=0.5),
)
def test_identified_means_unique_and_clear(
    refs: dict[str, list[float]], probe: float, tolerance: float, margin: float
) -> None:
    gallery = Gallery({c: [vec(x) for x in xs] for c, xs in refs.items()})
    match = identify(vec(probe), gallery, Thresholds(tolerance, margin))
    if match.status is MatchStatus.IDENTIFIED:
        nearest = {c: min(abs(probe - x) for x in xs) for c, xs in refs.items()}
        assert match.child is not None
        assert nearest[match.child] <= tolerance + 1e-9
        for other, d in nearest.items():
            if other != match.child:
                assert d - nearest[match.child] >= margin - 1e-9
