# The two commands of the README. Both create (or reuse) the virtualenv Pulumi.yaml points to.
PYTHON ?= python3
VENV := venv
STACK ?= staging
INSTALLED := $(VENV)/.installed

.PHONY: synth test bench readme schema

$(INSTALLED): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

synth: $(INSTALLED)
	@$(VENV)/bin/python -m pipeline synth --stack $(STACK) $(ARGS)

test: $(INSTALLED)
	$(VENV)/bin/python -m pytest

bench: $(INSTALLED)
	@$(VENV)/bin/python -m bench $(ARGS)

readme: $(INSTALLED)
	$(VENV)/bin/python -m components.config.reference README.md

schema: $(INSTALLED)
	$(VENV)/bin/python -m components.config.schema schema/stack-file.schema.json
