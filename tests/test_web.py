"""The review page (`review serve`) through Flask's test client, with the fake engine.

Who may come in (the one-time token, then the cookie), that state changes only by POST with the
CSRF token, that photos are served only as decided, that names are escaped, and that naming a
face and approving go through the same core as `review assign`/`approve`: the CLI shows both.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from fotopoort.config import load_policy
from fotopoort.web.app import CSP, Gate, create_app
from fotopoort.web.server import ServeOptions, serve

from .conftest import Cli
from .fakes import make_photo
from .test_cli_check import STRANGER
from .test_recheck import SEPTEMBER, demo
from .test_review import registered, reviews_table

__all__ = ["registered"]  # a fixture: imported so that pytest finds it

TOKEN = "the-one-time-token"
MILA = "0101105"  # website Ja, never enrolled (biometric Nee)
NOAH = "0100733"  # every channel Nee
ADULT = (10, 90, 160)


@pytest.fixture
def kamp(registered: Cli, tmp_path: Path) -> Path:
    """two.png (two faces) waits for website and school, one.png (one face) for website."""
    root = tmp_path / "kamp"
    make_photo(root / "one.png", [(STRANGER, 10)])
    make_photo(root / "two.png", [(STRANGER, 10), (ADULT, 200)])
    assert registered("check", root, "-c", "website").exit_code == 1
    assert registered("check", root / "two.png", "-c", "school").exit_code == 1
    return root


def app_for(cli: Cli) -> Flask:
    app = create_app(load_policy(cli.config), Gate(url_token=TOKEN))
    app.testing = True
    return app


def logged_in(app: Flask, by: str | None = "juf Anna") -> FlaskClient:
    client = app.test_client()
    response = client.get(f"/?token={TOKEN}")
    assert response.status_code == 303
    assert "token" not in response.headers["Location"]
    if by is not None:
        assert client.post("/name", data={"by": by, "csrf": csrf_of(client)}).status_code == 303
    return client


def csrf_of(client: FlaskClient) -> str:
    page = client.get("/").get_data(as_text=True)
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def audit(cli: Cli, photo: Path) -> list[dict[str, Any]]:
    result = cli("audit", "--photo", photo, "--json")
    assert result.exit_code == 0, result.output
    entries: list[dict[str, Any]] = json.loads(result.stdout)
    return entries


def in_review(cli: Cli, channel: str) -> set[str]:
    result = cli("review", "list", "-c", channel, "--json")
    assert result.exit_code == 0, result.output
    return {Path(e["path"]).name for e in json.loads(result.stdout)}


# --- who may come in -------------------------------------------------------------------------


def test_without_the_token_every_request_is_refused(registered: Cli, kamp: Path) -> None:
    client = app_for(registered).test_client()
    photo = sha(kamp / "one.png")
    for url in ("/", f"/photo/{photo}.jpg", "/static/review.js", "/?token=wrong"):
        assert client.get(url).status_code == 403, url
    response = client.post("/approve", data={"sha": photo, "channel": "website"})
    assert response.status_code == 403
    assert len(audit(registered, kamp / "one.png")) == 1  # only the check


def test_the_printed_url_works_once_then_the_cookie_lets_in(registered: Cli, kamp: Path) -> None:
    app = app_for(registered)
    first = app.test_client()
    assert first.get(f"/?token={TOKEN}").status_code == 303
    assert first.get("/").status_code == 200
    second = app.test_client()
    assert second.get(f"/?token={TOKEN}").status_code == 403  # used already
    assert second.get("/").status_code == 403


def test_every_response_carries_a_strict_csp(registered: Cli, kamp: Path) -> None:
    client = logged_in(app_for(registered))
    for response in (client.get("/"), client.get(f"/photo/{sha(kamp / 'one.png')}.jpg")):
        assert response.headers["Content-Security-Policy"] == CSP
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in CSP
    page = client.get("/").get_data(as_text=True)
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # nothing from elsewhere
    assert "<script>" not in page and " style=" not in page  # no inline code for the CSP


# --- state changes: POST with the CSRF token only ---------------------------------------------


def test_a_post_without_the_csrf_token_changes_nothing(registered: Cli, kamp: Path) -> None:
    client = logged_in(app_for(registered))
    form = {"sha": sha(kamp / "one.png"), "face": "1", "child": MILA}
    assert client.post("/assign", data=form).status_code == 403
    assert client.post("/assign", data=form | {"csrf": "guessed"}).status_code == 403
    other_site = {"Origin": "http://evil.example"}
    response = client.post("/assign", data=form | {"csrf": csrf_of(client)}, headers=other_site)
    assert response.status_code == 403
    assert reviews_table(registered) == []
    assert "one.png" in in_review(registered, "website")


def test_a_post_from_the_page_itself_is_accepted(registered: Cli, kamp: Path) -> None:
    """What a browser sends from the page: its own Origin (the Referrer-Policy keeps it)."""
    client = logged_in(app_for(registered))
    form = {"sha": sha(kamp / "one.png"), "face": "1", "child": MILA, "csrf": csrf_of(client)}
    response = client.post("/assign", data=form, headers={"Origin": "http://localhost"})
    assert response.status_code == 303
    assert response.headers["Referrer-Policy"] == "same-origin"  # never `Origin: null`
    assert reviews_table(registered)[0][:3] == ("assign", 0, MILA)


def test_a_get_never_changes_state(registered: Cli, kamp: Path) -> None:
    client = logged_in(app_for(registered))
    query = f"sha={sha(kamp / 'one.png')}&face=1&child={MILA}&channel=website"
    for url in ("/assign", "/approve", "/name"):
        response = client.get(f"{url}?{query}&csrf={csrf_of(client)}&by=mallory")
        assert response.status_code == 405, url
    assert reviews_table(registered) == []
    assert len(audit(registered, kamp / "one.png")) == 1


def post_routes(app: Flask) -> list[str]:
    return sorted(r.rule for r in app.url_map.iter_rules() if "POST" in (r.methods or ()))


def test_every_state_changing_route_refuses_without_token_csrf_or_its_own_origin(
    registered: Cli, kamp: Path
) -> None:
    """Walked from the app's own routes: a route added later is covered without a new test."""
    app = app_for(registered)
    routes = post_routes(app)
    assert set(routes) >= {"/approve", "/approve-redacted", "/assign", "/name", "/not-a-child"}
    one = sha(kamp / "one.png")
    form = {"sha": one, "face": "1", "child": MILA, "channel": "website", "by": "mallory"}
    stranger = app.test_client()  # never had the token
    client = logged_in(app)
    csrf = csrf_of(client)
    for route in routes:
        assert stranger.post(route, data=form | {"csrf": csrf}).status_code == 403, route
        assert client.post(route, data=form).status_code == 403, route
        assert client.post(route, data=form | {"csrf": csrf[:-1]}).status_code == 403, route
        evil = {"Origin": "http://127.0.0.1.evil.example"}
        assert client.post(route, data=form | {"csrf": csrf}, headers=evil).status_code == 403
        assert client.get(f"{route}?csrf={csrf}&sha={one}").status_code == 405, route
    assert reviews_table(registered) == []
    assert len(audit(registered, kamp / "one.png")) == 1
    assert "juf Anna" in client.get("/").get_data(as_text=True)  # the name was not replaced


