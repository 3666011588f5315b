"""Which interface language a run gets."""

from __future__ import annotations

import pytest

from fotopoort import lang


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "nl_NL.UTF-8"}, "nl"),
        ({"LANG": "nl_BE.UTF-8"}, "nl"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"LC_MESSAGES": "nl_NL", "LANG": "en_GB"}, "nl"),
        ({"FOTOPOORT_LANG": "nl", "LC_ALL": "en_US.UTF-8"}, "nl"),
        ({"FOTOPOORT_LANG": "en", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"FOTOPOORT_LANG": "klingon", "LANG": "nl_NL.UTF-8"}, "nl"),
        ({"LANG": "C"}, "en"),
    ],
)
def test_language_from_environment(environ: dict[str, str], expected: str) -> None:
    assert lang.from_environment(environ) == expected


def test_explicit_choice_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOTOPOORT_LANG", "en")
    lang.set_language("nl")
    try:
        assert lang.current() == "nl"
    finally:
        lang.set_language(None)
    assert lang.current() == "en"
