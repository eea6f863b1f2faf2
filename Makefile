# The two commands of the README:
#   make html   build the website into _build/html/ (open _build/html/index.html)
#   make test   run every test (what .ci/run runs first): the lint, unit and property
#               tests, nbval over every notebook, the strict book build (kept in
#               _build/html/) and the browser tests of the built site
# Both create the virtual environment .venv from requirements-dev.txt first (once, and
# again when a requirements file changes).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: html test notebooks clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

html: $(VENV)/.installed
	$(PY) scripts/build_book.py

test: $(VENV)/.installed
	$(PY) -m pytest

# Re-execute every notebook after editing one, and normalise it for git.
notebooks: $(VENV)/.installed
	$(PY) scripts/run_notebooks.py

clean:
	rm -rf _build

# Maintainer's command, not part of `make test` (about half an hour on two cores):
# mutation testing of notebooks/infotheory.py against the module's tests with mutmut
# (settings in pyproject.toml; surviving mutants and why each is harmless: tests/MUTATION.md).
.PHONY: mutation
mutation: $(VENV)/.installed requirements-mutation.txt
	$(PY) -m pip install --quiet -r requirements-mutation.txt
	rm -rf mutants
	$(VENV)/bin/mutmut run
	$(VENV)/bin/mutmut results
