"""The review page as a Flask app: what is waiting, and the same actions as `review assign` and
`review approve`, audited the same way.

Security, for a page that shows children's photos on a shared school computer:
- every request needs the session cookie, given once in exchange for the one-time token of
  the printed URL (a second use of that URL is refused);
- every state change is a POST with the page's CSRF token (and, when the browser says where the
  request comes from, it must come from this page);
- photos are looked up by the sha256 of a decision in the database, never by a path from the
  request, and served only when the file's bytes still hash to it;
- a strict Content-Security-Policy; the page loads nothing from elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, flash, redirect, render_template, request, url_for
from PIL import Image, ImageDraw
from werkzeug.wrappers.response import Response as BaseResponse

from fotopoort import commands
from fotopoort.channels import Channel
from fotopoort.config import Policy
from fotopoort.errors import FotopoortError, ImageError, UsageError
from fotopoort.lang import current
from fotopoort.media.photos import VIDEO_SUFFIXES, LoadedImage, load_image
from fotopoort.media.video import frames_at
from fotopoort.messages import render
from fotopoort.messages import web as texts
from fotopoort.model import ChildConsent, ConsentSnapshot, ReasonCode
from fotopoort.publish.derived import REDACTED
from fotopoort.scan import sha256_file
from fotopoort.store import Store, exclusive_run
from fotopoort.text import timecode

SESSION_COOKIE = "fotopoort_session"
BY_COOKIE = "fotopoort_by"
_SHA = re.compile(r"[0-9a-f]{64}")
_SHOWN_SIDE = 1200  # the long side of a photo on the page
_NAMEABLE = ("unknown", "ambiguous", "too_small", "assigned", "not_a_child")
_IN_QUESTION = (230, 40, 40)
_BOX_COLOUR = {  # red (_IN_QUESTION) for every face still in question
    "identified": (0, 160, 70),
    "assigned": (0, 160, 70),
    "not_a_child": (110, 110, 110),
}
CSP = (
    "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@dataclass
class Gate:
    """The page's secrets and its clock: who may come in, and when it was last used."""

    url_token: str | None  # None once exchanged for the cookie
    session: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    clock: Callable[[], float] = time.monotonic
    last_seen: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.last_seen = self.clock()

    def exchange(self, token: str) -> bool:
        """The one-time URL token, used once."""
        with self.lock:
            if self.url_token is None or not hmac.compare_digest(token, self.url_token):
                return False
            self.url_token = None
            return True

    def idle_for(self) -> float:
        return self.clock() - self.last_seen


@dataclass(frozen=True)
class FaceView:
    number: int  # 1-based, as `face K` in the reasons and `review assign --face K`
    status: str
    child: str | None
    text: str
    nameable: bool
    track: str | None = None  # a video's track: "track 2, 00:00:05-00:00:06"


@dataclass(frozen=True)
class RedactedView:
    """A redacted copy asked for on the page, still the one to look at."""

    sha256: str  # the copy's own
    approved_by: str | None


@dataclass(frozen=True)
class ChannelView:
    channel: str
    group: str | None
    why: list[str]
    redacted: RedactedView | None = None


@dataclass(frozen=True)
class PhotoView:
    sha256: str
    rel: str
    path: str
    channels: list[ChannelView]
    faces: list[FaceView]
    video: bool = False  # shown as one image per track (its faces are tracks)


def child_label(child: ChildConsent) -> str:
    return f"{child.first_name or child.child} ({child.group})" if child.group else child.child


def _label(snapshot: ConsentSnapshot, child: str | None) -> str:
    who = snapshot.children.get(child) if child else None
    return child_label(who) if who else (child or "")


def waiting(store: Store, channel: Channel | None, copies: Path) -> list[PhotoView]:
    """The photos in review, one entry per content, most channels waiting first; with the
    redacted copies asked for on the page (kept in `copies`)."""
    snapshot = store.require_snapshot().snapshot
    by_sha: dict[str, tuple[Any, list[ChannelView], dict[str, Any] | None]] = {}
    for prev, entry in commands.review_list(store, channel):
        why = [
            r["message"]
            for r in (entry["reasons"] if entry else [])
            if r["code"] != ReasonCode.CONSENT
        ]
        first, channels, latest = by_sha.setdefault(prev.sha256, (prev, [], entry))
        redacted = _redacted_view(store, copies, prev.channel, prev.sha256, prev.rel)
        channels.append(ChannelView(prev.channel, prev.group, why, redacted))
        if entry and (latest is None or entry["id"] > latest["id"]):
            by_sha[prev.sha256] = (first, channels, entry)
    out = []
    for sha, (prev, channels, entry) in by_sha.items():
        faces = []
        for n, f in enumerate(entry["faces"] if entry else [], start=1):
            name = _label(snapshot, f["child"])
            status = texts.FACE_STATUS.get(f["status"])
            text = render(status) if status else f["status"]
            if f.get("recognised"):
                text = render(
                    texts.RECOGNISED_OTHER, name=name, other=_label(snapshot, f["recognised"])
                )
            elif name:
                text = render(texts.NAMED_BY_STATUS, name=name, status=text)
            faces.append(
                FaceView(
                    n,
                    f["status"],
                    f["child"],
                    text,
                    f["status"] in _NAMEABLE,
                    _track_label(n, f),
                )
            )
        video = any(f.track for f in faces) or Path(prev.path).suffix.lower() in VIDEO_SUFFIXES
        out.append(PhotoView(sha, prev.rel, prev.path, channels, faces, video))
    return sorted(out, key=lambda p: (-len(p.channels), p.rel))


