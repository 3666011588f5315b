"""The command reference in docs/ is generated from the CLI (scripts/cli_reference.py, run by
`make docs`): it must be the CLI's current help, and name every command and option in both
languages."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main

from fotopoort.cli import app
from fotopoort.errors import ExitCode
from fotopoort.messages.reasons import VARIANTS
from fotopoort.model import ReasonCode

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = [ROOT / "docs" / "nl" / "referentie.md", ROOT / "docs" / "en" / "reference.md"]


def cog_check(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "--diff", "-I", str(ROOT / "scripts")]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        check=False,
    )


def commands() -> Iterator[tuple[str, Any]]:
    """("fotopoort consents import", click command) for every visible command, root included.
    Walked here through the groups' own `commands`, not with the generator's code, so a
    generator that skipped a command could not hide it."""

    def walk(path: str, command: Any) -> Iterator[tuple[str, Any]]:
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            if not sub.hidden:
                yield from walk(f"{path} {name}", sub)

    yield from walk("fotopoort", typer.main.get_command(app))


def section(text: str, title: str) -> str:
    """The text under the heading `### title`, up to the next heading."""
    match = re.search(rf"^### {re.escape(title)}\n(.*?)(?=^#)", text, re.M | re.S)
    assert match, f"no section '### {title}'"
    return match.group(1)


def test_committed_reference_is_the_clis_current_help() -> None:
    result = cog_check(*REFERENCES)
    assert result.returncode == 0, f"the reference is out of date: run `make docs`\n{result.stdout}"


def test_a_reference_that_drifted_fails_the_check(tmp_path: Path) -> None:
    stale = tmp_path / "reference.md"
    shutil.copy(REFERENCES[1], stale)
    text = stale.read_text(encoding="utf-8")
    assert "--redact" in text
    stale.write_text(text.replace("--redact", "--blur", 1), encoding="utf-8")
    result = cog_check(stale)
    assert result.returncode != 0
    assert "--blur" in result.stdout  # the diff shows what is out of date


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda p: p.name)
def test_every_command_and_option_is_in_the_reference(reference: Path) -> None:
    text = reference.read_text(encoding="utf-8")
    found = list(commands())
    assert len(found) > 15
    for title, command in found:
        help_text = section(text, title)
        # "Usage:" or "Gebruik:": the help is in the file's language
        assert re.search(rf"^\w+: {re.escape(title)}( |$)", help_text, re.M), title
        for param in command.params:
            for opt in param.opts if isinstance(param, typer.core.TyperOption) else []:
                assert re.search(rf"(?<![\w-]){re.escape(opt)}\b", help_text), (title, opt)


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda p: p.name)
def test_every_exit_code_is_in_the_reference(reference: Path) -> None:
    text = reference.read_text(encoding="utf-8")
    for code in ExitCode:
        assert f"| {code.value} | `{code.name}` |" in text


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda p: p.name)
def test_every_reason_code_is_in_the_reference(reference: Path) -> None:
    text = reference.read_text(encoding="utf-8")
    for code in ReasonCode:
        assert f"| `{code.value}` |" in text, code
    for code, variant in VARIANTS:
        assert f"| `{code.value}` | `{variant.value}` |" in text, (code, variant)
