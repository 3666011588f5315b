"""Usage errors (what the command-line parser says about a wrong command line) in the run's
language, with click's exit code 2, and unchanged in English."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from fotopoort import lang
from fotopoort.cli import app
from fotopoort.cli.usage import translate
from fotopoort.messages import render
from fotopoort.messages import usage as U

# every usage error a wrong command line gives, one per kind the parser raises
WRONG = [
    pytest.param(["chek"], "Onbekend commando 'chek'. Bedoelt u 'check'", id="typo-command"),
    pytest.param(["consents", "bogus"], "Onbekend commando 'bogus'.", id="unknown-subcommand"),
    pytest.param(
        ["check", ".", "-c", "website", "--bogus"], "Onbekende optie: --bogus", id="option"
    ),
    pytest.param(["enroll"], "Argument 'refdir' ontbreekt.", id="missing-argument"),
    pytest.param(["check", ".", "-c"], "Optie '-c' heeft een waarde nodig.", id="needs-value"),
    pytest.param(
        ["check", ".", "-c", "x", "--json=3"], "Optie '--json' neemt geen waarde.", id="flag"
    ),
    pytest.param(["check", "-j", "x", ".", "-c", "x"], "dit moet een geheel getal zijn", id="int"),
    pytest.param(["--wait", "-1", "check"], "dit moet minstens 0 zijn", id="range"),
    pytest.param(["--lang", "xx", "check"], "'xx' is geen van 'nl', 'en'.", id="choice"),
    pytest.param(["audit", "x", "y", "z", "q"], "Onverwachte extra argumenten", id="extra"),
]
# words of click's English frame that must not be left in a Dutch error
_ENGLISH = re.compile(r"\b(?:Error|Try|Missing|Invalid|No such|Possible|requires|Input should)\b")


def _run(args: list[str], language: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FOTOPOORT_LANG", language)
    lang.set_language(language)  # type: ignore[arg-type]
    try:
        return CliRunner().invoke(app, args, prog_name="fotopoort")
    finally:
        lang.set_language(None)


@pytest.mark.parametrize(("args", "dutch"), WRONG)
def test_a_wrong_command_line_is_explained_in_dutch_with_exit_code_2(
    args: list[str], dutch: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _run(args, "nl", monkeypatch)
    assert result.exit_code == 2, result.output
    assert dutch in result.output
    error_line = [line for line in result.output.splitlines() if line.startswith("Fout: ")]
    assert len(error_line) == 1, result.output
    assert not _ENGLISH.search(result.output.replace("fotopoort", "")), result.output


@pytest.mark.parametrize(("args", "dutch"), WRONG)
def test_in_english_the_same_error_reads_as_click_wrote_it(
    args: list[str], dutch: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _run(args, "en", monkeypatch)
    assert result.exit_code == 2
    assert "Error: " in result.output
    assert "Fout" not in result.output and dutch not in result.output


def test_the_hint_to_help_names_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    result = _run(["check", ".", "-c", "website", "--bogus"], "nl", monkeypatch)
    assert "Typ 'fotopoort check --help' voor hulp." in result.output
    assert result.output.splitlines()[0].startswith("Gebruik: fotopoort check")


@pytest.mark.parametrize(
    "pattern", U.PATTERNS + U.VALUE_PATTERNS, ids=lambda p: p.regex.pattern[:30]
)
def test_every_pattern_gives_the_english_sentence_back_unchanged(pattern: U.Pattern) -> None:
    # build an English sentence from the template, with sample values, and read it back
    samples = {
        "name": "'--x'",
        "matches": "'a', 'b'",
        "n": "2",
        "args": "a b",
        "rest": ", got 1.5",
        "value": "'xx'",
        "choices": "'nl', 'en'",
        "label": "Path",
    }
    fields = pattern.text.fields("en")
    sentence = render(pattern.text, "en", **{f: samples[f] for f in fields})
    found = pattern.regex.match(sentence)
    assert found is not None, sentence
    assert render(pattern.text, "en", **found.groupdict()) == sentence


@given(st.text(max_size=40))
def test_a_sentence_no_pattern_knows_is_shown_as_it_is(sentence: str) -> None:
    known = any(p.regex.match(sentence) for p in U.PATTERNS)
    if not known:
        lang.set_language("nl")
        try:
            assert translate(sentence) == sentence
        finally:
            lang.set_language(None)


def test_a_data_string_in_an_error_is_not_interpreted(monkeypatch: pytest.MonkeyPatch) -> None:
    # an option name with braces must not be taken for a placeholder of the template
    result = _run(["check", ".", "-c", "x", "--{message}"], "nl", monkeypatch)
    assert result.exit_code == 2
    assert "Onbekende optie: --{message}" in result.output
