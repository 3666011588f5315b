"""Shared fixtures. ../shared is required: tests that need it fail (never skip) without it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from fotopoort import lang
from fotopoort.cli import Env, app
from fotopoort.config import template_text
from fotopoort.engines.faces import DlibEngine
from fotopoort.scan import EngineFactory

from .fakes import FakeEngine

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FOTOPOORT_SHARED", REPO.parent / "shared"))
DEMO = SHARED / "demo"
FACES = SHARED / "faces"


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests read English unless they choose: FOTOPOORT_LANG=en for the CliRunner and every
    subprocess, and no --lang left over from an earlier test."""
    monkeypatch.setenv("FOTOPOORT_LANG", "en")
    lang.set_language(None)
    yield
    lang.set_language(None)


@pytest.fixture(scope="session")
def shared() -> Path:
    assert DEMO.is_dir() and FACES.is_dir(), f"../shared not found at {SHARED}"
    return SHARED


@dataclass
class Cli:
    """Runs fotopoort in a folder with its own consents.yaml and database."""

    workdir: Path
    engine_factory: EngineFactory
    # per command, appended unless the test gives -j itself: one process, because starting a
    # pool of workers costs seconds per fixture; the pool has tests of its own
    default_args: dict[str, list[str]] = field(default_factory=lambda: {"enroll": ["-j", "1"]})
    env_hook: Callable[[Env], None] | None = None  # to change the Env (a clock, say)

    @property
    def config(self) -> Path:
        return self.workdir / "consents.yaml"

    def __call__(self, *args: str | Path) -> Result:
        env = Env(
            engine_factory=self.engine_factory,
            out=Console(highlight=False, soft_wrap=True, width=200),
            err=Console(stderr=True, highlight=False, width=200),
        )
        if self.env_hook is not None:
            self.env_hook(env)
        argv = ["--config", str(self.config), *[str(a) for a in args]]
        if args and str(args[0]) in self.default_args and not {"-j", "--jobs"} & set(argv):
            argv += self.default_args[str(args[0])]
        return CliRunner().invoke(app, argv, obj=env, catch_exceptions=False)


@pytest.fixture
def make_cli(tmp_path: Path) -> Callable[..., Cli]:
    def make(engine_factory: EngineFactory = FakeEngine, config_text: str | None = None) -> Cli:
        workdir = tmp_path / "school"
        workdir.mkdir(exist_ok=True)
        (workdir / "consents.yaml").write_text(config_text or template_text(), encoding="utf-8")
        return Cli(workdir, engine_factory)

    return make


@pytest.fixture
def cli(make_cli: Callable[..., Cli]) -> Cli:
    """fotopoort with the fake engine and the template policy (the demo school's columns)."""
    return make_cli()


@pytest.fixture
def real_cli(make_cli: Callable[..., Cli], shared: Path) -> Cli:
    """fotopoort with the real dlib engine."""
    return make_cli(DlibEngine)
