# Every target CI needs runs from a fresh clone: `make test` and `make demo` install first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SHARED ?= ../shared
DEMO_DIR := demo-work

.PHONY: install test lint typecheck unit report-check docs demo bench bench-matching bench-safety bench-speed bench-memory bench-video bench-stages bench-edges clean

install: $(STAMP)

# --no-deps: face_recognition declares `dlib`, which pip would compile; requirements.lock
# pins the prebuilt dlib-bin wheel and every other package exactly.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

lint: install
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/ruff format --check src tests bench scripts

typecheck: install
	$(VENV)/bin/mypy

unit: install
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	  echo "*** WARNING: chromium not installed: tests/test_report_browser.py (the HTML report in a browser) will NOT run ***"
	$(VENV)/bin/pytest -q

# the HTML report rendered in headless Chromium (Debian: apt-get install chromium)
report-check: install
	$(VENV)/bin/pytest -q tests/test_report_browser.py

test: lint typecheck unit

# The command reference, generated from the CLI's help (tests/test_docs_reference.py checks it)
REFERENCE := docs/nl/referentie.md docs/en/reference.md
docs: install
	$(VENV)/bin/cog -r -I scripts $(REFERENCE)

# The whole flow on the demo school, in a scratch folder so nothing in the repo changes.
demo: install
	SHARED=$(SHARED) VENV=$(VENV) bash scripts/demo.sh $(DEMO_DIR)

bench: bench-speed

bench-matching: install
	$(PY) bench/matching.py --faces $(SHARED)/faces

bench-safety: install
	$(PY) bench/safety.py --faces $(SHARED)/faces

# fotopoort against the face_recognition CLI on 60 camera-size photos (about 5 minutes)
bench-speed: install
	$(PY) bench/speed.py --faces $(SHARED)/faces

# the memory target: fotopoort alone on 2,000 camera-size photos (about 25 minutes on 2 cores)
bench-memory: install
	$(PY) bench/speed.py --faces $(SHARED)/faces --photos 2000 --skip-peer --work bench-work/memory

# missed tracks, wrong identifications and speed on 1080p test videos (a few minutes)
bench-video: install
	$(PY) bench/video.py --faces $(SHARED)/faces

# where a photo's time goes, stage by stage, against the face_recognition CLI's (one core)
bench-stages: install
	$(PY) bench/stages.py --faces $(SHARED)/faces

# faces cut by a photo's edge: found per mirrored border of the detector's view (about 8 minutes)
bench-edges: install
	$(PY) bench/edge_faces.py --faces $(SHARED)/faces

clean:
	rm -rf $(VENV) $(DEMO_DIR) demo-out .pytest_cache .mypy_cache .ruff_cache
