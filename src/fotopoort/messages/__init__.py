"""Every text a person reads, in Dutch and English: rendered here, at the edge, never stored.

Each catalog module in this package holds `Text` values: a stable code's two `str.format`
templates with the same placeholders (tests/test_messages.py holds that). Data that goes into a
text (names, groups, file names) is passed as a parameter; escaping it for the terminal, HTML or
CSV stays the renderer's job.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from fotopoort.lang import Lang, current


@dataclass(frozen=True)
class Text:
    nl: str
    en: str

    def template(self, lang: Lang | None = None) -> str:
        return self.nl if (lang or current()) == "nl" else self.en

    def fields(self, lang: Lang) -> frozenset[str]:
        """The placeholder names of one language's template."""
        template = self.nl if lang == "nl" else self.en
        return frozenset(
            name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(template)
            if name
        )


def render(text: Text, lang: Lang | None = None, /, **params: Any) -> str:
    """`text` in `lang` (default: this run's language) with `params` filled in."""
    return text.template(lang).format(**params)


def _plain(template: str) -> str:
    """`template` without conversions and format specs: the values read back are text."""
    return "".join(
        literal.replace("{", "{{").replace("}", "}}") + (f"{{{name}}}" if name else "")
        for literal, name, _, _ in string.Formatter().parse(template)
    )


class Reader:
    """Reads a stored English text back against a catalog's templates and shows it in another
    language. For what is stored as text so that stored data does not depend on the language a
    run spoke (a cached problem, an audit entry's note); a text no template matches (stored by
    an older version) is shown as it is."""

    def __init__(self, texts: Iterable[Text], *, nested: bool = False) -> None:
        self._texts = tuple(texts)
        self._nested = nested  # a value may itself be one of these texts ("{why} (not copied)")

    @cached_property
    def _patterns(self) -> tuple[tuple[re.Pattern[str], Text], ...]:
        found = []
        for text in self._texts:
            regex = "".join(
                re.escape(literal) + (f"(?P<{name}>.*?)" if name else "")
                for literal, name, _, _ in string.Formatter().parse(text.en)
            )
            found.append((re.compile(regex + r"\Z", re.DOTALL), text))
        # the most literal text first, so "refused: too many pixels (decompression bomb?)" is
        # not read as "refused: {why}"
        found.sort(key=lambda p: -len(re.sub(r"\(\?P<\w+>\.\*\?\)", "", p[0].pattern)))
        return tuple(found)

    def show(self, stored: str, lang: Lang | None = None, _depth: int = 0) -> str:
        """`stored` (English) in `lang` (default: the run's language)."""
        for regex, text in self._patterns:
            found = regex.match(stored)
            if found is not None:
                values = {
                    k: self.show(v, lang, _depth + 1) if self._nested and _depth < 2 else v
                    for k, v in found.groupdict().items()
                }
                return render(Text(nl=_plain(text.nl), en=_plain(text.en)), lang, **values)
        return stored
