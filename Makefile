# Evident: `make run` serves the app with a Celery worker; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.txt | cut -c1-16)

.PHONY: run test lint format setup browser fonts gettext messages bench clean

# The translations are compiled here, not committed: a .mo always matches its .po.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

setup: $(STAMP) $(CATALOGUES)

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

# $(call debian_package,CHECK,PACKAGE,NEEDED FOR): when CHECK fails, install Debian's PACKAGE
# as root; otherwise stop with the apt-get line to run.
debian_package = $(1) || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's $(2), needed for $(3)"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(2); \
	  else \
	    echo "Missing Debian's $(2), needed for $(3): sudo apt-get install $(2)"; exit 1; \
	  fi; }

# Playwright drives Debian's Chromium; it cannot download a browser of its own here.
browser:
	@$(call debian_package,test -x /usr/bin/chromium,chromium,the browser tests)

# Debian's gettext compiles the catalogues under locale/ (msgfmt).
gettext:
	@$(call debian_package,command -v msgfmt >/dev/null,gettext,compiling the translations)

%.mo: %.po | gettext
	msgfmt --check-format --check-header -o $@ $<

# A CJK font, so PRISMA diagrams and the analysis and risk-of-bias plots draw Chinese text
# (database names such as CNKI and Wanfang, study labels, reasons).
fonts:
	@$(call debian_package,fc-list :lang=zh 2>/dev/null | grep -q .,fonts-wqy-zenhei,Chinese text in diagrams and plots)

run: setup
	@$(MAKE) --no-print-directory fonts || echo "  (continuing: Chinese text in PNG diagrams and plots will show as boxes)"
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddemo
	@echo
	@echo "  Evident is starting on http://127.0.0.1:$(PORT)/  (API docs: /api/docs/)"
	@echo "  Demo logins (password 'evident-demo'): lead: demo-lead  reviewers: demo-reviewer, demo-reviewer2  viewer: demo-viewer"
	@echo "  Ctrl-C stops the web server and the worker."
	@echo
	@$(PY) manage.py rundev --port $(PORT)

# pytest exits 5 when it collected nothing: for us that means the suite is broken.
test: setup browser fonts
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	@$(VENV)/bin/pytest $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing."; fi; exit $$rc

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Refresh the catalogues under locale/ from the marked strings; translators then fill them in.
MAKEMESSAGES := $(PY) manage.py makemessages -l zh_Hans --no-obsolete --add-location=file \
	-i ".venv/*" -i "tests/*" -i "bench/*" -i "var/*"
messages: setup
	$(MAKEMESSAGES)
	$(MAKEMESSAGES) -d djangojs -i "static/vendor/*" -i "var/*"

# Benchmarks are run by hand on a quiet machine, never as tests; see bench/RESULTS.md.
bench: setup
	$(PY) bench/bench_pooling.py
	$(PY) bench/bench_import.py
	$(PY) bench/bench_dedup.py
	$(PY) bench/bench_startup.py
	$(PY) bench/bench_ranking.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