def _track_label(number: int, face: dict[str, Any]) -> str | None:
    if face.get("frame") is None:
        return None
    return render(
        texts.TRACK_LABEL,
        n=number,
        start=timecode(face.get("start") or 0.0),
        end=timecode(face.get("end") or 0.0),
    )


def _current_copy(store: Store, copies: Path, channel: str, copy_sha: str) -> Path | None:
    """The file of a recorded redacted copy for `channel`, if its bytes are still the copy's,
    and it is still the one to look at (the latest from its photo, under this export)."""
    copy = store.derived_copy(channel, REDACTED, copy_sha)
    if copy is None or not copy.latest or copy.snapshot_id != store.require_snapshot().id:
        return None
    path = commands.review_copy_path(copies, channel, copy.original_sha256, copy.rel)
    return path if sha256_file(path) == copy_sha else None


def _redacted_view(
    store: Store, copies: Path, channel: str, original: str, rel: str
) -> RedactedView | None:
    made = sha256_file(commands.review_copy_path(copies, channel, original, rel))
    if made is None or _current_copy(store, copies, channel, made) is None:
        return None
    return RedactedView(made, store.copy_approved_by(channel, made))


def create_app(
    policy: Policy,
    gate: Gate,
    *,
    channel: Channel | None = None,
    wait: float = 10.0,
    copies: Path | None = None,
) -> Flask:
    """`copies`: where the redacted copies asked for on the page are kept (default: beside the
    database, see review_copies)."""
    copies = copies or review_copies(policy)
    app = Flask(__name__)
    app.secret_key = secrets.token_bytes(32)  # signs the flash messages; new every run
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        MAX_CONTENT_LENGTH=64 * 1024,  # forms only
    )

    @contextmanager
    def reading() -> Iterator[Store]:
        store = Store(policy.database, read_only=True)
        try:
            yield store
        finally:
            store.close()

    @contextmanager
    def writing() -> Iterator[Store]:
        with exclusive_run(policy.database, wait, lambda: None):
            store = Store(policy.database)
            try:
                yield store
            finally:
                store.close()

    @app.before_request
    def guard() -> BaseResponse | None:
        token = request.args.get("token")
        if token is not None:
            if request.method != "GET" or not gate.exchange(token):
                abort(403)
            response = redirect(url_for("index"), code=303)  # the token leaves the address bar
            response.set_cookie(
                SESSION_COOKIE, gate.session, httponly=True, samesite="Strict", path="/"
            )
            return response
        if not hmac.compare_digest(request.cookies.get(SESSION_COOKIE, ""), gate.session):
            abort(403)
        if request.method == "POST":
            origin = request.headers.get("Origin")
            if origin is not None and origin != request.host_url.rstrip("/"):
                abort(403)
            if not hmac.compare_digest(request.form.get("csrf", ""), gate.csrf):
                abort(403)
        gate.last_seen = gate.clock()  # use: only what came in counts (not a port scanner)
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        # same-origin, not no-referrer: with no-referrer a browser sends `Origin: null` on forms
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cache-Control"] = "no-store"
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        return response

    @app.errorhandler(403)
    def forbidden(_exc: Exception) -> tuple[str, int]:
        return render_template("forbidden.html", t=render, T=texts, lang=current()), 403

    @app.get("/")
    def index() -> str:
        with reading() as store:
            photos = waiting(store, channel, copies)
            children = sorted(
                store.require_snapshot().snapshot.children.values(),
                key=lambda c: (c.group.casefold(), c.first_name.casefold(), c.child),
            )
        return render_template(
            "review.html",
            photos=photos,
            children=[(c.child, child_label(c)) for c in children],
            by=request.cookies.get(BY_COOKIE, ""),
            csrf=gate.csrf,
            channel=channel.value if channel else None,
            t=render,
            T=texts,
            lang=current(),
        )

    @app.get("/photo/<sha>.jpg")
    def photo(sha: str) -> Response:
        if not _SHA.fullmatch(sha):
            abort(404)
        with reading() as store:
            rows = [p for p in store.previous_decisions() if p.sha256 == sha]
            entries = commands.review_list(store, None)
        if not rows:
            abort(404)
        faces: list[dict[str, Any]] = next(
            (e["faces"] for p, e in entries if p.sha256 == sha and e), []
        )
        for path in dict.fromkeys(Path(r.path) for r in rows):
            data = _verified_bytes(path, sha)
            if data is not None:
                try:
                    return Response(_shown(data, faces, policy.max_pixels), mimetype="image/jpeg")
                except ImageError:
                    abort(415)
        abort(404)  # changed or gone: nothing is shown that was not decided

    @app.get("/track/<sha>/<int:number>.jpg")
    def track(sha: str, number: int) -> Response:
        """A video's track `number` (1-based, its "face"): the frame where its face is largest.
        Only for a video in the database's decisions whose file still hashes to `sha`."""
        if not _SHA.fullmatch(sha):
            abort(404)
        with reading() as store:
            rows = [p for p in store.previous_decisions() if p.sha256 == sha]
            entries = commands.review_list(store, None)
        faces: list[dict[str, Any]] = next(
            (e["faces"] for p, e in entries if p.sha256 == sha and e), []
        )
        if not rows or not 1 <= number <= len(faces) or faces[number - 1].get("frame") is None:
            abort(404)  # not decided, not in review, or not a video's track
        for path in dict.fromkeys(Path(r.path) for r in rows):
            jpeg = _track_shown(path, sha, number, faces[number - 1])
            if jpeg is not None:
                return Response(jpeg, mimetype="image/jpeg")
        abort(404)  # changed or gone: nothing is shown that was not decided

    @app.get("/redacted/<sha>.jpg")
    def redacted(sha: str) -> Response:
        """A redacted copy asked for on the page, by its own recorded sha256."""
        if not _SHA.fullmatch(sha):
            abort(404)
        with reading() as store:
            paths = [_current_copy(store, copies, ch.value, sha) for ch in policy.channels]
        for path in paths:
            data = _verified_bytes(path, sha) if path is not None else None
            if data is not None:
                try:
                    return Response(_shown(data, [], policy.max_pixels), mimetype="image/jpeg")
                except ImageError:
                    abort(415)
        abort(404)

    @app.post("/name")
    def name() -> BaseResponse:
        by = request.form.get("by", "").strip()
        response = redirect(url_for("index"), code=303)
        if not by:
            flash(render(texts.NAME_FIRST), "error")
        else:
            response.set_cookie(
                BY_COOKIE, by[:100], httponly=True, samesite="Strict", max_age=365 * 86400
            )
        return response

    def act(do: Callable[[Store, Path, str, str], str]) -> BaseResponse:
        """Run `do(store, the photo's file, by, note)` for the photo the form names; show what
        it says, or why it was refused."""
        sha = request.form.get("sha", "")
        target = url_for("index") + (f"#p-{sha[:12]}" if _SHA.fullmatch(sha) else "")
        response = redirect(target, code=303)
        by = request.cookies.get(BY_COOKIE, "").strip()
        try:
            if not by:
                raise UsageError(texts.NAME_FIRST_SHORT)
            with writing() as store:
                path = _decided_path(store, sha)
                flash(do(store, path, by, request.form.get("note", "").strip()), "done")
        except FotopoortError as exc:
            flash(str(exc), "error")
        return response

    @app.post("/assign")
    def assign() -> BaseResponse:
        def do(store: Store, path: Path, by: str, note: str) -> str:
            face = _int(request.form.get("face", ""), "face")
            child = request.form.get("child", "")
            if not child:
                raise UsageError(texts.CHOOSE_A_CHILD, face=face)
            items = commands.review_assign(policy, store, path, face, child, by, note)
            return render(texts.FACE_NAMED, face=face, outcome=_outcome(items))

        return act(do)

    @app.post("/not-a-child")
    def not_a_child() -> BaseResponse:
        def do(store: Store, path: Path, by: str, note: str) -> str:
            face = _int(request.form.get("face", ""), "face")
            items = commands.review_assign(policy, store, path, face, None, by, note)
            return render(texts.NOT_A_CHILD_DONE, face=face, outcome=_outcome(items))

        return act(do)

    @app.post("/approve")
    def approve() -> BaseResponse:
        def do(store: Store, path: Path, by: str, note: str) -> str:
            ch = policy.require_channel(request.form.get("channel", ""))
            group = request.form.get("group") or None
            items = commands.review_approve(policy, store, path, ch, group, by, note)
            return render(texts.APPROVED_FOR, channel=ch.value, outcome=_outcome(items))

        return act(do)

    @app.post("/redact")
    def redact() -> BaseResponse:
        def do(store: Store, path: Path, _by: str, _note: str) -> str:
            ch = policy.require_channel(request.form.get("channel", ""))
            group = request.form.get("group") or None
            _copies_folder(copies)
            made, _copy = commands.review_redact(policy, store, path, ch, group, copies)
            faces = ", ".join(str(n) for n in made.faces)
            return render(texts.REDACT_DONE, channel=ch.value, faces=faces)

        return act(do)

    @app.post("/approve-redacted")
    def approve_redacted() -> BaseResponse:
        def do(store: Store, _path: Path, by: str, note: str) -> str:
            ch = policy.require_channel(request.form.get("channel", ""))
            copy_sha = request.form.get("copy", "")
            found = _current_copy(store, copies, ch.value, copy_sha)
            copy = store.derived_copy(ch.value, REDACTED, copy_sha)
            if not _SHA.fullmatch(copy_sha) or found is None or copy is None:
                raise UsageError(render(texts.NO_SUCH_COPY))
            commands.approve_redacted(store, found, copy, ch, by, note)
            return render(texts.REDACTED_APPROVED, channel=ch.value, sha256=copy_sha)

        return act(do)

    return app