# --- the page ---------------------------------------------------------------------------------


def test_the_page_shows_the_photos_most_channels_first_with_every_child(
    registered: Cli, kamp: Path
) -> None:
    page = logged_in(app_for(registered)).get("/").get_data(as_text=True)
    assert page.index("two.png") < page.index("one.png")
    assert "waits for 2 channels" in page
    assert "face 2: not identified" in page
    # children without biometric consent can be named too (naming is not biometric processing)
    assert '<option value="0101105">Mila (Bevers)</option>' in page
    assert '<option value="0100512">Sophie (Bevers)</option>' in page
    assert page.count('class="approve"') == 3  # two.png: website, school; one.png: website


def test_names_and_file_names_are_escaped(registered: Cli, shared: Path, tmp_path: Path) -> None:
    export = tmp_path / SEPTEMBER
    export.write_text(
        demo(shared, SEPTEMBER)
        .read_text(encoding="utf-8-sig")
        .replace("Mila", "<script>alert(1)</script>"),
        encoding="utf-8",
    )
    assert registered("consents", "import", export).exit_code == 0
    photo = make_photo(tmp_path / "kamp" / "<b>bold.png", [(STRANGER, 10)])
    assert registered("check", photo, "-c", "website").exit_code == 1
    page = logged_in(app_for(registered), by="<i>juf</i>").get("/").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold" not in page and "&lt;b&gt;bold.png" in page
    assert "<i>juf" not in page and "&lt;i&gt;juf&lt;/i&gt;" in page


# --- photos: only decided ones, only their decided bytes --------------------------------------


