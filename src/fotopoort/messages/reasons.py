"""Why a photo got its verdict, in Dutch and English: a Reason's code and parameters as text.

The only place reason text is made. A child is named from the consent snapshot at the moment
of rendering (first name and leerlingnummer), never from what was stored: the audit trail keeps
numbers only. The texts are plain: escaping them for the terminal, HTML or CSV is the caller's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fotopoort.lang import Lang
from fotopoort.messages import Text, problems, render
from fotopoort.model import ConsentSnapshot, Reason, ReasonCode, Variant
from fotopoort.text import timecode

FACE = Text(nl="gezicht {n}", en="face {n}")
TRACK = Text(nl="spoor {n}, {start}-{end}", en="track {n}, {start}-{end}")
CHILD = Text(nl="{name} ({child})", en="{name} ({child})")
ASSIGNED = Text(nl="{label}, aangewezen door een persoon", en="{label}, named by a person")
OTHER_GROUP = Text(nl=" (andere stamgroep: school nodig)", en=" (other stamgroep: needs school)")
APPROVAL_NOTE = Text(nl=" ({note})", en=" ({note})")

# One text per code: its usual explanation. `{where}` is FACE or TRACK.
REASONS: dict[ReasonCode, Text] = {
    ReasonCode.CONSENT: Text(
        nl="{where}: {label}: toestemming voor {channel}{via}",
        en="{where}: {label}: consent for {channel}{via}",
    ),
    ReasonCode.NO_FACES: Text(nl="geen gezichten gevonden", en="no faces found"),
    ReasonCode.NO_CONSENT: Text(
        nl="{where}: {label}: geen toestemming voor {channel}{via}",
        en="{where}: {label}: no consent for {channel}{via}",
    ),
    ReasonCode.UNKNOWN_FACE: Text(nl="{where}: onbekend gezicht", en="{where}: unknown face"),
    ReasonCode.AMBIGUOUS_FACE: Text(
        nl="{where}: kan meerdere kinderen zijn (dichtstbij {nearest}, afstand {distance:.2f})",
        en="{where}: could be several children (nearest {nearest}, distance {distance:.2f})",
    ),
    ReasonCode.SMALL_FACE: Text(
        nl="{where}: te klein om te herkennen ({size_px} px)",
        en="{where}: too small to identify ({size_px} px)",
    ),
    ReasonCode.NOT_A_CHILD: Text(
        nl="{where}: geen kind / niet herkenbaar, volgens een persoon",
        en="{where}: not a child / not recognisable, said by a person",
    ),
    ReasonCode.NAMED_OTHER: Text(
        nl="{where}: {label}, maar fotopoort herkent {nearest} ({distance:.2f}): "
        "een persoon moet kijken wie het is",
        en="{where}: {label}, but fotopoort recognises {nearest} ({distance:.2f}): "
        "a person must look who it is",
    ),
    ReasonCode.UNREADABLE: Text(nl="onleesbaar: {detail}", en="unreadable: {detail}"),
    ReasonCode.HUMAN_APPROVED: Text(nl="goedgekeurd door {by}{note}", en="approved by {by}{note}"),
    ReasonCode.APPROVAL_VOID: Text(
        nl="de goedkeuring door {by} vervalt: sindsdien is een toestemming veranderd",
        en="the approval by {by} is void: a consent changed since",
    ),
    ReasonCode.VIDEO_LIMIT: Text(
        nl="{detail}: een persoon moet de rest bekijken",
        en="{detail}: a person must check the rest",
    ),
    ReasonCode.VIDEO_PARTIAL: Text(
        nl="{detail}: besloten op het geanalyseerde deel",
        en="{detail}: decided on the part analysed",
    ),
}

_CLOSEST_NL = "{where}: onbekend gezicht: lijkt het meest op {nearest} ({distance:.2f})"
_CLOSEST_EN = "{where}: unknown face: closest to {nearest} ({distance:.2f})"

# The other explanations a code can have (Reason.variant).
VARIANTS: dict[tuple[ReasonCode, Variant], Text] = {
    (ReasonCode.NO_CONSENT, Variant.NOT_IN_EXPORT): Text(
        nl="{where}: {label} staat niet in de toestemmingsexport",
        en="{where}: {label} is not in the consent export",
    ),
    (ReasonCode.AMBIGUOUS_FACE, Variant.LOOKALIKE): Text(
        nl="{where}: lijkt op {nearest} ({distance:.2f}), maar dat kind heeft een "
        "ingeschreven dubbelganger",
        en="{where}: looks like {nearest} ({distance:.2f}), but that child has an enrolled "
        "look-alike",
    ),
    (ReasonCode.UNKNOWN_FACE, Variant.CLOSEST): Text(nl=_CLOSEST_NL, en=_CLOSEST_EN),
    (ReasonCode.UNKNOWN_FACE, Variant.FEW_REFERENCES): Text(
        nl=_CLOSEST_NL + ", maar van dat kind zijn te weinig referentiefoto's om het te herkennen",
        en=_CLOSEST_EN + ", but that child has too few reference photos to be recognised",
    ),
    (ReasonCode.UNKNOWN_FACE, Variant.OUTSIDE_RANGE): Text(
        nl=_CLOSEST_NL + ", maar buiten het bereik van de referenties van dat kind "
        "({reach:.2f} > {radius:.2f})",
        en=_CLOSEST_EN + ", but outside the range of that child's references "
        "({reach:.2f} > {radius:.2f})",
    ),
    (ReasonCode.UNKNOWN_FACE, Variant.BEYOND_TOLERANCE): Text(
        nl=_CLOSEST_NL + ", buiten de tolerantie", en=_CLOSEST_EN + ", beyond the tolerance"
    ),
    (ReasonCode.UNREADABLE, Variant.METADATA): Text(
        nl="metadata kan niet worden verwijderd: {detail}",
        en="metadata cannot be removed: {detail}",
    ),
}


def text_of(reason: Reason) -> Text:
    return VARIANTS.get((reason.code, reason.variant)) or REASONS[reason.code]


def child_label(child: str, consents: ConsentSnapshot | None) -> str:
    """`Daan (0100231)` when the snapshot has the child's first name, else its number."""
    known = consents.children.get(child) if consents is not None else None
    return (
        render(CHILD, name=known.first_name, child=child) if known and known.first_name else child
    )


