# The README's commands. Every target installs what is missing first, so each works on a fresh Debian 12.
BUILD ?= build
MESON_OPTS ?=

.PHONY: all deps setup build check run demo server bench fuzz asan clean

all: build

deps:
	./tools/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

setup: deps $(BUILD)/build.ninja

build: setup
	meson compile -C $(BUILD)

# Every test, then one closing line "N passed, N failed, N skipped".
check: build
	./tools/run-tests.sh $(BUILD)

# The main job: the desktop app (LAN mode when no server is configured).
run: build
	./tools/run-app.sh $(BUILD)

# Two windows on one machine, practitioner and patient, joined in LAN mode.
demo: build
	./tools/run-demo.sh $(BUILD)

# A standalone signalling server on loopback (see README for TLS and accounts).
server: build
	./$(BUILD)/signaling/server/teleconsult-server serve --listen 127.0.0.1 --port 8443

bench: build
	./tools/run-bench.sh $(BUILD)

# libFuzzer targets under clang; FUZZ_SECONDS per target (default 600).
fuzz: deps
	./tools/run-fuzz.sh

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
asan: deps
	$(MAKE) check BUILD=build-asan MESON_OPTS="-Db_sanitize=address,undefined -Db_lundef=false"

clean:
	rm -rf $(BUILD) build-asan build-fuzz
