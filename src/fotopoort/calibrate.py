"""`fotopoort calibrate`: what the matching rule means for this school's own enrolments. Pure.

From the reference encodings alone (no labels, no other photos) it measures, per child:

- leave-one-out self-identification: each reference in turn is a probe against a gallery of
  the child's other references and every other child; is it named as the child?
- the leave-child-out test: the child is taken out of the gallery entirely and each of its
  references is a probe: the school's own "unenrolled sibling" test. Any identification is
  wrong, exactly the error issue 12 is about;
- the nearest other enrolled child and its distance, look-alike pairs, old references.

It recommends a `spread_factor`: the largest of the candidates, never above the configured one
(measured in docs/accuracy.md), with no wrong identification in the leave-child-out test.
A school's data may make the rule stricter; it never makes it looser than the benchmark.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from fotopoort.matching import THRESHOLD_KEYS, Encoding, Gallery, MatchStatus, Thresholds, identify

CANDIDATE_FACTORS = (0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2, 1.5)


@dataclass(frozen=True)
class ChildCalibration:
    child: str
    references: int
    spread: float | None  # largest distance between its references
    radius: float | None  # its range under the current rule; None: never identified
    self_identified: int | None  # left-out references named as the child; None when the
    #                               child has too few references to leave one out
    nearest_other: str | None
    nearest_other_distance: float | None
    lookalike: bool  # the look-alike guard keeps this child in review
    named_when_absent: tuple[str, ...]  # leave-child-out: named (wrongly) as these children
    oldest_reference: str | None  # ISO date of its oldest enrolment
    old_references: int  # references older than the configured age


@dataclass(frozen=True)
class FactorEvidence:
    spread_factor: float
    wrong: int  # leave-child-out identifications (all wrong)
    self_identified: int  # leave-one-out references named as their own child ...
    references: int  # ... of this many (children with enough references to leave one out)


@dataclass(frozen=True)
class Calibration:
    thresholds: Thresholds
    children: tuple[ChildCalibration, ...]
    lookalike_pairs: tuple[tuple[str, str, float], ...]
    evidence: tuple[FactorEvidence, ...]
    recommended: Thresholds
    max_reference_age_days: int

    @property
    def changes(self) -> bool:
        return self.recommended != self.thresholds


def _leave_one_out(
    refs: Mapping[str, Sequence[Encoding]], child: str, t: Thresholds
) -> tuple[int | None, list[str]]:
    """(own references named as the child with each one left out, or None when the rest are
    too few to identify anyone; children named when the child is absent)."""
    own = list(refs[child])
    hits: int | None = None if len(own) - 1 < max(1, t.min_references) else 0
    for i, enc in enumerate(own if hits is not None else ()):
        rest = {**refs, child: own[:i] + own[i + 1 :]}
        if not rest[child]:
            del rest[child]
        m = identify(enc, Gallery(rest), t)
        hits = (hits or 0) + int(m.status is MatchStatus.IDENTIFIED and m.child == child)
    absent = Gallery({c: e for c, e in refs.items() if c != child})
    wrong = []
    for enc in own:
        m = identify(enc, absent, t)
        if m.status is MatchStatus.IDENTIFIED and m.child is not None:
            wrong.append(m.child)
    return hits, wrong


def _evidence(refs: Mapping[str, Sequence[Encoding]], t: Thresholds) -> FactorEvidence:
    wrong = hits = tried = 0
    for child in refs:
        h, w = _leave_one_out(refs, child, t)
        if h is not None:
            hits += h
            tried += len(refs[child])
        wrong += len(w)
    return FactorEvidence(t.spread_factor, wrong, hits, tried)


def calibrate(
    refs: Mapping[str, Sequence[Encoding]],
    enrolled_at: Mapping[str, Sequence[str]],
    thresholds: Thresholds,
    now: datetime,
    max_reference_age_days: int = 365,
) -> Calibration:
    """`enrolled_at`: per child, the ISO timestamps of its references' enrolment."""
    gallery = Gallery(refs)
    cutoff = now - timedelta(days=max_reference_age_days)
    children = []
    for child in gallery.children:
        p = gallery.profiles[child]
        hits, wrong = _leave_one_out(refs, child, thresholds)
        dates = sorted(enrolled_at.get(child, ()))
        old = sum(datetime.fromisoformat(d) < cutoff for d in dates)
        children.append(
            ChildCalibration(
                child=child,
                references=p.references,
                spread=p.spread,
                radius=p.radius(thresholds),
                self_identified=hits,
                nearest_other=p.nearest_other,
                nearest_other_distance=p.nearest_other_distance,
                lookalike=p.lookalike(thresholds),
                named_when_absent=tuple(sorted(wrong)),
                oldest_reference=dates[0][:10] if dates else None,
                old_references=old,
            )
        )
    factors = sorted({f for f in CANDIDATE_FACTORS if f <= thresholds.spread_factor})
    factors = sorted({*factors, thresholds.spread_factor})
    evidence = tuple(_evidence(refs, replace(thresholds, spread_factor=f)) for f in factors)
    safe = [e for e in evidence if e.wrong == 0]
    best = max(safe, key=lambda e: e.spread_factor).spread_factor if safe else 0.0
    return Calibration(
        thresholds=thresholds,
        children=tuple(children),
        lookalike_pairs=tuple(gallery.lookalike_pairs(thresholds)),
        evidence=evidence,
        recommended=replace(thresholds, spread_factor=best),
        max_reference_age_days=max_reference_age_days,
    )


