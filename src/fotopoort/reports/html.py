"""One self-contained HTML file from a typed Report: thumbnails, boxed faces, decisions, filters.

Self-contained: thumbnails are embedded as data: URIs; the one style sheet and the one script
are inline and allowed by a Content-Security-Policy that names their sha256 hashes and forbids
everything else (no network, no remote fonts, no other scripts). Every data string is escaped:
names and file names come from exports and cameras, and an export can hold `<script>` as a name.
The file is written readable by its owner only: it shows children.

Faces are told apart by text and pattern, not by colour alone: consent = solid line, no consent
= dashed line over a hatched fill, unknown / ambiguous / too small = dotted line; each box is
labelled with its number, the child's first name and the kind in words.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape
from pathlib import Path

from fotopoort.atomic import write_text_atomic
from fotopoort.channels import Channel
from fotopoort.lang import current
from fotopoort.messages import render as say
from fotopoort.messages import report as T
from fotopoort.model import FaceStatus, Verdict
from fotopoort.reports.model import FaceKind, Report, ReportFace, ReportPhoto, counts, track_id
from fotopoort.reports.thumbnails import Thumbnail
from fotopoort.text import timecode

_KIND_TEXT = {FaceKind.CONSENT: T.KIND_CONSENT, FaceKind.NO_CONSENT: T.KIND_NO_CONSENT}
_UNSURE_TEXT = {
    FaceStatus.UNKNOWN: T.UNKNOWN_FACE,
    FaceStatus.AMBIGUOUS: T.UNSURE_WHO,
    FaceStatus.TOO_SMALL: T.TOO_SMALL,
    FaceStatus.NOT_A_CHILD: T.NOT_A_CHILD,
}
_VERDICT_TEXT = {
    Verdict.ALLOWED: T.VERDICT_ALLOWED,
    Verdict.REVIEW: T.VERDICT_REVIEW,
    Verdict.BLOCKED: T.VERDICT_BLOCKED,
}

_BASE_CSS = """\
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;
 background:#fafafa}
body{margin:0 auto;max-width:1400px;padding:.75rem}
h1{font-size:1.3rem;margin:.2rem 0}
h2{font-size:1rem;margin:0 0 .4rem;overflow-wrap:anywhere}
table{border-collapse:collapse}
th,td{text-align:left;vertical-align:top;padding:.2rem .4rem;border-bottom:1px solid #ddd}
.summary{margin:.5rem 0;overflow-x:auto;display:block}
#filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:.5rem 0}
#filters fieldset{border:1px solid #bbb;display:flex;flex-wrap:wrap;gap:.3rem .8rem}
#filters label{white-space:nowrap;padding:.2rem 0}
select,input{font-size:1rem}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;align-items:center;margin:.3rem 0}
.legend svg{width:2.2rem;height:1.4rem;vertical-align:middle}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,340px),1fr));gap:1rem}
article{background:#fff;border:1px solid #ccc;border-radius:6px;padding:.6rem;min-width:0}
[hidden]{display:none!important}
figure{margin:0}
.pic{position:relative;line-height:0}
.pic img{width:100%;height:auto;display:block;border-radius:3px}
.pic svg{position:absolute;left:0;top:0;width:100%;height:100%}
.nopic{padding:2rem 1rem;background:#eee;text-align:center}
.tracks{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,150px),1fr));
 gap:.4rem}
