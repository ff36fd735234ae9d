VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed

.PHONY: venv demo test images bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -e '.[all,test]'
	touch $(STAMP)

AXISKG := $(VENV)/bin/axiskg

# demo: every line it prints fits 120 columns (tests/test_cli.py::test_demo_output_fits_120_columns)
demo: venv
	@echo "== build"; $(AXISKG) build
	@echo; echo "== validate (SHACL)"; $(AXISKG) validate
	@echo; echo "== summary"; $(AXISKG) stats
	@echo; echo "== which states sit in every \"U.S.-Japan+\" mechanism? (query axis-core-states)"; $(AXISKG) query axis-core-states
	@echo; echo "== drivers by origin (query drivers-by-origin)"; $(AXISKG) query drivers-by-origin --columns originLabel,driverLabel,feedsLabel,polarityLabel --width 36
	@echo; echo "== impacts by what they bear on (query impacts-by-domain)"; $(AXISKG) query impacts-by-domain --columns domainLabel,impactLabel,causeLabel,polarityLabel,modalityLabel --width 30
	@echo; echo "== command relations: asserted structure vs. claimed by the report (query reporting-lines)"; $(AXISKG) query reporting-lines --columns subjectLabel,relation,objectLabel,basis,modalityLabel --width 30
	@echo; echo "More: $(AXISKG) query --list shows every stored query; $(AXISKG) query NAME runs one."
	@echo; echo "== documentation site and pictures"; $(AXISKG) docs

# Scale benchmarks (on demand, 20-40 minutes): results in benchmarks/results/scale.{json,md}.
bench: venv
	$(VENV)/bin/python benchmarks/bench_scale.py --sizes 10000,100000,1000000 --skip-slow-at 1000000

# Regenerate the README pictures from the graph (tests/test_pictures.py fails while they are stale).
images: venv
	$(AXISKG) docs --readme-images docs/img

# Every report's evidence is verified against its text first: each text is found from the report's
# axis:textLocation (or $$AXISKG_SOURCES, $$AXISKG_REPORT_TEXT); an absent text is a named warning that
# skips that report, an error (exit 2) when CI=true. Then the test suite runs on TEST_WORKERS processes
# (pytest-xdist; one per core by default, TEST_WORKERS=0 runs them in this process; tests that share
# an expensive in-process result carry the same xdist_group mark). Bytecode is cached even where the
# environment says not to (PYTHONDONTWRITEBYTECODE): the suite starts ~200 Python processes, and each
# would compile the package again. Times: docs/performance.md.
TEST_WORKERS ?= auto
test: venv
	$(AXISKG) verify --output github
	PYTHONDONTWRITEBYTECODE= $(VENV)/bin/pytest -q -n $(TEST_WORKERS) --dist loadgroup

clean:
	rm -rf dist
