"""The command line speaks Dutch or English: --help of every command, errors, what it prints."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from fotopoort.cli import _lang_in, app
from fotopoort.errors import ExitCode
from fotopoort.messages import Text
from fotopoort.messages import cli as M

# words that give away an English help page (a Dutch one may name consents.yaml, --json, ...)
# (option names such as --child and --photo stay as they are)
_ENGLISH = re.compile(
    r"(?<![-\w])(?:the|photos?|consent|Show|Usage|Options|Commands|Arguments|default:|required"
    r"|folder|child(?:ren)?)(?!\w)",
)
_FOTOPOORT = Path(sys.executable).with_name("fotopoort")


def _commands() -> list[tuple[list[str], Any]]:
    """Every command path of the CLI with its click command, from click's own tree."""
    found: list[tuple[list[str], Any]] = [([], typer.main.get_command(app))]

    def walk(cmd: Any, path: list[str]) -> None:
        for name, sub in getattr(cmd, "commands", {}).items():
            found.append(([*path, name], sub))
            walk(sub, [*path, name])

    walk(found[0][1], [])
    return found


def _catalog_text(help_text: str) -> Text:
    """The catalog Text whose English form a command's help is."""
    for value in vars(M).values():
        if isinstance(value, Text) and inspect.cleandoc(value.en) == inspect.cleandoc(help_text):
            return value
    raise AssertionError(f"help not in messages/cli.py: {help_text[:60]!r}")


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("path", "command"), [pytest.param(p, c, id=" ".join(p) or "root") for p, c in _commands()]
)
def test_every_help_page_is_dutch(
    monkeypatch: pytest.MonkeyPatch, path: list[str], command: Any
) -> None:
    monkeypatch.setenv("FOTOPOORT_LANG", "nl")
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    first = _catalog_text(command.help).nl.split("\n\n")[0]
    assert _words(first) in _words(result.output)
    assert "Gebruik:" in result.output and M.HELP_OPTION.nl in result.output
    leaked = _ENGLISH.findall(result.output)
    assert not leaked, f"English in `{' '.join(path)} --help`: {leaked}\n{result.output}"


def test_every_help_page_is_english_by_choice() -> None:
    for path, command in _commands():
        result = CliRunner().invoke(app, [*path, "--help"])
        assert result.exit_code == 0, result.output
        first = _catalog_text(command.help).en.split("\n\n")[0]
        assert _words(first) in _words(result.output)
        assert "Usage:" in result.output


def test_lang_option_overrides_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOTOPOORT_LANG", "nl")
    english = CliRunner().invoke(app, ["--lang", "en", "check", "--help"])
    assert "Usage:" in english.output and "Decide for each photo" in english.output
    monkeypatch.setenv("FOTOPOORT_LANG", "en")
    dutch = CliRunner().invoke(app, ["--lang", "nl", "check", "--help"])
    assert "Gebruik:" in dutch.output and "Beslis per foto" in dutch.output


def test_lang_is_read_from_the_command_line_before_typer() -> None:
    assert _lang_in(["--lang", "nl", "check"]) == "nl"
    assert _lang_in(["--config", "x.yaml", "--lang=en", "audit"]) == "en"
    assert _lang_in(["check", "--", "--lang", "nl"]) is None
    assert _lang_in(["check", "kamp"]) is None


def _run(*args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "FOTOPOORT"))}
    return subprocess.run(
        [str(_FOTOPOORT), *args], env=env | environ, capture_output=True, text=True, check=False
    )


def test_dutch_locale_gives_dutch() -> None:
    dutch = _run("--help", LANG="nl_NL.UTF-8")
    assert dutch.returncode == 0
    assert _words(M.APP.nl.split("\n\n")[0]) in _words(dutch.stdout)
    english = _run("--help", LANG="en_GB.UTF-8")
    assert _words(M.APP.en.split("\n\n")[0]) in _words(english.stdout)


def test_an_error_in_both_languages_with_the_same_exit_code(tmp_path: Path) -> None:
    missing = tmp_path / "consents.yaml"
    dutch = _run("--lang", "nl", "--config", str(missing), "consents", "show", LANG="en_US.UTF-8")
    english = _run("--config", str(missing), "consents", "show", FOTOPOORT_LANG="en")
    assert dutch.returncode == english.returncode == ExitCode.USAGE
    assert dutch.stderr.strip() == f"fotopoort: fout: {missing}: bestand bestaat niet " + (
        "(maak er een met `fotopoort init`, of geef --config)"
    )
    assert english.stderr.strip() == f"fotopoort: error: {missing}: no such file " + (
        "(create one with `fotopoort init`, or pass --config)"
    )


def test_what_a_command_prints_is_dutch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FOTOPOORT_LANG", "nl")
    result = CliRunner().invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 0
    assert result.output.startswith(f"{tmp_path / 'consents.yaml'} geschreven: ")
    again = CliRunner().invoke(app, ["init", str(tmp_path)])
    assert again.exit_code == ExitCode.USAGE
    assert "fotopoort: fout:" in again.output and "overschrijft het niet" in again.output


@pytest.mark.parametrize(
    ("args", "english", "dutch"),
    [
        (["consents", "import", "missing.csv"], "no such file", "bestand bestaat niet"),
        (["consents", "import", "empty.csv"], "the file is empty", "het bestand is leeg"),
        (["consents", "show"], "no database yet", "nog geen database"),
        (["check", "nowhere", "-c", "website"], "no consent export", "toestemmingsexport"),
    ],
)
def test_errors_of_the_core_follow_the_language(
    cli: Any, monkeypatch: pytest.MonkeyPatch, args: list[str], english: str, dutch: str
) -> None:
    (cli.workdir / "empty.csv").write_bytes(b"")
    args = [str(cli.workdir / a) if a.endswith(".csv") else a for a in args]
    for language, expected, other in (("nl", dutch, english), ("en", english, dutch)):
        monkeypatch.setenv("FOTOPOORT_LANG", language)
        result = cli(*args)
        assert result.exit_code == ExitCode.USAGE, result.output
        assert expected in result.output and other not in result.output, result.output
