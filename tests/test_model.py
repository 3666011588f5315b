"""The pure core imports no image, numeric or YAML stack: it can be read and tested alone."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("PIL", "pillow_heif", "numpy", "yaml", "cv2")


@pytest.mark.parametrize("module", ["fotopoort.model", "fotopoort.decide", "fotopoort.consents"])
def test_importing_the_core_loads_no_heavy_library(module: str) -> None:
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(out))
    assert module in loaded  # the probe itself worked
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
