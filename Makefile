# Neural Networks from the First Neuron: build and test.
#
#   make test    create .venv if missing, install, run all tests and notebooks (pytest + nbval)
#   make book    create .venv if missing, install, build the HTML book -> _build/html/index.html
#
# Run `make help` for the other targets. Variables you may override on the command line:
#   PYTHON=python3.11        the interpreter that creates .venv
#   PIP_ARGS="..."           extra arguments for pip, e.g. --extra-index-url for PyTorch's CPU wheels
#   PYTEST_ARGS="..."        extra arguments for pytest, e.g. PYTEST_ARGS="tests -x"
#   NB=notebooks/05_xor.ipynb  the notebook(s) `make execute` re-runs

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.nnbook-installed
PIP_ARGS ?=
PYTEST_ARGS ?=

# numpy's OpenBLAS runs on one thread for tests and notebook runs: the stored outputs then do
# not depend on the number of cores (1 and 2 threads round differently in long trainings), and
# small matrix products are not slowed by threads competing for busy cores. PyTorch uses one
# thread per core unless OMP_NUM_THREADS says otherwise (e.g. make test OMP_NUM_THREADS=1).
export OPENBLAS_NUM_THREADS ?= 1

# The same arithmetic on every x86-64 processor: long trainings are chaotic, and the last bit
# of an exp or a matrix product decides a printed accuracy. Libraries pick their code for the
# CPU they find (AVX-512 here, AVX2 there) and those round differently, so tests and notebook
# runs pin the AVX2 code paths: OpenBLAS's Haswell kernels, numpy's X86_V3 loops, PyTorch's
# avx2 kernels (ATen, oneDNN, MKL). Set PIN_CPU= (empty) to use the fastest paths instead.
# The pinning is a convenience, not what makes the tests pass elsewhere: figures of PyTorch
# trainings are compared within stated tolerances (conftest.py), and `make test-drift` checks
# that the notebooks pass without the pinning and with two threads.
PIN_VARS := OPENBLAS_CORETYPE NPY_DISABLE_CPU_FEATURES ATEN_CPU_CAPABILITY ONEDNN_MAX_CPU_ISA MKL_CBWR
PIN_CPU ?= $(filter x86_64,$(shell uname -m))
ifneq ($(PIN_CPU),)
export OPENBLAS_CORETYPE ?= Haswell
export NPY_DISABLE_CPU_FEATURES ?= X86_V4 AVX512_ICL AVX512_SPR
export ATEN_CPU_CAPABILITY ?= avx2
export ONEDNN_MAX_CPU_ISA ?= AVX2
export MKL_CBWR ?= AVX2
endif

# make test-drift: the notebooks again, on this CPU's fastest code paths (nothing pinned) and with
# other thread counts than `make test` (two OpenBLAS threads, one PyTorch thread by default), so
# that drift beyond a tolerance is caught here before a reader finds it.
DRIFT_BLAS_THREADS ?= 2
DRIFT_TORCH_THREADS ?= 1
DRIFT_ARGS ?= notebooks book

MATHJAX_VERSION ?= 3.2.2
NPM_DIR := .ci/tmp/npm
MATHJAX_DIR := book/_mathjax/mathjax
MATHJAX_JS := $(MATHJAX_DIR)/tex-chtml.js

HTML_DIR := _build/html
PAGE ?= index.html
SCREENSHOT ?= _build/screenshot.png
NB ?= $(sort $(wildcard notebooks/[0-9]*.ipynb) $(wildcard book/*.ipynb))

.PHONY: help venv test test-drift book check-pages screenshot execute fer-improved clean clean-all

help:
	@echo "make test         create $(VENV) if missing, install, run all tests and notebooks"
	@echo "make test-drift   the notebook tests unpinned, $(DRIFT_BLAS_THREADS) BLAS / $(DRIFT_TORCH_THREADS) PyTorch threads (DRIFT_ARGS)"
	@echo "make book         create $(VENV) if missing, install, build _build/html/index.html (warnings fail)"
	@echo "make check-pages  render every built page in headless Chromium and check math, images, links"
	@echo "make screenshot PAGE=notebooks/01_neuron_forward_pass.html  save a PNG to $(SCREENSHOT)"
	@echo "make execute NB=notebooks/05_xor.ipynb  re-run notebook(s) in place to refresh stored outputs"
	@echo "make fer-improved train chapter 12's improved recipe (FER2013_DIR set; about 40 min)"
	@echo "make venv         only create and install $(VENV)"
	@echo "make clean        remove _build; make clean-all also removes $(VENV), MathJax and caches"

# --- environment -----------------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install when the requirements or the package metadata change.
$(INSTALLED): requirements.txt constraints.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -r requirements.txt -c constraints.txt $(PIP_ARGS)
	$(BIN)/python -m pip install -e . --no-deps $(PIP_ARGS)
	touch $@

venv: $(INSTALLED)

# --- tests -----------------------------------------------------------------------------

# pytest.ini sets testpaths (tests notebooks book) and the nbval options.
test: $(INSTALLED)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-drift: $(INSTALLED)
	env $(addprefix -u ,$(PIN_VARS)) OPENBLAS_NUM_THREADS=$(DRIFT_BLAS_THREADS) OMP_NUM_THREADS=$(DRIFT_TORCH_THREADS) \
	  $(BIN)/python -m pytest -p no:cacheprovider $(DRIFT_ARGS)

# --- the book --------------------------------------------------------------------------

# MathJax is served from the book so that formulas render offline. It is fetched with npm
# into a gitignored folder and never committed.
$(MATHJAX_JS):
	@command -v npm >/dev/null || { echo "error: npm (Node.js) is needed once to fetch MathJax $(MATHJAX_VERSION) for the book; install Node.js and run make book again" >&2; exit 1; }
	mkdir -p $(NPM_DIR)
	npm install --prefix $(NPM_DIR) --no-save --no-audit --no-fund --no-package-lock mathjax@$(MATHJAX_VERSION)
	rm -rf $(MATHJAX_DIR)
	mkdir -p $(dir $(MATHJAX_DIR))
	cp -R $(NPM_DIR)/node_modules/mathjax/es5 $(MATHJAX_DIR)
	@test -f $@ || { echo "error: $@ missing after copying MathJax" >&2; exit 1; }

# --all rebuilds every page, so warnings of unchanged pages are reported (and fail) every time.
book: $(INSTALLED) $(MATHJAX_JS)
	$(BIN)/jupyter-book build . --all -W --keep-going
	@echo "Book built: $(HTML_DIR)/index.html"

check-pages: $(INSTALLED)
	$(BIN)/python scripts/check_pages.py $(HTML_DIR) --fail-on-overflow code,output,equation,figure

screenshot: $(INSTALLED)
	$(BIN)/python scripts/check_pages.py $(HTML_DIR) --screenshot $(PAGE) --out $(SCREENSHOT)

# --- notebooks -------------------------------------------------------------------------

# Re-run notebooks top to bottom in a fresh kernel and store the new outputs.
execute: $(INSTALLED)
	@for nb in $(NB); do \
	  echo "executing $$nb"; \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=1200 "$$nb" || exit 1; \
	done

# chapter 12's improved recipe, one change at a time: writes data/models/emotion_cnn_fer2013_improved.*
fer-improved: $(INSTALLED)
	$(BIN)/python scripts/train_fer2013_improved.py

# --- cleaning --------------------------------------------------------------------------

clean:
	rm -rf _build

clean-all: clean
	rm -rf $(VENV) book/_mathjax .ci/tmp .pytest_cache .hypothesis
