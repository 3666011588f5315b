"""The command reference (docs/nl/referentie.md, docs/en/reference.md), generated from the CLI.

Those files hold cog blocks (cogapp, as sqlite-utils makes its CLI reference) that call
`commands(LANG)`, `exit_codes(LANG)` and `reason_codes(LANG)`. `make docs` regenerates them;
tests/test_docs_reference.py fails when a committed file is out of date.

Each block runs this script in a fresh process with FOTOPOORT_LANG=LANG: the CLI may choose its
help texts' language when fotopoort.cli is imported, so a process that imported it in English
could never print Dutch. The help is what `fotopoort COMMAND --help` prints, at a fixed width
and without colours, so the output depends on the code only.

    python scripts/cli_reference.py nl|en commands|exit-codes|reason-codes
"""

from __future__ import annotations

import html
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

WIDTH = 80  # the help is wrapped at this width, whatever terminal runs the generator

EXIT_CODE_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "OK": "success; for `check` and `sort`: every photo is allowed; for `recheck`: nothing "
        "to take down; for `verify`: every file in `allowed/` is decided allowed now",
        "NOT_ALLOWED": "some photo is blocked or needs review; for `recheck`: the take-down "
        "list is not empty; for `verify`: some file in `allowed/` is not decided allowed now; "
        "for `enroll`: no child was enrolled",
        "USAGE": "usage, configuration or input error, or an error of the machine (full disk, "
        "read-only folder): one line on stderr",
        "INTERNAL": "internal error: a bug in fotopoort (one line; `--debug` shows the "
        "traceback): please report it",
        "BUSY": "another fotopoort run holds the database (EX_TEMPFAIL): try again later",
        "INTERRUPTED": "interrupted (Ctrl-C); nothing is lost, the next run resumes",
    },
    "nl": {
        "OK": "gelukt; bij `check` en `sort`: elke foto mag; bij `recheck`: er hoeft niets "
        "offline; bij `verify`: elk bestand in `allowed/` is nu toegestaan",
        "NOT_ALLOWED": "een foto is geblokkeerd of wacht op beoordeling; bij `recheck`: de "
        "lijst van wat offline moet is niet leeg; bij `verify`: een bestand in `allowed/` is "
        "nu niet toegestaan; bij `enroll`: geen kind ingeschreven",
        "USAGE": "fout in gebruik, configuratie of invoer, of een fout van de machine (schijf "
        "vol, map alleen-lezen): één regel op stderr",
        "INTERNAL": "interne fout: een bug in fotopoort (één regel; `--debug` toont de "
        "traceback): meld hem",
        "BUSY": "een andere fotopoort-run gebruikt de database (EX_TEMPFAIL): probeer het "
        "later opnieuw",
        "INTERRUPTED": "onderbroken (Ctrl-C); er gaat niets verloren, de volgende run gaat verder",
    },
}

HEADERS = {
    "en": ("code", "name", "meaning"),
    "nl": ("code", "naam", "betekenis"),
}


