"""Every text in every catalog has a Dutch and an English version with the same placeholders."""

from __future__ import annotations

import importlib
import pkgutil

import fotopoort.messages
from fotopoort.messages import Text, render


def _all_texts() -> dict[str, Text]:
    found: dict[str, Text] = {}
    package = fotopoort.messages
    modules = [package] + [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
    ]
    for module in modules:
        for name, value in vars(module).items():
            values = value.values() if isinstance(value, dict) else [value]
            if isinstance(value, tuple):  # a table of patterns (messages/usage.py)
                values = [getattr(item, "text", item) for item in value]
            for i, item in enumerate(values):
                if isinstance(item, Text):
                    found[f"{module.__name__}.{name}[{i}]"] = item
    return found


def test_every_text_in_both_languages_with_the_same_placeholders() -> None:
    for where, text in _all_texts().items():
        assert text.nl.strip() and text.en.strip(), where
        assert text.fields("nl") == text.fields("en"), where


def test_render_picks_the_language_and_fills_parameters() -> None:
    text = Text(nl="geen toestemming voor {channel}", en="no consent for {channel}")
    assert render(text, "nl", channel="website") == "geen toestemming voor website"
    assert render(text, "en", channel="website") == "no consent for website"
    assert text.fields("nl") == {"channel"}
