VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed

.PHONY: venv demo test clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $(STAMP)

demo: venv
	$(VENV)/bin/axiskg build
	$(VENV)/bin/axiskg validate
	$(VENV)/bin/axiskg stats

test: venv
	$(VENV)/bin/pytest -q

clean:
	rm -rf dist
