# cibwatch — every target sets up what it needs on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_STAMP := $(VENV)/.apt-installed
DEMO_DIR ?= demo-output

.PHONY: all setup demo test bench lint clean apt

all: test

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# torch is installed on its own first, pinned to the CPU build: left to the
# resolver, sentence-transformers would pull a CUDA build of several GB.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev,embed]'
	touch $@

# System packages: poppler (pdftoppm, to check rendered PDFs as images), CJK
# fonts and Noto for other scripts and emoji (so every comment renders in PDFs) and HarfBuzz-Subset (WeasyPrint
# embeds font subsets with it: a report PDF takes 1 s instead of 18 s).
# Skipped when present.
$(APT_STAMP): $(BIN)/python
	@if ! command -v pdftoppm >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi 'cjk' \
	     || ! ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset' \
	     || ! fc-list 2>/dev/null | grep -qi 'NotoColorEmoji' || ! fc-list 2>/dev/null | grep -qi 'NotoSansBengali'; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils fonts-noto-cjk fonts-dejavu-core fonts-noto-core fonts-noto-color-emoji libharfbuzz-subset0 >/dev/null) \
	      || echo "warning: apt-get could not install poppler-utils/fonts-noto-cjk/libharfbuzz-subset0"; \
	  else \
	    echo "warning: run as root or install poppler-utils, fonts-noto-cjk and libharfbuzz-subset0 yourself"; \
	  fi; \
	fi
	touch $@

setup: $(STAMP) $(APT_STAMP)

demo: setup
	$(BIN)/cibwatch demo --out $(DEMO_DIR)

test: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: setup
	$(BIN)/python -m bench.run_all

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) $(DEMO_DIR) build *.egg-info src/*.egg-info cibwatch.duckdb
