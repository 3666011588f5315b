"""`calibrate`: what the matching rule means for this school's own enrolments."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from fotopoort.calibrate import (
    RECOMMENDED_REFERENCES,
    Calibration,
    calibrate,
    write_thresholds,
)
from fotopoort.cli.base import Env, _env, _h, _policy, _store, _t, app
from fotopoort.errors import UsageError
from fotopoort.messages import cli as M


@app.command("calibrate", help=_h(M.CALIBRATE))
def calibrate_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help=_h(M.OPT_JSON_TABLES))] = False,
    write: Annotated[bool, typer.Option("--write", help=_h(M.CALIBRATE_WRITE))] = False,
    max_age: Annotated[
        int,
        typer.Option("--max-age", metavar=_h(M.META_DAYS), min=1, help=_h(M.CALIBRATE_MAX_AGE)),
    ] = 365,
) -> None:
    env = _env(ctx)
    policy = _policy(env)
    with _store(env, policy, write=False) as store:
        refs = store.reference_encodings()
        dates = store.reference_dates()
        current = store.current_snapshot()
        now = datetime.fromisoformat(store.now())
    if not refs:
        raise UsageError(_t(M.NOBODY_ENROLLED))
    result = calibrate(refs, dates, policy.thresholds, now, max_age)
    names = {c: v.first_name for c, v in (current.snapshot.children if current else {}).items()}
    backup = None
    if write and result.changes:
        backup = write_thresholds(policy.path, result.recommended, now)
    if as_json:
        doc = _calibration_json(result, names)
        doc["written"] = {"backup": str(backup)} if backup else None
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    _render_calibration(env, result, names)
    if write:
        if backup:
            env.out.print(_t(M.CALIBRATE_WROTE, path=policy.path, backup=backup), markup=False)
        else:
            env.out.print(_t(M.CALIBRATE_ALREADY, path=policy.path), markup=False)


def _calibration_json(result: Calibration, names: dict[str, str]) -> dict[str, Any]:
    return {
        "thresholds": result.thresholds.as_dict(),
        "recommended": result.recommended.as_dict(),
        "children": [
            {
                "child": c.child,
                "name": names.get(c.child, ""),
                "references": c.references,
                "spread": c.spread,
                "radius": c.radius,
                "self_identified": c.self_identified,
                "nearest_other": c.nearest_other,
                "nearest_other_distance": c.nearest_other_distance,
                "lookalike": c.lookalike,
                "named_when_absent": list(c.named_when_absent),
                "oldest_reference": c.oldest_reference,
                "old_references": c.old_references,
            }
            for c in result.children
        ],
        "lookalike_pairs": [
            {"child": a, "other": b, "distance": d} for a, b, d in result.lookalike_pairs
        ],
        "evidence": [
            {
                "spread_factor": e.spread_factor,
                "wrong_when_absent": e.wrong,
                "self_identified": e.self_identified,
                "references": e.references,
            }
            for e in result.evidence
        ],
        "max_reference_age_days": result.max_reference_age_days,
    }


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def _render_calibration(env: Env, result: Calibration, names: dict[str, str]) -> None:
    def who(child: str | None) -> str:
        if child is None:
            return "-"
        return f"{names[child]} ({child})" if names.get(child) else child

    table = Table(title=_t(M.CAL_TITLE))
    for col in M.CAL_COLUMNS:
        table.add_column(_t(col))
    for c in result.children:
        wrong = ", ".join(who(w) for w in c.named_when_absent) or _t(M.CAL_NO)
        table.add_row(
            *(
                escape(v)
                for v in (
                    who(c.child),
                    str(c.references),
                    _num(c.spread),
                    _t(M.CAL_NEVER) if c.radius is None else _num(c.radius),
                    _t(M.CAL_NA)
                    if c.self_identified is None
                    else _t(M.CAL_OF, n=c.self_identified, total=c.references),
                    who(c.nearest_other) + (_t(M.CAL_LOOKALIKE) if c.lookalike else ""),
                    _num(c.nearest_other_distance),
                    wrong,
                    (c.oldest_reference or "-") + (_t(M.CAL_OLD) if c.old_references else ""),
                )
            )
        )
    env.out.print(table)
    out = env.out
    if result.lookalike_pairs:
        out.print(_t(M.CAL_PAIRS), markup=False)
        for a, b, d in result.lookalike_pairs:
            out.print(f"  {who(a)} - {who(b)}: {d:.2f}", markup=False)
    else:
        out.print(_t(M.CAL_NO_PAIRS), markup=False)
    short = [c for c in result.children if c.references < RECOMMENDED_REFERENCES]
    rec = RECOMMENDED_REFERENCES
    out.print(
        _t(M.CAL_FEW, recommended=rec, n=len(short), total=len(result.children))
        + (_t(M.CAL_FEW_ADVICE, recommended=rec) if short else ""),
        markup=False,
    )
    old = ", ".join(
        f"{who(c.child)} {c.old_references}" for c in result.children if c.old_references
    )
    out.print(
        _t(M.CAL_OLD_REFS, age=result.max_reference_age_days, children=old or _t(M.CAL_NONE)),
        markup=False,
    )
    out.print(_t(M.CAL_EVIDENCE), markup=False)
    for e in result.evidence:
        chosen = e.spread_factor == result.recommended.spread_factor
        line = _t(
            M.CAL_EVIDENCE_LINE,
            factor=e.spread_factor,
            wrong=e.wrong,
            recognised=e.self_identified,
            references=e.references,
            mark=_t(M.CAL_RECOMMENDED_MARK) if chosen else "",
        )
        out.print(line, markup=False)
    now_f, rec_f = result.thresholds.spread_factor, result.recommended.spread_factor
    if result.changes:
        out.print(_t(M.CAL_RECOMMEND, new=rec_f, now=now_f), markup=False)
    else:
        out.print(_t(M.CAL_KEEP, now=now_f), markup=False)
