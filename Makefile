# Two commands do all the setup: `make run` (install, index seeds/, start the chat) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.txt | cut -c1-12)
DOCS ?= seeds
PORT ?= 7860
export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export TOKENIZERS_PARALLELISM := false

.PHONY: install browser index run test bench bench-all clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@if $(PY) -m pip list 2>/dev/null | grep -i -E '^(nvidia-|triton)'; then \
		echo "error: CUDA packages were installed; torch must come from the pinned CPU build" >&2; exit 1; fi
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser tests (as root, or with sudo).
browser:
	@command -v chromium >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

index: install
	$(PY) -m qa index $(DOCS)

# the server builds or refreshes the index of $(DOCS) itself (one pass, with a progress bar), then serves
run: install
	$(PY) -m ui --docs $(DOCS) --port $(PORT)

test: install browser
	$(PY) -m pytest -q

bench: install
	$(PY) -m benchmarks.retrieval
	$(PY) -m benchmarks.speed --corpus bbc --raw-sample 1000 --questions 200 --ann-queries 200

# BBC + Reuters (37k passages; about an hour here), then retrieve at 1M passages made from its index.
bench-all: install
	$(PY) -m benchmarks.speed --corpus all --raw-sample 1000 --questions 200 --ann-queries 200 --scale 0 \
		--work-dir .bench/all --out reports/speed-all
	$(PY) -m benchmarks.scale --index .bench/all/index --out reports/scale

clean:
	rm -rf $(VENV) .pytest_cache