def _run(lang: str, what: str) -> str:
    """This script's output for `lang`, from a fresh process whose environment chooses it."""
    env = {**os.environ, "FOTOPOORT_LANG": lang, "COLUMNS": str(WIDTH), "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), lang, what],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"cli_reference.py {lang} {what} failed:\n{result.stderr}")
    return result.stdout


def commands(lang: str) -> str:
    """Markdown: a list of every command, then each command's --help."""
    return _run(lang, "commands")


def exit_codes(lang: str) -> str:
    """Markdown: a table of fotopoort.errors.ExitCode."""
    return _run(lang, "exit-codes")


def reason_codes(lang: str) -> str:
    """Markdown: a table of every reason code and its text(s), from fotopoort.messages.reasons."""
    return _run(lang, "reason-codes")


def command_tree() -> Iterator[tuple[tuple[str, ...], Any]]:
    """(path, click command) for the root and every visible command and group below it, in the
    order the CLI lists them."""
    import typer
    import typer.main

    from fotopoort.cli import app

    def walk(path: tuple[str, ...], command: Any) -> Iterator[tuple[tuple[str, ...], Any]]:
        yield path, command
        if isinstance(command, typer.core.TyperGroup):
            ctx = typer.Context(command)
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    yield from walk((*path, name), sub)

    yield from walk((), typer.main.get_command(app))


def _help(path: tuple[str, ...]) -> str:
    from typer.testing import CliRunner

    from fotopoort.cli import app

    result = CliRunner().invoke(
        app, [*path, "--help"], prog_name="fotopoort", terminal_width=WIDTH, color=False
    )
    if result.exit_code != 0:
        raise RuntimeError(f"fotopoort {' '.join(path)} --help: exit {result.exit_code}")
    lines = [line.rstrip() for line in result.output.strip("\n").splitlines()]
    return "\n".join(lines)


def _commands_markdown() -> str:
    tree = list(command_tree())
    out: list[str] = []
    for path, command in tree[1:]:
        title = " ".join(("fotopoort", *path))
        anchor = title.replace(" ", "-")
        summary = html.escape(command.get_short_help_str(limit=WIDTH), quote=False)  # <channel>
        out.append(f"- [`{title}`](#{anchor}): {summary}")
    out.append("")
    for path, _command in tree:
        out += [f"### {' '.join(('fotopoort', *path))}", "", "```text", _help(path), "```", ""]
    return "\n".join(out)


def _exit_codes_markdown(lang: str) -> str:
    from fotopoort.errors import ExitCode

    texts = EXIT_CODE_TEXTS[lang]
    missing = [code.name for code in ExitCode if code.name not in texts]
    if missing:
        raise KeyError(f"no {lang} text for ExitCode {', '.join(missing)}: add it to {__file__}")
    code, name, meaning = HEADERS[lang]
    out = [f"| {code} | {name} | {meaning} |", "|---|---|---|"]
    out += [f"| {c.value} | `{c.name}` | {texts[c.name]} |" for c in ExitCode]
    return "\n".join(out) + "\n"


REASON_HEADERS = {
    "en": ("code", "variant", "text (placeholders in braces)"),
    "nl": ("code", "variant", "tekst (invulplekken tussen accolades)"),
}


def _reason_codes_markdown(lang: str) -> str:
    from fotopoort.lang import Lang
    from fotopoort.messages.reasons import REASONS, VARIANTS
    from fotopoort.model import ReasonCode

    missing = [code.value for code in ReasonCode if code not in REASONS]
    if missing:
        raise KeyError(f"no text for ReasonCode {', '.join(missing)} in messages/reasons.py")
    code, variant, text = REASON_HEADERS[lang]
    out = [f"| {code} | {variant} | {text} |", "|---|---|---|"]

    def cell(template: str) -> str:
        return html.escape(template, quote=False).replace("|", "\\|")

    which: Lang = "nl" if lang == "nl" else "en"
    for rc in ReasonCode:
        out.append(f"| `{rc.value}` | | {cell(REASONS[rc].template(which))} |")
        for (vc, var), t in VARIANTS.items():
            if vc is rc:
                out.append(f"| `{rc.value}` | `{var.value}` | {cell(t.template(which))} |")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    if (
        len(argv) != 2
        or argv[0] not in EXIT_CODE_TEXTS
        or argv[1] not in ("commands", "exit-codes", "reason-codes")
    ):
        print("usage: cli_reference.py nl|en commands|exit-codes|reason-codes", file=sys.stderr)
        return 2
    lang, what = argv
    os.environ["FOTOPOORT_LANG"] = lang  # before fotopoort.cli is imported
    from fotopoort import lang as fotopoort_lang

    fotopoort_lang.set_language("nl" if lang == "nl" else "en")
    if what == "commands":
        sys.stdout.write(_commands_markdown())
    elif what == "exit-codes":
        sys.stdout.write(_exit_codes_markdown(lang))
    else:
        sys.stdout.write(_reason_codes_markdown(lang))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
