"""One error hierarchy; the CLI (cli/base.py) maps it to exit codes in one place."""

from __future__ import annotations

import errno
import sqlite3
from enum import IntEnum
from typing import Any

from fotopoort.messages import Text, render
from fotopoort.messages import errors as messages


class ExitCode(IntEnum):
    """Process exit codes, documented in README.md and docs/cli.md."""

    OK = 0  # for check/sort/recheck: every photo allowed, nothing to take down
    NOT_ALLOWED = 1  # some photo is blocked or needs review, or the take-down list is not empty
    USAGE = 2  # usage, configuration or input error
    INTERNAL = 3  # a bug in fotopoort: please report it (with --debug for the traceback)
    BUSY = 75  # another run holds the database (EX_TEMPFAIL): try again later
    INTERRUPTED = 130  # Ctrl-C


class FotopoortError(Exception):
    """An expected error: shown as one line, never as a traceback (unless --debug).

    Raised with a catalog `Text` and its parameters (`ExportError(E.EXPORT_EMPTY, source=p)`),
    it is rendered when shown, in that moment's language; `english` is the stable English text
    for what is stored (a cached analysis, the audit trail), which `messages.problems` can show
    in Dutch again. A plain string is shown as it is."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str | Text = "", /, **params: Any) -> None:
        self.text = message if isinstance(message, Text) else None
        self.params = params
        super().__init__(message if isinstance(message, str) else render(message, "en", **params))

    def __str__(self) -> str:
        if self.text is not None:
            return render(self.text, **self.params)
        return super().__str__()

    @property
    def english(self) -> str:
        """The message in English, whatever the run's language."""
        return str(self.args[0]) if self.args else ""


class ConfigError(FotopoortError):
    """consents.yaml is missing or invalid."""


class ExportError(FotopoortError):
    """A consent export cannot be read or does not match the policy."""


class ImageError(FotopoortError):
    """An image cannot be read whole (truncated, not an image, too large)."""


class StoreError(FotopoortError):
    """The database is missing something the command needs, or is busy."""


class UsageError(FotopoortError):
    """A command was called with arguments that cannot work."""


class BusyError(StoreError):
    """Another run holds the database lock: a job can try again later."""

    exit_code = ExitCode.BUSY


class ConfirmationNeeded(FotopoortError):
    """The command would do something a person must confirm (--yes, --older-ok)."""


_ENVIRONMENT_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.ENAMETOOLONG, errno.EACCES, errno.EPERM}
    | {errno.EIO, errno.EMFILE, errno.ENFILE}
)
_SQLITE_ENVIRONMENT = ("disk is full", "readonly database", "unable to open", "disk i/o error")


def environment_problem(exc: BaseException) -> str | None:
    """One line for an error of the machine (full disk, read-only folder, a name too long)
    rather than of fotopoort, or None when `exc` is a bug."""
    if isinstance(exc, OSError) and exc.errno in _ENVIRONMENT_ERRNOS:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    if isinstance(exc, sqlite3.Error) and any(m in str(exc).lower() for m in _SQLITE_ENVIRONMENT):
        return render(messages.DATABASE_PROBLEM, problem=exc)
    if isinstance(exc, RecursionError):
        return render(messages.NESTED_TOO_DEEPLY)
    return None
