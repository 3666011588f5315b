"""Structured values as stored: JSON, and a child's number replaced structurally by `forget`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any


def _dumps(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# Fields of a stored reason or face that hold a child's number; `message` and `note` are text.
_CHILD_FIELDS = frozenset({"child", "nearest"})
_TEXT_FIELDS = frozenset({"message", "note"})


def _forget_in(value: Any, child: str, pseudonym: str, texts: Sequence[str]) -> Any:
    """`value` (a stored reasons or faces list) with `child` replaced by `pseudonym`."""
    if isinstance(value, list):
        return [_forget_in(v, child, pseudonym, texts) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, v in value.items():
        if key in _CHILD_FIELDS and v == child:
            out[key] = pseudonym
        elif key in _TEXT_FIELDS and isinstance(v, str):
            out[key] = _replace_all(v, texts, pseudonym)
        else:
            out[key] = _forget_in(v, child, pseudonym, texts)
    return out


def _replace_all(text: str, olds: Sequence[str], new: str) -> str:
    for old in olds:
        text = text.replace(old, new)
    return text
