"""Every text a person reads, in Dutch and English: rendered here, at the edge, never stored.

Each catalog module in this package holds `Text` values: a stable code's two `str.format`
templates with the same placeholders (tests/test_messages.py holds that). Data that goes into a
text (names, groups, file names) is passed as a parameter; escaping it for the terminal, HTML or
CSV stays the renderer's job.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
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