def reason_text(reason: Reason, consents: ConsentSnapshot | None, lang: Lang | None = None) -> str:
    """`reason` in `lang` (default: this run's language), children named from `consents`."""
    params: dict[str, Any] = {
        "where": _where(reason, lang),
        "channel": reason.channel.value if reason.channel else "",
        "via": render(OTHER_GROUP, lang) if reason.other_group else "",
        "nearest": child_label(reason.nearest, consents) if reason.nearest else "",
        "distance": reason.distance or 0.0,
        "reach": reason.reach or 0.0,
        "radius": reason.radius or 0.0,
        "size_px": reason.size_px or 0,
        "by": reason.by or "",
        "note": render(APPROVAL_NOTE, lang, note=reason.note) if reason.note else "",
        "detail": problems.show(reason.detail, lang) if reason.detail else "",
        "label": "",
    }
    if reason.child is not None:
        label = child_label(reason.child, consents)
        params["label"] = render(ASSIGNED, lang, label=label) if reason.assigned else label
    return render(text_of(reason), lang, **params)


def stored_reason_text(
    entry: Mapping[str, Any], consents: ConsentSnapshot | None, lang: Lang | None = None
) -> str:
    """A reason as the audit trail or a report.json holds it: `code` and `params`, or, in an
    entry written before reasons were stored as codes, the English `message` it kept."""
    if "params" not in entry and isinstance(entry.get("message"), str):
        return str(entry["message"])
    try:
        reason = Reason.from_params(str(entry["code"]), entry.get("child"), entry.get("params", {}))
    except (KeyError, ValueError, TypeError):
        return str(entry.get("message") or entry.get("code", ""))
    return reason_text(reason, consents, lang)


def _where(reason: Reason, lang: Lang | None) -> str:
    if reason.face is None:
        return ""
    n = reason.face + 1
    if reason.start is None or reason.end is None:
        return render(FACE, lang, n=n)
    return render(TRACK, lang, n=n, start=timecode(reason.start), end=timecode(reason.end))
