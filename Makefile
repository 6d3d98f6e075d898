# metod-bot: `make run` starts the bot, `make test` runs lint, types and the tests.
# Both create .venv/ and compile the locales on their own: `make run` installs the runtime
# lock (requirements.lock) only; `make test` and `make bench` the development lock
# (requirements-dev.lock: the same pins plus pytest, ruff, mypy...). Both locks carry the
# hashes of every file PyPI publishes for each pinned version.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LOCKS := requirements.lock requirements-dev.lock
LOCK_HASH := $(shell $(PYTHON) -c "import hashlib;h=hashlib.sha256();[h.update(open(f,'rb').read()) for f in '$(LOCKS)'.split()];print(h.hexdigest()[:16])")
# The stamps' names carry both lock files' hash: a changed lock reinstalls.
RUN_STAMP := $(VENV)/.installed-run-$(LOCK_HASH)
STAMP := $(VENV)/.installed-dev-$(LOCK_HASH)
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes
# One sentence instead of a resolver error on a Python older than the project's.
NEED_PYTHON := import sys; sys.exit(0 if sys.version_info >= (3, 11) else \
	'metod-bot needs Python 3.11 or newer, and ' + sys.executable + ' is ' + \
	sys.version.split()[0] + ': install python3.11 and run make with PYTHON=python3.11.')
MO := locales/ru/LC_MESSAGES/messages.mo locales/en/LC_MESSAGES/messages.mo
PYTEST_ARGS ?= -n 2

.PHONY: run sandbox test lint typecheck unit locales locales-compile locales-compile-run bench \
	lock clean venv backup preview screenshot

# On a fresh checkout (no BOT_TOKEN, DATABASE_URL, WEBHOOK_URL, no .env) the sandbox starts.
run: $(RUN_STAMP) locales-compile-run
	@$(PY) -m bot sandbox --unless-configured

# The bot without Telegram, played in a browser: README «Try it without Telegram».
sandbox: $(RUN_STAMP) locales-compile-run
	@$(PY) -m bot sandbox

test: lint typecheck unit

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy .

unit: $(STAMP) locales-compile
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP) locales-compile
	$(PY) -m bench

# One consistent copy of the SQLite database, the bot running or not: `make backup`
# (into BACKUP_DIR) or `make backup TO=/srv/copies/` (a folder) or `TO=file.sqlite3`.
backup: $(RUN_STAMP)
	@$(PY) -m bot backup $(TO)

venv: $(STAMP)

# Runtime only: no pytest, ruff or mypy (a development venv already has it all).
$(RUN_STAMP):
	@$(PYTHON) -c "$(NEED_PYTHON)"
	@test -f $(STAMP) || { \
	  test -x $(PY) || $(PYTHON) -m venv $(VENV); \
	  $(PIP_INSTALL) -r requirements.lock && rm -f $(VENV)/.installed-*; }
	@touch $@

# Development: the runtime pins and the tools.
$(STAMP):
	@$(PYTHON) -c "$(NEED_PYTHON)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements-dev.lock
	@rm -f $(VENV)/.installed-*
	@touch $@ $(RUN_STAMP)

locales-compile: $(STAMP)
	@$(PY) -m bot.i18n compile

locales-compile-run: $(RUN_STAMP)
	@$(PY) -m bot.i18n compile

# Extract msgids from the code and templates, merge them into both catalogs, compile.
locales: $(STAMP)
	$(PY) -m babel.messages.frontend extract --no-location --sort-output -F babel.cfg \
		-k _ -k __ -k lazy_gettext -k N_ --width=100 -o locales/messages.pot .
	$(PY) -m babel.messages.frontend update -i locales/messages.pot -d locales -D messages \
		--no-fuzzy-matching --ignore-obsolete --width=100
	$(PY) -m bot.i18n fill-en
	$(PY) -m bot.i18n compile

# The README's picture: page one of a sample protocol's PDF, rendered by PDFium.
preview: $(STAMP)
	$(PY) -m documents.preview docs/protocol-page-1.png

# The README's pictures of the sandbox, taken by its browser test (headless Chromium):
# docs/sandbox.png (1280 px wide) and docs/sandbox-390.png (a phone's 390 px).
screenshot: $(STAMP) locales-compile
	SANDBOX_SCREENSHOT=docs/sandbox.png $(PY) -m pytest tests/test_sandbox_browser.py -q -p no:cacheprovider

# Re-resolve the pinned ranges of pyproject.toml into both locks with pip-tools, hashing
# every file PyPI publishes for each version (not only this machine's wheels). The
# development lock is resolved first; the runtime lock then keeps its pins (pip-compile
# prefers the pins already in its output file), so both agree (tests/test_locks.py).
# PIP_CONFIG_FILE=/dev/null: only PyPI, whatever local indexes pip is configured with.
PIP_COMPILE := env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null \
	/tmp/metod-bot-lock/bin/pip-compile --quiet --generate-hashes --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock:
	@$(PYTHON) -c "$(NEED_PYTHON)"
	rm -rf /tmp/metod-bot-lock && $(PYTHON) -m venv /tmp/metod-bot-lock
	/tmp/metod-bot-lock/bin/pip install --quiet --upgrade pip pip-tools
	$(PIP_COMPILE) --extra dev -o requirements-dev.lock pyproject.toml
	cp requirements-dev.lock requirements.lock
	$(PIP_COMPILE) -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