_KEYS = THRESHOLD_KEYS


def write_thresholds(path: Path, thresholds: Thresholds, now: datetime) -> Path:
    """Set the `matching:` values in consents.yaml, keeping every other line and comment.
    The old file is kept as a backup beside it (returned)."""
    text = path.read_text(encoding="utf-8")
    backup = path.with_name(f"{path.name}.{now.strftime('%Y%m%d-%H%M%S')}.bak")
    values = thresholds.as_dict()
    lines = text.splitlines(keepends=True)
    start = next((i for i, ln in enumerate(lines) if re.match(r"matching:\s*(#.*)?$", ln)), None)
    if start is None:
        block = "\nmatching:\n" + "".join(f"  {k}: {values[k]}\n" for k in _KEYS)
        new = text + ("" if text.endswith("\n") else "\n") + block
    else:
        end = start + 1
        while end < len(lines) and (lines[end].startswith((" ", "\t")) or not lines[end].strip()):
            end += 1
        body = lines[start + 1 : end]
        for key in _KEYS:
            pattern = re.compile(rf"^(\s+){key}:\s*[^#\n]*?(\s*#.*)?$")
            for i, ln in enumerate(body):
                m = pattern.match(ln.rstrip("\n"))
                if m:
                    comment = m.group(2) or ""
                    body[i] = f"{m.group(1)}{key}: {values[key]}{comment}\n"
                    break
            else:
                filled = [i for i, b in enumerate(body) if b.strip()]
                body.insert(filled[-1] + 1 if filled else 0, f"  {key}: {values[key]}\n")
        new = "".join(lines[: start + 1] + body + lines[end:])
    shutil.copy2(path, backup)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(new, encoding="utf-8")
    tmp.replace(path)
    return backup


# How many reference photos a school should give each child: with fewer, the rule recognises
# far fewer faces (docs/accuracy.md, test 5 of bench-matching and bench-safety --references).
RECOMMENDED_REFERENCES = 5


@dataclass(frozen=True)
class EnrolmentNote:
    child: str
    few_references: bool  # too few references to have a range: never identified automatically
    lookalike_of: str | None  # the guard keeps this child in review because of that child
    references: int = 0  # how many the child has


def enrolment_notes(
    refs: Mapping[str, Sequence[Encoding]], thresholds: Thresholds
) -> list[EnrolmentNote]:
    """What `enroll` tells the school about children the rule will not identify."""
    gallery = Gallery(refs)
    notes = []
    for child in gallery.children:
        p = gallery.profiles[child]
        few = p.radius(thresholds) is None
        other = p.nearest_other if p.lookalike(thresholds) else None
        if few or other or p.references < RECOMMENDED_REFERENCES:
            notes.append(EnrolmentNote(child, few, other, p.references))
    return notes
