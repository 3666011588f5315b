"""The interface language, nl or en: chosen once per run, read by every module that renders text.

Order: an explicit choice (`--lang`, set by the CLI before it builds its help), then
`FOTOPOORT_LANG`, then the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`: `nl_*` gives Dutch), else
English. Pure: no I/O beyond reading the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

Lang = Literal["nl", "en"]
LANGS: tuple[Lang, ...] = ("nl", "en")

_chosen: Lang | None = None


def parse(value: str) -> Lang | None:
    """`nl`, `en` or a locale name (`nl_NL.UTF-8`, `en-GB`) as a language; None if neither."""
    head = value.strip().lower().replace("-", "_").split("_")[0].split(".")[0]
    return "nl" if head == "nl" else "en" if head == "en" else None


def from_environment(environ: Mapping[str, str] | None = None) -> Lang:
    env = os.environ if environ is None else environ
    explicit = env.get("FOTOPOORT_LANG", "")
    if explicit and (lang := parse(explicit)) is not None:
        return lang
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key, "")
        if value:  # the first one set wins, as in POSIX
            return parse(value) or "en"
    return "en"


def set_language(lang: Lang | None) -> None:
    """Fix the language for this process (None: back to the environment's choice)."""
    global _chosen
    _chosen = lang


def current() -> Lang:
    return _chosen if _chosen is not None else from_environment()