def review_copies(policy: Policy) -> Path:
    """The folder beside the database where the page keeps the redacted copies it made: they
    are for a person to look at, and do not outlive the server (`serve` empties it)."""
    return policy.database.parent / ".fotopoort-review"


def _copies_folder(copies: Path) -> None:
    copies.mkdir(mode=0o700, parents=True, exist_ok=True)


def _int(value: str, what: str) -> int:
    if not value.isdigit():
        raise UsageError(texts.EXPECTED_NUMBER, what=what, value=value)
    return int(value)


def _outcome(items: list[Any]) -> str:
    if not items:
        return render(texts.NOTHING_CHANGED)
    verdicts = ", ".join(item.decision.verdict.value for item in items)
    return render(texts.NOW, photo=items[0].photo.photo.shown, verdicts=verdicts)


def _decided_path(store: Store, sha: str) -> Path:
    """The file of a decided photo whose bytes are still the decided ones."""
    if not _SHA.fullmatch(sha):
        raise UsageError(texts.NO_SUCH_PHOTO)
    paths = dict.fromkeys(Path(p.path) for p in store.previous_decisions() if p.sha256 == sha)
    for path in paths:
        if sha256_file(path) == sha:
            return path
    raise UsageError(texts.PHOTO_CHANGED_OR_GONE)


