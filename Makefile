# Chat Widget Inspector: build, test and demo entry points.
#
#   make            same as `make dist`
#   make tools      wasm32 target, wasm-bindgen CLI (version from Cargo.lock) in .tools/,
#                   node_modules/ (npm ci), Debian browsers (as root)
#   make dist       dist/chrome/ + dist/firefox/ (unpacked extensions) and dist/chrome.zip, dist/firefox.zip
#   make package    store-ready archives in dist/packages/: Chrome Web Store zip, AMO xpi, AMO source zip
#   make lint-firefox  web-ext lint on dist/firefox: fails on errors and on warnings README does not explain
#   make test       fmt, clippy (native + wasm32), cargo test, node --test; ends with "N passed, N failed"
#                   (e2e in Chromium and Firefox ESR; E2E_BROWSERS=chromium or =firefox for one)
#   make demo       node tests/demo.mjs (simulator + the browser with the extension and devtools);
#                   BROWSER=firefox for Firefox ESR (default chromium)
#   make bench      figures for the Rust core at 100,000 events, the background hub's wasm per
#                   flood (tests/bench/hub.mjs), the page hook in isolation (tests/bench/hook.mjs), the built extension's page cost (tests/bench/page.mjs:
#                   target/bench/page.json; BENCH_RUNS=9) and the devtools panel holding 100,000
#                   entries (tests/bench/panel.mjs); not part of make test (a smoke run of it is)
#   make clean      remove target/ and dist/   (make distclean also removes node_modules/ and .tools/)
#
# Everything works offline except for the package registries (crates.io, npm, Debian).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := dist
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

CRATE_LIB   := chat_widget_inspector
WASM_TARGET := wasm32-unknown-unknown
TOOLS_DIR   := .tools
WASM_BINDGEN := $(TOOLS_DIR)/bin/wasm-bindgen
WASM_OPT    := node_modules/.bin/wasm-opt
# Features rustc 1.95 (LLVM "generic" cpu) emits for wasm32-unknown-unknown; all are supported by
# Chrome and Firefox ESR. They MUST be given: with `strip = true` the target_features section is gone
# and wasm-opt then rejects memory.copy / table.get / trunc_sat as MVP-invalid. Listed explicitly
# (not -all) so wasm-opt never introduces anything newer (GC, strings, ...).
WASM_FEATURES := --enable-bulk-memory --enable-bulk-memory-opt --enable-call-indirect-overlong \
                 --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
                 --enable-reference-types --enable-multivalue
# Two choices for gzip (README "Wasm size"): a function with one caller is inlined into it only when
# it is small (30 bytes; wasm-opt's default has no limit: the big bodies inlined into their callers
# compressed worse), and functions are ordered by name (the copies of one generic function side by
# side; scripts/wasm-names.mjs first drops rustc's hashes from the names, so the order depends on
# the code only). --strip-debug then removes the names.
WASM_OPT_FLAGS ?= -Oz --one-caller-inline-max-function-size=30 --reorder-functions-by-name $(WASM_FEATURES) \
                  --strip-debug --strip-producers --strip-target-features

# The wasm must not depend on where the checkout or the cargo registry is: rustc embeds the source
# paths of panic locations. Remapped, a build anywhere gives the same bytes (AMO's reviewers rebuild).
CARGO_HOME_DIR := $(or $(CARGO_HOME),$(HOME)/.cargo)
WASM_RUSTFLAGS := --remap-path-prefix=$(CURDIR)=/build --remap-path-prefix=$(CARGO_HOME_DIR)=/cargo

# Two wasm modules (README "Wasm size"): the panel's and the background hub's, each from a thin
# cdylib crate in wasm/ that turns on one feature of the main crate. Built by separate cargo runs
# so their features never unify.
WASM_MODULES := panel background
RAW_WASM_panel := target/$(WASM_TARGET)/release/$(CRATE_LIB)_panel.wasm
RAW_WASM_background := target/$(WASM_TARGET)/release/$(CRATE_LIB)_background.wasm
PKG_DIR  := target/pkg
PKG_STAMP := $(PKG_DIR)/.stamp
DIST_DIR := dist/chrome
DIST_ZIP := dist/chrome.zip
DIST_FF_DIR := dist/firefox
DIST_FF_ZIP := dist/firefox.zip
PACKAGES_DIR := dist/packages
BROWSER ?= chromium

NODE_STAMP := node_modules/.install-stamp
NPM_LOCK   := $(wildcard package-lock.json)

.PHONY: all tools rust-target wasm-bindgen-cli node-deps browsers dist package lint-firefox test demo bench clean distclean FORCE

all: dist

