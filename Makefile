# o2c_lab — commandes du projet (GNU make, shell POSIX).
#   make lab    installe tout si besoin et ouvre le cours dans JupyterLab (en français)
#   make test   installe tout si besoin et lance les tests
# Sous Windows sans make, voir le README.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
O2C     := $(BIN)/o2c-lab
PIP     := $(BIN)/python -m pip -qq --disable-pip-version-check
DATASET := datasets/fil_rouge
# The proxy of JupyterHub (npm), local to the project: tests/test_jupyterhub.py and hosting/.
# 5.1.0 is the newest release that runs on Node 18 (Debian 12's nodejs).
HUB_NODE := .hub-node
CHP      := $(HUB_NODE)/node_modules/.bin/configurable-http-proxy

.DEFAULT_GOAL := help
.PHONY: help setup lab run test data bench clean hub-proxy

help:
	@echo "make setup   crée .venv, installe o2c_lab et génère l'entreprise du cours si absente"
	@echo "make lab     ouvre le cours dans JupyterLab en français (make lab PORT=9000 pour un autre port)"
	@echo "make run     exécute tous les carnets sans interface (résultats dans output/)"
	@echo "make test    lance les tests"
	@echo "make data    régénère l'entreprise du cours ($(DATASET))"
	@echo "make bench   lance les mesures de performance (benchmarks/)"
	@echo "make hub-proxy  installe le proxy de JupyterHub (npm) dans $(HUB_NODE)/ (voir hosting/README.md)"
	@echo "make clean   supprime les fichiers produits (output/, caches) ; garde .venv et datasets/"

# pyvenv.cfg is a real file (bin/python is a symlink whose date is the interpreter's).
$(VENV)/pyvenv.cfg:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "Python 3.11 ou plus récent est nécessaire ; trouvé : $$($(PYTHON) --version 2>&1)." >&2; \
		echo "Installez-le, ou indiquez-le : make setup PYTHON=python3.12" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

# Reinstall only when the dependencies change; the install is editable, so code edits need nothing.
$(VENV)/.installed: pyproject.toml $(VENV)/pyvenv.cfg
	$(PIP) install --progress-bar off -e ".[test]"
	@touch $@

setup: $(VENV)/.installed
	@test -d $(DATASET) || $(O2C) generate --out $(DATASET)

# make lab PORT=9000 : another port (the address to open is printed in French).
lab: setup
	$(O2C) lab $(if $(PORT),--port $(PORT))

run: setup
	$(O2C) run

# Two test processes on a 2-core machine (pytest-xdist); each test file stays in one process,
# so the companies and servers a file shares are built once.
test: setup $(CHP)
	$(BIN)/python -m pytest -n auto --dist loadfile

hub-proxy: $(CHP)

# Without npm the JupyterHub test is skipped (it says why); nothing else needs Node.
$(CHP):
	@if command -v npm >/dev/null; then \
		npm install --prefix $(HUB_NODE) --no-fund --no-audit --loglevel=error configurable-http-proxy@5.1.0 \
		|| echo "Installation du proxy impossible : le test JupyterHub sera ignoré."; \
	else echo "npm absent : le test JupyterHub sera ignoré (installez nodejs et npm)."; fi

data: $(VENV)/.installed
	$(O2C) generate --out $(DATASET) --force

bench: setup
	@for f in benchmarks/*.py; do \
		[ -e "$$f" ] || { echo "Aucun script dans benchmarks/."; break; }; \
		echo "== $$f"; $(BIN)/python "$$f" || exit 1; \
	done

clean:
	rm -rf output build dist .pytest_cache .hypothesis *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