def test_a_decided_photo_is_served_smaller_with_its_faces_boxed(
    registered: Cli, kamp: Path
) -> None:
    response = logged_in(app_for(registered)).get(f"/photo/{sha(kamp / 'two.png')}.jpg")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    shown = Image.open(io.BytesIO(response.data)).convert("RGB")
    assert shown.size == (400, 200)
    corner, edge = shown.getpixel((2, 2)), shown.getpixel((10, 60))
    assert isinstance(corner, tuple) and isinstance(edge, tuple)
    assert corner[0] > 240  # the white background, untouched
    red, green, _blue = edge  # the left edge of face 1: the red box
    assert red > 180 and green < 100


def test_photos_not_decided_or_changed_since_are_not_served(
    registered: Cli, kamp: Path, tmp_path: Path
) -> None:
    client = logged_in(app_for(registered))
    never = make_photo(tmp_path / "never-checked.png", [(STRANGER, 50)])
    assert client.get(f"/photo/{sha(never)}.jpg").status_code == 404
    assert client.get("/photo/../../etc/passwd").status_code == 404
    assert client.get("/photo/" + "A" * 64 + ".jpg").status_code == 404
    before = sha(kamp / "one.png")
    make_photo(kamp / "one.png", [(ADULT, 30)])  # the same name, other content
    assert client.get(f"/photo/{before}.jpg").status_code == 404


# --- the actions go through the core: the CLI shows them ---------------------------------------


def test_naming_a_face_is_review_assign(registered: Cli, kamp: Path) -> None:
    client = logged_in(app_for(registered))
    form = {"sha": sha(kamp / "one.png"), "face": "1", "child": MILA, "note": "on the bus"}
    response = client.post("/assign", data=form | {"csrf": csrf_of(client)})
    assert response.status_code == 303
    assert "one.png" not in in_review(registered, "website")
    last = audit(registered, kamp / "one.png")[-1]
    assert (last["action"], last["actor"], last["note"]) == ("review", "juf Anna", "on the bus")
    assert (last["channel"], last["decision"]) == ("website", "allowed")
    assert reviews_table(registered)[0][:3] == ("assign", 0, MILA)
    page = client.get("/").get_data(as_text=True)
    assert "face 1 named; one.png: now allowed" in page
    assert 'id="p-' + sha(kamp / "one.png")[:12] not in page  # not asked again


def test_naming_a_child_without_consent_blocks(registered: Cli, kamp: Path) -> None:
    client = logged_in(app_for(registered))
    form = {"sha": sha(kamp / "one.png"), "face": "1", "child": NOAH}
    client.post("/assign", data=form | {"csrf": csrf_of(client)})
    assert audit(registered, kamp / "one.png")[-1]["decision"] == "blocked"


def test_approving_is_review_approve(registered: Cli, kamp: Path) -> None:
    client = logged_in(app_for(registered))
    two = sha(kamp / "two.png")
    form = {"sha": two, "channel": "school", "note": "parents' evening"}
    assert client.post("/approve", data=form | {"csrf": csrf_of(client)}).status_code == 303
    assert "two.png" not in in_review(registered, "school")
    assert "two.png" in in_review(registered, "website")  # approved for school only
    last = audit(registered, kamp / "two.png")[-1]
    assert (last["action"], last["actor"], last["channel"]) == ("review", "juf Anna", "school")
    assert (last["note"], last["decision"]) == ("parents' evening", "allowed")


def test_saying_not_a_child_is_review_assign_without_a_child(registered: Cli, kamp: Path) -> None:
    client = logged_in(app_for(registered))
    two = sha(kamp / "two.png")
    form = {"sha": two, "face": "2", "note": "the bus driver"}
    assert client.post("/not-a-child", data=form | {"csrf": csrf_of(client)}).status_code == 303
    assert reviews_table(registered) == [
        ("assign", 1, None, None, None, "juf Anna", "the bus driver")
    ]
    last = audit(registered, kamp / "two.png")[-1]
    assert (last["action"], last["actor"], last["note"]) == ("review", "juf Anna", "the bus driver")
    assert [f["status"] for f in last["faces"]] == ["unknown", "not_a_child"]
    assert "two.png" in in_review(registered, "website")  # face 1 still waits for a person
    page = client.get("/").get_data(as_text=True)
    assert "face 2: not a child / not recognisable; two.png: now review, review" in page
    assert "face 2: not a child / not recognisable, said by a person" in page
    # face 1 too: nothing in the photo needs a consent any more
    form = {"sha": two, "face": "1", "csrf": csrf_of(client)}
    assert client.post("/not-a-child", data=form).status_code == 303
    assert "two.png" not in in_review(registered, "website") | in_review(registered, "school")
    assert audit(registered, kamp / "two.png")[-1]["decision"] == "allowed"


