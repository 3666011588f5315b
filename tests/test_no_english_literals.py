"""No error a person reads is an English sentence written at the raise: each is a catalog text
of fotopoort.messages, in Dutch and English. A source walk, so a new one shows up here."""

from __future__ import annotations

import ast
from pathlib import Path

import fotopoort
from fotopoort import errors
from fotopoort.publish.sanitize import MetadataError

SRC = Path(fotopoort.__file__).parent
SHOWN = {
    cls.__name__
    for cls in [*vars(errors).values(), MetadataError]
    if isinstance(cls, type) and issubclass(cls, errors.FotopoortError)
}


def _literal_raises(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        func = node.exc.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name not in SHOWN or not node.exc.args:
            continue
        first = node.exc.args[0]
        if isinstance(first, ast.JoinedStr) or (
            isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value
        ):
            lines.append(node.lineno)
    return lines


def test_the_walk_finds_what_it_looks_for() -> None:
    # the check itself can fail: an English literal in a raise is found
    tree = ast.parse('raise UsageError(f"{x}: no such file")\nraise ImageError(P.EMPTY_FILE)')
    assert _literal_raises(tree) == [1]


def test_no_error_shown_to_a_person_is_an_english_literal() -> None:
    found = [
        f"{path.relative_to(SRC)}:{line}"
        for path in sorted(SRC.rglob("*.py"))
        for line in _literal_raises(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not found, "use a catalog text (fotopoort.messages) instead: " + ", ".join(found)