.track figcaption{font-size:.8rem;margin:.15rem 0 0}
.track .nopic{padding:1rem .5rem}
figcaption{font-size:.9rem;margin:.3rem 0}
figcaption ol{margin:.2rem 0;padding-left:1.4rem}
.decisions{width:100%;font-size:.9rem;margin-top:.3rem}
.decisions ul{margin:0;padding-left:1rem}
.v{font-weight:bold;white-space:nowrap}
.v-allowed{color:#1a6b32}.v-review{color:#8a4b00}.v-blocked{color:#b71c1c}
.redacted{display:block;font-weight:bold;color:#333}
.face rect,.legend rect{stroke-width:3px;vector-effect:non-scaling-stroke;fill:none}
.face text{font-weight:bold;paint-order:stroke;stroke:#fff;stroke-width:4px;
 vector-effect:non-scaling-stroke;stroke-linejoin:round}
.ch{display:none}
body:not(.all) tr.dec{display:none}
.k-consent rect,rect.k-consent{stroke:#1a7f37}
.k-no-consent rect,rect.k-no-consent{stroke:#c62828;stroke-dasharray:12 5;fill:url(#hatch)}
.k-unsure rect,rect.k-unsure{stroke:#b35c00;stroke-dasharray:3 4}
"""

_SCRIPT = """\
(function () {
  var sel = document.getElementById("channel");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[name=show]"));
  var cards = Array.prototype.slice.call(document.querySelectorAll("article.photo"));
  var shown = document.getElementById("shown");
  var all = document.getElementById("all");
  function fromHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    var ch = params.get("channel");
    if (ch && sel.querySelector("option[value='" + CSS.escape(ch) + "']")) { sel.value = ch; }
    var show = params.get("show");
    if (show !== null) {
      var want = show.split(",");
      boxes.forEach(function (b) { b.checked = want.indexOf(b.value) >= 0; });
    }
  }
  function apply(save) {
    var ch = sel.value;
    document.body.setAttribute("data-ch", ch);
    document.body.classList.toggle("all", all.checked);
    var want = {};
    boxes.forEach(function (b) { want[b.value] = b.checked; });
    var n = 0;
    cards.forEach(function (c) {
      var v = c.getAttribute("data-d-" + ch);
      var ok = v !== null && (want[v] || (want.redacted && c.hasAttribute("data-r-" + ch)));
      c.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = shown.getAttribute("data-of").replace("{n}", n)
      .replace("{total}", cards.length).replace("{channel}", ch);
    if (save) {
      var on = boxes.filter(function (b) { return b.checked; })
        .map(function (b) { return b.value; });
      history.replaceState(null, "", "#channel=" + ch + "&show=" + on.join(","));
    }
  }
  sel.addEventListener("change", function () { apply(true); });
  all.addEventListener("change", function () { apply(false); });
  boxes.forEach(function (b) { b.addEventListener("change", function () { apply(true); }); });
  window.addEventListener("hashchange", function () { fromHash(); apply(false); });
  fromHash();
  apply(false);
})();
"""


def _channel_css(channels: tuple[Channel, ...]) -> str:
    """Per channel: which face style and which label show when that channel is selected."""
    rules = []
    for ch in channels:
        c = ch.value
        for kind in FaceKind:
            rules.append(
                f'body[data-ch="{c}"] .face[data-k-{c}="{kind.value}"] rect{{{_KIND_CSS[kind]}}}'
            )
        rules.append(f'body[data-ch="{c}"] .ch-{c}{{display:inline}}')
        rules.append(
            f'body[data-ch="{c}"] tr.row-{c}{{display:table-row!important;background:#eef3ff;'
            "outline:2px solid #99b}"
        )
    return "\n".join(rules) + "\n"


_KIND_CSS = {
    FaceKind.CONSENT: "stroke:#1a7f37;stroke-dasharray:none;fill:none",
    FaceKind.NO_CONSENT: "stroke:#c62828;stroke-dasharray:12 5;fill:url(#hatch)",
    FaceKind.UNSURE: "stroke:#b35c00;stroke-dasharray:3 4;fill:none",
}


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render(report: Report) -> str:
    css = _BASE_CSS + _channel_css(report.channels)
    csp = (
        "default-src 'none'; img-src data:; "
        f"style-src {_csp_hash(css)}; script-src {_csp_hash(_SCRIPT)}; "
        "base-uri 'none'; form-action 'none'"
    )
    first = report.channels[0].value if report.channels else ""
    ids: set[str] = set()  # two copies of one video: its track ids on the first one only
    parts = [
        f'<!DOCTYPE html>\n<html lang="{current()}">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{escape(csp)}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="referrer" content="no-referrer">\n',
        f"<title>{escape(report.title)}</title>\n<style>{css}</style>\n</head>\n",
        # class "all": without the script every channel's decision shows
        f'<body data-ch="{escape(first)}" class="all">\n<header>\n',
        f"<h1>{escape(report.title)}</h1>\n",
        "<p>"
        + escape(
            say(T.INTRO, n=len(report.photos), snapshot=report.snapshot, when=report.generated)
        )
        + "</p>\n",
        _summary(report),
        _filters(report),
        _legend(),
        "</header>\n",
        '<svg width="0" height="0" aria-hidden="true" focusable="false"><defs>'
        '<pattern id="hatch" patternUnits="objectBoundingBox" patternContentUnits='
        '"objectBoundingBox" width="0.125" height="0.125"><path d="M0,0.125 L0.125,0" '
        'stroke="#c62828" stroke-width="0.025"/></pattern></defs></svg>\n',
        "<main>\n",
        *(_photo(p, report.channels, ids) for p in report.photos),
        "</main>\n",
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n",
    ]
    return "".join(parts)


def _summary(report: Report) -> str:
    rows = []
    for ch, n in counts(report).items():
        rows.append(
            f"<tr><th>{escape(ch.value)}</th><td>{n['allowed']}</td><td>{n['review']}</td>"
            f"<td>{n['blocked']}</td><td>{n['redacted']}</td></tr>"
        )
    return (
        '<table class="summary"><thead><tr>'
        + "".join(
            f"<th>{escape(say(t))}</th>"
            for t in (T.CHANNEL, T.ALLOWED, T.REVIEW, T.BLOCKED, T.REDACTED_COPIES)
        )
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>\n"
    )


def _filters(report: Report) -> str:
    options = "".join(
        f'<option value="{escape(ch.value)}">{escape(ch.value)}</option>' for ch in report.channels
    )
    shows = "".join(
        f'<label><input type="checkbox" name="show" value="{value}" checked> '
        f"{escape(say(text))}</label>"
        for value, text in (
            ("allowed", T.ALLOWED),
            ("review", T.REVIEW),
            ("blocked", T.BLOCKED),
            ("redacted", T.REDACTED),
        )
    )
    return (
        f'<form id="filters"><label>{escape(say(T.CHANNEL_LABEL))} <select id="channel">'
        f"{options}</select></label><fieldset><legend>{escape(say(T.SHOW))}</legend>{shows}"
        f'</fieldset><label><input type="checkbox" id="all"> {escape(say(T.EVERY_CHANNEL))}'
        f'</label><output id="shown" aria-live="polite" data-of="{escape(T.SHOWN.template())}">'
        f"{escape(say(T.PHOTOS, n=len(report.photos)))}</output></form>\n"
    )


def _legend() -> str:
    items = (
        ("consent", say(T.LEGEND_CONSENT)),
        ("no-consent", say(T.LEGEND_NO_CONSENT)),
        ("unsure", say(T.LEGEND_UNSURE)),
    )
    return (
        '<p class="legend">'
        + "".join(
            f'<span><svg viewBox="0 0 44 28" aria-hidden="true"><rect class="k-{k}" x="3" y="3" '
            f'width="38" height="22"/></svg> {escape(text)}</span>'
            for k, text in items
        )
        + "</p>\n"
    )


def _photo(photo: ReportPhoto, channels: tuple[Channel, ...], ids: set[str]) -> str:
    attrs = "".join(
        f' data-d-{ch.value}="{d.verdict.value}"' + (f" data-r-{ch.value}" if d.redacted else "")
        for ch, d in photo.decisions.items()
    )
    rows = "".join(_decision_row(ch, photo) for ch in channels if ch in photo.decisions)
    return (
        f'<article class="photo"{attrs}>\n<h2>{escape(photo.rel)}</h2>\n<figure>'
        f"{_tracks(photo, ids) if photo.video else _picture(photo)}{_face_list(photo)}</figure>\n"
        f'<table class="decisions"><tbody>{rows}</tbody></table>\n</article>\n'
    )


def _picture(photo: ReportPhoto) -> str:
    t = photo.thumbnail
    if t is None:
        text = say(T.NO_PREVIEW_WHY, why=photo.error) if photo.error else say(T.NO_PREVIEW)
        return f'<div class="nopic">{escape(text)}</div>'
    width, height = t.original
    uri = "data:image/jpeg;base64," + base64.b64encode(t.jpeg).decode("ascii")
    alt = say(T.PHOTO_ALT, photo=photo.rel, n=len(photo.faces))
    font = max(width, height) / 24
    faces = "".join(_face_svg(f, font) for f in photo.faces)
    return (
        f'<div class="pic"><img src="{uri}" width="{t.width}" height="{t.height}" '
        f'alt="{escape(alt)}"><svg viewBox="0 0 {width} {height}" preserveAspectRatio="none" '
        f'aria-hidden="true" font-size="{font:.0f}">{faces}</svg></div>'
    )


def _tracks(photo: ReportPhoto, ids: set[str]) -> str:
    """A video: per track the frame where its face is largest, that face boxed, and when."""
    if photo.error is not None:
        return f'<div class="nopic">{escape(say(T.NO_PREVIEW_WHY, why=photo.error))}</div>'
    if not photo.faces:
        return f'<div class="nopic">{escape(say(T.VIDEO_NO_TRACKS))}</div>'
    figures = []
    for i, face in enumerate(photo.faces):
        thumb = photo.tracks[i] if i < len(photo.tracks) else None
        caption = say(
            T.TRACK_CAPTION,
            n=face.number,
            start=timecode(face.start or 0.0),
            end=timecode(face.end or 0.0),
            frame=timecode(face.frame or 0.0),
        )
        anchor = track_id(photo.anchor, face.number) if photo.anchor else None
        attr = ""
        if anchor is not None and anchor not in ids:
            ids.add(anchor)
            attr = f' id="{escape(anchor)}"'
        alt = say(T.TRACK_ALT, video=photo.rel, n=face.number)
        figures.append(
            f'<figure class="track"{attr}>{_track_picture(face, thumb, alt)}'
            f"<figcaption>{escape(caption)}</figcaption></figure>"
        )
    return f'<div class="tracks">{"".join(figures)}</div>'


def _track_picture(face: ReportFace, thumb: Thumbnail | None, alt: str) -> str:
    if thumb is None:
        return f'<div class="nopic">{escape(say(T.NO_PREVIEW))}</div>'
    width, height = thumb.original
    uri = "data:image/jpeg;base64," + base64.b64encode(thumb.jpeg).decode("ascii")
    font = max(width, height) / 16
    return (
        f'<div class="pic"><img src="{uri}" width="{thumb.width}" height="{thumb.height}" '
        f'alt="{escape(alt)}"><svg viewBox="0 0 {width} {height}" preserveAspectRatio="none" '
        f'aria-hidden="true" font-size="{font:.0f}">{_face_svg(face, font)}</svg></div>'
    )


def _kind_label(face: ReportFace, kind: FaceKind) -> str:
    if kind is FaceKind.UNSURE:
        return say(_UNSURE_TEXT.get(face.status, T.UNSURE))
    return say(_KIND_TEXT[kind])


def _face_svg(face: ReportFace, font: float) -> str:
    b = face.box
    attrs = "".join(f' data-k-{ch.value}="{k.value}"' for ch, k in face.kinds.items())
    name = f"{face.number} {face.name}" if face.name else f"{face.number} ?"
    # the label above the box when there is room, else inside its top
    y1 = b.top - 1.2 * font if b.top >= 2.3 * font else b.top + font
    y2 = y1 + 1.05 * font
    kinds = "".join(
        f'<text class="ch ch-{ch.value}" x="{b.left}" y="{y2:.0f}">'
        f"{escape(_kind_label(face, k))}</text>"
        for ch, k in face.kinds.items()
    )
    return (
        f'<g class="face"{attrs}><rect x="{b.left}" y="{b.top}" width="{b.width}" '
        f'height="{b.height}"/><text x="{b.left}" y="{y1:.0f}">{escape(name)}</text>{kinds}</g>'
    )


def _face_list(photo: ReportPhoto) -> str:
    if not photo.faces:
        return f"<figcaption>{escape(say(T.NO_FACES))}</figcaption>"
    items = []
    for f in photo.faces:
        who = escape(f.name) if f.name else escape(say(_UNSURE_TEXT.get(f.status, T.UNSURE)))
        kinds = "".join(
            f'<span class="ch ch-{ch.value}">: {escape(_kind_label(f, k))}</span>'
            for ch, k in f.kinds.items()
        )
        items.append(f"<li>{who}{kinds}</li>")
    return f"<figcaption><ol>{''.join(items)}</ol></figcaption>"


def _decision_row(ch: Channel, photo: ReportPhoto) -> str:
    d = photo.decisions[ch]
    reasons = "".join(f"<li>{escape(r)}</li>" for r in d.reasons)
    redacted = (
        f'<span class="redacted">{escape(say(T.REDACTED))}: {escape(d.redacted)}</span>'
        if d.redacted
        else ""
    )
    return (
        f'<tr class="dec row-{ch.value}"><th>{escape(ch.value)}</th><td><span class="v '
        f'v-{d.verdict.value}">{escape(say(_VERDICT_TEXT[d.verdict]))}</span></td>'
        f"<td><ul>{reasons}</ul>{redacted}</td></tr>"
    )


def write_html(path: Path, text: str) -> None:
    """Write atomically, readable by its owner only (the report shows children)."""
    write_text_atomic(path, text, private=True)
