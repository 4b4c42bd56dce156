# PersonalQ: two commands do all the set-up on a fresh machine.
#   make demo        venv + pinned install + embedded defaults + the app on 127.0.0.1
#   make test        venv + pinned install + ruff + the whole test suite (says plainly if the browser test did not run)
#   make test-fast   the edit-run loop: the suite without the tests marked slow or browser
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: demo test test-fast lint install prepare clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

prepare: install
	$(PY) app.py prepare

demo: prepare
	$(PY) app.py serve

lint: install
	$(PY) -m ruff check .

test: lint
	$(PY) -m pytest -q --durations=12

test-fast: install
	$(PY) -m pytest -q -m "not slow and not browser"

clean:
	rm -rf $(VENV) data .pytest_cache
