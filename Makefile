# The shop's commands: make run, make test, make bench (see README.md).
VENV   ?= .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKERS ?= 3
export PYTHONDONTWRITEBYTECODE = 1

.PHONY: run test bench install install-test translations extract-translations update-translations db-upgrade demo check clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

translations: $(VENV)/.installed
	@$(VENV)/bin/pybabel compile -d translations >/dev/null 2>&1 || $(VENV)/bin/pybabel compile -d translations

extract-translations: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k N_ -k Nn_:1,2 --no-location --sort-output -o translations/messages.pot shop

update-translations: extract-translations
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

db-upgrade: $(VENV)/.installed
	@mkdir -p instance
	@$(FLASK) shop check-db
	@$(FLASK) db upgrade 2>&1 | grep -v '^INFO' || true

demo: db-upgrade
	$(FLASK) shop demo

run: $(VENV)/.installed translations db-upgrade
	@if $(FLASK) shop is-empty; then $(FLASK) shop demo; fi
	@$(FLASK) shop reindex-search --if-stale
	@$(FLASK) shop demo-accounts
	@echo "Serving the shop on http://$(HOST):$(PORT)/ with its background worker (Ctrl-C stops both)"
	@if [ -z "$$STRIPE_SECRET_KEY" ] && [ "$${SHOP_ENV:-development}" = development ]; then \
	  port=$$($(PY) -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	  echo "No STRIPE_SECRET_KEY: a local Stripe stand-in on port $$port takes card payments (test card 4242 4242 4242 4242)"; \
	  eval "$$($(PY) -c 'from shop.dev.stripe_standin import environment; import sys; print(" ".join(f"export {k}={v};" for k, v in environment(int(sys.argv[1])).items()))' $$port)"; \
	  STANDIN_PORT=$$port SHOP_HOST=$(HOST) SHOP_PORT=$(PORT) WORKERS=$(WORKERS) $(VENV)/bin/honcho start -f Procfile.dev; \
	else \
	  SHOP_HOST=$(HOST) SHOP_PORT=$(PORT) WORKERS=$(WORKERS) $(VENV)/bin/honcho start -f Procfile; \
	fi

check: $(VENV)/.installed-test
	$(VENV)/bin/ruff check shop tests bench config.py wsgi.py gunicorn.conf.py
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: $(VENV)/.installed-test translations
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test translations
	$(PY) -m bench

clean:
	rm -rf $(VENV) instance .pytest_cache
