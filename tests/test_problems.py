"""A problem with a file is stored in English and shown in the run's language."""

from __future__ import annotations

import string

import pytest

from fotopoort.errors import ImageError
from fotopoort.messages import Text, render
from fotopoort.messages import problems as P

PROBLEMS = {name: v for name, v in vars(P).items() if isinstance(v, Text)}
SAMPLE = {
    "why": "broken data stream when reading image file",
    "fmt": "TIFF",
    "width": "9000",
    "height": "9000",
    "limit": "80,000,000",
    "n": "2",
    "end": "00:00:04",
    "duration": "00:00:10",
    "what": "JPEG segment 0xE1",
    "minutes": "30",
    "until": "00:30:00",
    "name": "100231",
    "child": "0100231",
    "refdir": "/share/referenties",
    "day": "2026-11-02",
    "size": "41",
    "needed": "60",
    "path": "/share/uit/website/.tmp/1f2e.tmp",
}


def _fields(text: Text) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text.en) if name}


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_a_stored_problem_is_shown_in_dutch_and_given_back_in_english(name: str) -> None:
    text = PROBLEMS[name]
    params = {f: SAMPLE[f] for f in _fields(text)}
    stored = render(text, "en", **params)
    assert P.show(stored, "en") == stored
    assert P.show(stored, "nl") == render(text, "nl", **params)


def test_a_problem_inside_a_problem_is_translated_too() -> None:
    inner = render(P.NOT_SAFELY, "en", fmt="TIFF")
    stored = render(P.NOT_COPIED, "en", why=inner)
    assert P.show(stored, "nl") == (
        "metadata kan niet veilig uit TIFF verwijderd worden: zet het om naar JPEG of PNG "
        "(niet gekopieerd)"
    )


def test_a_text_no_template_knows_is_shown_as_it_is() -> None:
    # written by an older version, or a message of a library
    assert P.show("something else went wrong", "nl") == "something else went wrong"


def test_an_error_renders_in_the_language_of_the_moment_and_keeps_its_english() -> None:
    from fotopoort import lang

    exc = ImageError(P.FRAMES_END, end="00:00:04", duration="00:00:10")
    assert exc.english == "cannot be decoded whole: frames end at 00:00:04 of 00:00:10 (truncated?)"
    lang.set_language("nl")
    try:
        assert str(exc).startswith("kan niet helemaal gedecodeerd worden: de beelden houden op")
        assert exc.english.startswith("cannot be decoded whole")
    finally:
        lang.set_language(None)


def test_a_plain_string_error_is_shown_as_it_is() -> None:
    assert str(ImageError("as given")) == ImageError("as given").english == "as given"
