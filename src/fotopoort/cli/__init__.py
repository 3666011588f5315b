"""The command line: parse, call one command function (fotopoort.commands), render. The only
UI module besides the review page. One module per command family; importing one registers its
commands on `app`, so the imports below are in the order `fotopoort --help` lists them."""

from __future__ import annotations

import sys

# isort: off
from fotopoort.cli import consents, enrolment, check, recheck, review, audit, calibrate

# isort: on
from fotopoort import lang
from fotopoort.cli.base import Env, _lang_in, app
from fotopoort.errors import ExitCode

__all__ = [
    "Env",
    "_lang_in",
    "app",
    "audit",
    "calibrate",
    "check",
    "consents",
    "enrolment",
    "main",
    "recheck",
    "review",
]


def main() -> None:
    # before typer builds anything, so that even a usage error is in the chosen language
    lang.set_language(_lang_in(sys.argv[1:]))
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - outside a command
        sys.exit(int(ExitCode.INTERRUPTED))
