"""Write the SQL dump of a database as an older fotopoort made it (tests/data/store-v0.sql).

Run with the older fotopoort and its tests on the path, e.g. for the last commit before schema
versions (a800069):

    git worktree add /tmp/old a800069
    PYTHONPATH=/tmp/old/src:/tmp/old .venv/bin/python scripts/make_old_database.py \\
        ../shared/demo tests/data/store-v0.sql

The school is the demo export with the fake engine's colour squares as faces: the dump holds no
encoding of a real face. It imports two exports, enrols, sorts a camp, assigns a face, approves a
photo and forgets a child, so that every table with an audit trail has rows.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

from tests.conftest import Cli
from tests.fakes import FakeEngine, make_photo
from tests.test_cli_check import COLOURS, DAAN, FATIMA, SOPHIE, camp

from fotopoort.config import template_text


def main(demo: Path, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        school = root / "school"
        school.mkdir()
        (school / "consents.yaml").write_text(template_text(), encoding="utf-8")
        cli = Cli(school, FakeEngine)

        def run(*args: str | Path) -> None:
            result = cli(*args)
            assert result.exit_code in (0, 1), result.output

        run("consents", "import", demo / "privacyvoorkeuren.csv")
        refs = root / "refs"
        for nr, colour in {**COLOURS, "0100512": SOPHIE}.items():
            make_photo(refs / nr / "ref.png", [(colour, 10)], face_px=100, size=(200, 200))
        run("enroll", refs, "-j", "1")
        kamp = camp(root / "kamp")
        run("sort", kamp, "--out", root / "out", "-j", "1")
        run(
            "review",
            "assign",
            kamp / "daan_sophie.png",
            "--face",
            "2",
            "--child",
            "0100512",
            "--by",
            "juf Anna",
        )
        run(
            "review",
            "approve",
            kamp / "daan_small.png",
            "--channel",
            "portfolio",
            "--by",
            "juf Anna",
            "--note",
            "the small face is a parent",
        )
        run("consents", "import", demo / "privacyvoorkeuren-december.csv")
        run("recheck")
        run("forget", FATIMA, "--by", "juf Anna")
        assert DAAN in COLOURS
        conn = sqlite3.connect(school / "fotopoort.db")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("\n".join(conn.iterdump()) + "\n", encoding="utf-8")
        conn.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
