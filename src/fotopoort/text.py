"""Data strings made safe to show: no control characters, no terminal escapes.

Names and group labels come from the school's export, file names from anyone's camera or
sync client: an ESC sequence or a bidi override in one of them must not reach a terminal.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from fotopoort.messages import render
from fotopoort.messages.errors import DID_YOU_MEAN

_SPACES = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """`text` without control characters (C0, DEL, C1) and bidi overrides; tabs and line
    breaks become spaces, so one value stays on one line."""
    text = _BIDI.sub("", text.translate(_SPACES))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cc")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP: prefix a quote)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return render(DID_YOU_MEAN, word=close[0]) if close else ""


def timecode(seconds: float) -> str:
    """`hh:mm:ss`, as a video player shows a position."""
    whole = max(0, int(seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