def _verified_bytes(path: Path, sha: str) -> bytes | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sha else None


def _shown(data: bytes, faces: list[dict[str, Any]], max_pixels: int) -> bytes:
    """A JPEG of the photo, upright and smaller, its faces boxed and numbered."""
    image = load_image(data, max_pixels=max_pixels, max_side=_SHOWN_SIDE)
    return _boxed(image, list(enumerate(faces, start=1)))


def _boxed(image: LoadedImage, faces: list[tuple[int, dict[str, Any]]]) -> bytes:
    """A JPEG of `image` with each (number, face) boxed and numbered."""
    shown = Image.fromarray(image.pixels)
    draw = ImageDraw.Draw(shown)
    width = max(2, round(max(shown.size) / 300))
    for n, f in faces:
        top, right, bottom, left = (round(v / image.scale) for v in f["box"])
        # red for a face a person named as another child than fotopoort recognises
        colour = _IN_QUESTION if f.get("recognised") else _BOX_COLOUR.get(f["status"], _IN_QUESTION)
        draw.rectangle((left, top, right, bottom), outline=colour, width=width)
        size = max(14, min(48, (bottom - top) // 3))
        label_top = max(0, top - size - 4)
        draw.rectangle((left, label_top, left + size, label_top + size + 4), fill=colour)
        draw.text(
            (left + size // 2, label_top + size // 2 + 2),
            str(n),
            fill=(255, 255, 255),
            anchor="mm",
            font_size=size,
        )
    buf = io.BytesIO()
    shown.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _track_shown(path: Path, sha: str, number: int, face: dict[str, Any]) -> bytes | None:
    """A video track's frame (where its face is largest), that face boxed and numbered; None
    when the file no longer hashes to `sha` (before or after decoding) or the frame is not
    found. The file is read where it is (a video may be gigabytes), never into memory."""
    if sha256_file(path) != sha:
        return None
    frame = float(face["frame"])
    image = frames_at(path, [frame], _SHOWN_SIDE).get(frame)
    if image is None or sha256_file(path) != sha:
        return None
    return _boxed(image, [(number, face)])