def test_nothing_is_decided_before_the_person_gives_a_name(registered: Cli, kamp: Path) -> None:
    client = logged_in(app_for(registered), by=None)
    form = {"sha": sha(kamp / "one.png"), "channel": "website", "csrf": csrf_of(client)}
    response = client.post("/approve", data=form, follow_redirects=True)
    assert "type your name first" in response.get_data(as_text=True)
    assert len(audit(registered, kamp / "one.png")) == 1
    assert client.post("/name", data={"by": "  ", "csrf": csrf_of(client)}).status_code == 303
    assert client.get_cookie("fotopoort_by") is None


def test_a_core_refusal_is_shown_on_the_page(registered: Cli, kamp: Path) -> None:
    client = logged_in(app_for(registered))
    form = {"sha": sha(kamp / "one.png"), "face": "5", "child": MILA, "csrf": csrf_of(client)}
    page = client.post("/assign", data=form, follow_redirects=True).get_data(as_text=True)
    assert "has 1 face(s); --face must be 1 to that" in page
    assert reviews_table(registered) == []


# --- the server --------------------------------------------------------------------------------


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on `port` (Linux: /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_serve_listens_on_127_0_0_1_only_and_stops(registered: Cli, kamp: Path) -> None:
    policy = load_policy(registered.config)
    ready: list[str] = []
    stop = threading.Event()
    lines: list[str] = []
    options = ServeOptions(open_browser=False)
    thread = threading.Thread(
        target=lambda: lines.append(
            serve(policy, options, lines.append, stop=stop, on_ready=ready.append)
        )
    )
    thread.start()
    try:
        for _ in range(100):
            if ready:
                break
            threading.Event().wait(0.05)
        found = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/\?token=[\w-]{20,}", ready[0])
        assert found is not None, ready
        assert listening_addresses(int(found.group(1))) == {"0100007F"}  # 127.0.0.1, nothing else
        assert lines[0].startswith(f"review page: {ready[0]}")
    finally:
        stop.set()
        thread.join(10)
    assert lines[-1] == "stopped"


def test_only_requests_that_come_in_count_as_use(registered: Cli, kamp: Path) -> None:
    now = [100.0]
    gate = Gate(url_token=TOKEN, clock=lambda: now[0])
    client = create_app(load_policy(registered.config), gate).test_client()
    now[0] = 400.0
    assert client.get("/").status_code == 403  # a stranger knocking keeps nothing open
    assert gate.idle_for() == 300.0
    assert client.get(f"/?token={TOKEN}").status_code == 303
    assert gate.idle_for() == 300.0  # the exchange itself is not use yet ...
    assert client.get("/").status_code == 200
    assert gate.idle_for() == 0.0  # ... the page is


def test_serve_stops_when_idle(registered: Cli, kamp: Path) -> None:
    options = ServeOptions(open_browser=False, idle_minutes=0.5 / 60)
    why = serve(load_policy(registered.config), options, lambda _line: None)
    assert why == "stopped after 0.00833333 min without use"


def test_serve_without_a_database_is_one_clear_error(cli: Cli) -> None:
    result = cli("review", "serve", "--no-browser")
    assert result.exit_code == 2
    assert "no database yet (import a consent export first)" in result.stderr


def test_a_face_named_as_another_child_than_recognised_says_so(
    registered: Cli, tmp_path: Path
) -> None:
    from .test_cli_check import COLOURS, DAAN
    from .test_review import BY, enrol

    photo = tmp_path / "kamp" / "bus.png"
    make_photo(photo, [(COLOURS[DAAN], 10)])
    assert registered("check", photo, "-c", "website").exit_code == 1
    assert registered("review", "assign", photo, "--face", "1", "--child", MILA, *BY).exit_code == 0
    enrol(registered, tmp_path, DAAN)
    assert registered("check", photo, "-c", "website").exit_code == 1  # review again
    page = logged_in(app_for(registered)).get("/").get_data(as_text=True)
    assert (
        "face 1: Mila (Bevers): named by a person, but fotopoort recognises Daan (Bevers): "
        "look again"
    ) in page


def test_the_page_speaks_dutch_when_the_run_does(
    registered: Cli, kamp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("fotopoort.lang._chosen", "nl")
    app = app_for(registered)
    assert "Geen toegang" in app.test_client().get("/").get_data(as_text=True)
    page = logged_in(app).get("/").get_data(as_text=True)
    for dutch in ('<html lang="nl">', "die op een persoon wachten", "wacht voor 2 kanalen"):
        assert dutch in page
    for english in ("waiting for review", "waits for", "Your name", "who is it?"):
        assert english not in page
