"""What an import must not do without a person saying so. Pure: snapshots in, problems out.

Consent never goes backwards by accident: an export older than the current snapshot would bring
back consent a parent has withdrawn since. And one export that gives consent back to many
children at once, or in which many children are missing (an export of one group only), is more
often a wrong file than a real change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fotopoort.consents import ChangeKind, ConsentChange
from fotopoort.messages import errors as E
from fotopoort.messages import render
from fotopoort.model import ConsentSnapshot

_GIVING = (ChangeKind.GIVEN, ChangeKind.BIOMETRIC_GIVEN)
_SHOWN = 20  # children named in a message before "and N more"


@dataclass(frozen=True)
class Earlier:
    """A snapshot imported before, as far as the age check needs it."""

    id: int
    sha256: str
    source: str
    imported_at: str


def many(n: int, total: int) -> bool:
    """More than a few children at once: over 20% of the school (at least 2), at most 10."""
    return n > min(10, max(2, total // 5))


def older_than_current(
    new: ConsentSnapshot,
    current: ConsentSnapshot,
    current_id: int,
    earlier: Sequence[Earlier],
) -> str | None:
    """Why `new` is older than the current snapshot, or None.

    By the exports' own dates when both have one; otherwise by content: the same file as a
    snapshot imported before the current one."""
    if new.export_date is not None and current.export_date is not None:
        if new.export_date < current.export_date:
            return render(
                E.OLDER_BY_DATE,
                date=new.export_date.isoformat(),
                current=current_id,
                source=current.source,
                current_date=current.export_date.isoformat(),
            )
        return None
    for e in earlier:
        if e.id != current_id and e.sha256 == new.sha256:
            return render(
                E.OLDER_SAME_FILE,
                id=e.id,
                source=e.source,
                imported=e.imported_at,
                current=current_id,
                current_source=current.source,
            )
    return None


def who(changes: Sequence[ConsentChange]) -> list[str]:
    """Each child once, as 'Name (NR)', in the order of the changes."""
    seen: dict[str, str] = {}
    for c in changes:
        seen.setdefault(c.child, f"{c.name} ({c.child})" if c.name else c.child)
    return list(seen.values())


def listing(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_SHOWN])
    return shown + (render(E.AND_MORE, n=len(names) - _SHOWN) if len(names) > _SHOWN else "")


def mass_changes(
    changes: Sequence[ConsentChange], current: ConsentSnapshot, enrolled: Sequence[str]
) -> list[str]:
    """What in `changes` touches many children at once, one sentence each."""
    total = len(current.children)
    problems = []
    joined = {c.child for c in changes if c.kind is ChangeKind.JOINED}
    given = who([c for c in changes if c.kind in _GIVING and c.child not in joined])
    if many(len(given), total):
        problems.append(render(E.GIVES_BACK, n=len(given), who=listing(given)))
    left = [c for c in changes if c.kind is ChangeKind.LEFT]
    if many(len(left), total):
        gone = {c.child for c in left}
        losing = sum(1 for child in enrolled if child in gone)
        problems.append(
            render(E.MANY_LEFT, n=len(left), total=total, losing=losing, who=listing(who(left)))
        )
    return problems
