"""Serving the review page: waitress on 127.0.0.1, until Ctrl-C or an idle timeout."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import sys
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass

from waitress.server import create_server

from fotopoort.channels import Channel
from fotopoort.config import Policy
from fotopoort.errors import UsageError
from fotopoort.messages import errors as E
from fotopoort.messages import render
from fotopoort.messages import web as texts
from fotopoort.store import Store
from fotopoort.web.app import Gate, create_app, review_copies

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class ServeOptions:
    host: str = LOOPBACK
    port: int = 0  # 0: any free port
    channel: Channel | None = None
    idle_minutes: float = 30.0
    open_browser: bool = True
    wait: float = 10.0  # seconds an action waits for another run holding the database


def serve(
    policy: Policy,
    options: ServeOptions,
    say: Callable[[str], None],
    *,
    stop: threading.Event | None = None,
    on_ready: Callable[[str], None] | None = None,
) -> str:
    """Serve until Ctrl-C, `stop` or `idle_minutes` without a request. Returns why it stopped."""
    if not policy.database.is_file():
        raise UsageError(E.SERVE_NO_DATABASE, path=policy.database)
    store = Store(policy.database, read_only=True)
    try:
        store.require_snapshot()
    finally:
        store.close()
    logging.getLogger("waitress").setLevel(logging.ERROR)  # not "task queue depth" per photo
    gate = Gate(url_token=secrets.token_urlsafe(24))
    copies = review_copies(policy)
    shutil.rmtree(copies, ignore_errors=True)  # left by a server that did not stop cleanly
    app = create_app(policy, gate, channel=options.channel, wait=options.wait, copies=copies)
    try:
        server = create_server(
            app, host=options.host, port=options.port, threads=4, ident="fotopoort"
        )
    except OSError as exc:
        raise UsageError(
            E.CANNOT_LISTEN, host=options.host, port=options.port, why=exc.strerror
        ) from None
    port = server.effective_port
    shown_host = options.host if ":" not in options.host else f"[{options.host}]"
    url = f"http://{shown_host}:{port}/?token={gate.url_token}"
    say(render(texts.SERVING, url=url))
    thread = threading.Thread(target=server.run, daemon=True, name="fotopoort-review")
    thread.start()
    if on_ready is not None:
        on_ready(url)
    if options.open_browser and _graphical():
        webbrowser.open(url)
    stop = stop or threading.Event()
    why = render(texts.STOPPED)
    try:
        while not stop.wait(1.0):
            if gate.idle_for() > options.idle_minutes * 60:
                why = render(texts.STOPPED_IDLE, minutes=f"{options.idle_minutes:g}")
                break
    except KeyboardInterrupt:
        why = render(texts.STOPPED_CTRL_C)
    finally:
        server.close()
        shutil.rmtree(copies, ignore_errors=True)  # approvals are recorded by the copy's sha256
    return why


def _graphical() -> bool:
    """A desktop to open a browser on: without one, webbrowser would start a text browser in
    this terminal."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
