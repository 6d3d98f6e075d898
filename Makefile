# metod-bot: `make run` starts the bot, `make test` runs lint, types and the tests.
# Both create .venv/ from requirements.lock and compile the locales on their own.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LOCK_HASH := $(shell $(PYTHON) -c "import hashlib;print(hashlib.sha256(open('requirements.lock','rb').read()).hexdigest()[:16])")
STAMP := $(VENV)/.installed-$(LOCK_HASH)
MO := locales/ru/LC_MESSAGES/messages.mo locales/en/LC_MESSAGES/messages.mo
PYTEST_ARGS ?= -n 2

.PHONY: run sandbox test lint typecheck unit locales locales-compile bench lock clean venv backup preview

# On a fresh checkout (no BOT_TOKEN, DATABASE_URL, WEBHOOK_URL, no .env) the sandbox starts.
run: $(STAMP) locales-compile
	@$(PY) -m bot sandbox --unless-configured

# The bot without Telegram, played in a browser: README «Try it without Telegram».
sandbox: $(STAMP) locales-compile
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
backup: $(STAMP)
	@$(PY) -m bot backup $(TO)

venv: $(STAMP)

# The stamp's name carries the lock file's hash: a changed lock reinstalls.
$(STAMP):
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

locales-compile: $(STAMP)
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

# Re-resolve the pinned ranges of pyproject.toml into requirements.lock.
lock:
	rm -rf /tmp/metod-bot-lock && $(PYTHON) -m venv /tmp/metod-bot-lock
	/tmp/metod-bot-lock/bin/pip install --quiet --upgrade pip
	/tmp/metod-bot-lock/bin/pip install --quiet -e '.[dev]'
	( echo '# Locked dependencies (runtime + dev) of metod-bot. Regenerate with `make lock`.'; \
	  /tmp/metod-bot-lock/bin/pip freeze --exclude-editable | grep -v '^metod-bot' ) > requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