# ---------------------------------------------------------------------------------------- tools

tools: rust-target wasm-bindgen-cli node-deps browsers
	@bash scripts/tools.sh report

rust-target:
	@bash scripts/tools.sh rust-target $(WASM_TARGET)

wasm-bindgen-cli:
	@bash scripts/tools.sh wasm-bindgen $(TOOLS_DIR)

node-deps: $(NODE_STAMP)

$(NODE_STAMP): package.json $(NPM_LOCK)
	@if [ -f package-lock.json ]; then echo "npm ci"; npm ci --no-audit --no-fund; \
	 else echo "npm install (no package-lock.json)"; npm install --no-audit --no-fund; fi
	@touch $@

browsers:
	@bash scripts/tools.sh browsers

# ----------------------------------------------------------------------------------------- dist

dist: $(DIST_ZIP) $(DIST_FF_ZIP)

# cargo decides whether a wasm is stale (FORCE); make then re-checks its mtime, so the steps
# below only run when cargo actually relinked one.
$(RAW_WASM_panel) $(RAW_WASM_background): target/$(WASM_TARGET)/release/$(CRATE_LIB)_%.wasm: FORCE | rust-target
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$(WASM_RUSTFLAGS)" cargo build --release --target $(WASM_TARGET) -p chat-widget-inspector-$*

$(PKG_STAMP): $(RAW_WASM_panel) $(RAW_WASM_background) Makefile scripts/wasm-names.mjs | wasm-bindgen-cli node-deps
	@rm -rf $(PKG_DIR).tmp && mkdir -p $(PKG_DIR).tmp
	@set -e; for m in $(WASM_MODULES); do \
	  echo "wasm-bindgen + wasm-opt: pkg/$$m.js, pkg/$${m}_bg.wasm"; \
	  $(WASM_BINDGEN) --target web --no-typescript \
	    --out-dir $(PKG_DIR).tmp --out-name $$m target/$(WASM_TARGET)/release/$(CRATE_LIB)_$$m.wasm; \
	  node scripts/wasm-names.mjs $(PKG_DIR).tmp/$${m}_bg.wasm; \
	  $(WASM_OPT) $(WASM_OPT_FLAGS) $(PKG_DIR).tmp/$${m}_bg.wasm -o $(PKG_DIR).tmp/$${m}_bg.opt.wasm; \
	  mv $(PKG_DIR).tmp/$${m}_bg.opt.wasm $(PKG_DIR).tmp/$${m}_bg.wasm; \
	  node scripts/check-wasm.mjs $(PKG_DIR).tmp/$${m}_bg.wasm; \
	done
	@rm -rf $(PKG_DIR) && mv $(PKG_DIR).tmp $(PKG_DIR) && touch $@

# The unpacked extension is re-assembled from scratch every time (a few files, milliseconds), so
# files deleted from extension/ never linger in dist/. The zip is byte-for-byte reproducible.
$(DIST_ZIP): $(PKG_STAMP) FORCE
	@bash scripts/assemble.sh $(DIST_DIR) $(PKG_DIR)
	@node scripts/zip.mjs $(DIST_DIR) $@
	@bash scripts/size.sh $(DIST_DIR)/pkg/panel_bg.wasm $(DIST_DIR)/pkg/background_bg.wasm \
	  $(DIST_DIR)/pkg/panel.js $(DIST_DIR)/pkg/background.js $@

# Firefox: the same files; the manifest keeps browser_specific_settings (see scripts/manifest.mjs).
$(DIST_FF_ZIP): $(PKG_STAMP) FORCE
	@bash scripts/assemble.sh $(DIST_FF_DIR) $(PKG_DIR) firefox
	@node scripts/zip.mjs $(DIST_FF_DIR) $@

# ------------------------------------------------------------------------------------- package

# Chrome Web Store zip, AMO xpi, AMO source archive (+ SHA256SUMS); byte-for-byte reproducible.
package: dist
	@bash scripts/package.sh $(PACKAGES_DIR) $(PKG_DIR)

lint-firefox: dist
	@node scripts/lint-firefox.mjs $(DIST_FF_DIR)

# ----------------------------------------------------------------------------------------- test

test: tools dist
	@bash scripts/test.sh

demo: tools dist
	BROWSER=$(BROWSER) node tests/demo.mjs

bench: tools dist
	cargo run --release --quiet --example bench
	node tests/bench/hub.mjs
	node tests/bench/hook.mjs
	node tests/bench/page.mjs
	node tests/bench/panel.mjs

# ---------------------------------------------------------------------------------------- clean

clean:
	rm -rf target dist

distclean: clean
	rm -rf node_modules $(TOOLS_DIR)

FORCE:
