# Cunzhi build. `make` builds, `make run` starts a demo server, `make check` installs
# what is missing and runs every test, `make bench` runs the benchmarks.

CC      ?= cc
PKGS    := libmicrohttpd libulfius jansson sqlite3 libpq libsodium libqrencode xlsxwriter libzip expat zlib libxml-2.0 libjpeg libpng libwebp
SAN     ?=
BUILD   ?= build$(if $(SAN),-san,)
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
           -Wformat=2 -Wno-format-truncation -Wvla -Isrc -I$(BUILD) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
ifneq ($(SAN),)
CFLAGS  += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

# every .c under src/ but main.c: the layers (util, db, domain, http) and cli, each in
# feature folders
SRC      := $(sort $(shell find src/util src/db src/domain src/http src/cli -name '*.c'))
HDR      := $(sort $(shell find src -name '*.h'))
OBJ      := $(SRC:%.c=$(BUILD)/%.o) $(BUILD)/migrations.o $(BUILD)/holidays.o
MIGR     := $(sort $(wildcard src/db/migrations/*.sql))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# linked into every unit test: the database fixture
UNIT_LIB := tests/unit/testdb.c

# Test files each start their own server on their own port and data directory. Browser
# test files run UI_JOBS at a time (chromium is heavy: one a core); API test files mostly
# wait on fsync and run API_JOBS at a time. Node 18 lacks the flag and runs files one by
# one. The builds of `make check` use JOBS compilers.
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
API_JOBS ?= 3
UI_JOBS  ?= 2
HAS_CONCURRENCY := $(shell node --test-concurrency=1 -e 0 >/dev/null 2>&1 && echo yes)
NODE_TEST = node --test $(if $(HAS_CONCURRENCY),--test-concurrency=$(UI_JOBS))
NODE_TEST_API = node --test $(if $(HAS_CONCURRENCY),--test-concurrency=$(API_JOBS))

PORT     ?= 8080
DATA     ?= data

.PHONY: all run check layers test unit openapi api api-pg bench deps clean ui ui-test fuzz binaries fuzz-binaries
all: $(BUILD)/cunzhi ui

$(BUILD)/cunzhi: $(OBJ) $(BUILD)/src/main.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c $(HDR) | $(BUILD)/migrations.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -Wall -Wextra -Werror -o $@ $<

$(BUILD)/migrations.c: $(MIGR) $(BUILD)/tools/embed
	$(BUILD)/tools/embed $(MIGR) > $@.tmp && mv $@.tmp $@

$(BUILD)/migrations.o: $(BUILD)/migrations.c
	$(CC) $(CFLAGS) -c -o $@ $<

# The holiday calendar's seed, from the npm package chinese-days (tools/holidays).
$(BUILD)/holidays.c: tools/holidays/gen.js tools/holidays/package-lock.json
	@mkdir -p $(dir $@)
	test -d tools/holidays/node_modules || (cd tools/holidays && npm ci --no-audit --no-fund --loglevel=error)
	node tools/holidays/gen.js 2024 > $@.tmp && mv $@.tmp $@

$(BUILD)/holidays.o: $(BUILD)/holidays.c src/domain/kernel/calendar.h
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(UNIT_LIB) tests/unit/testdb.h $(OBJ)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(UNIT_LIB) $(OBJ) $(LDLIBS) -lcmocka

# The web UI is built when ui/ exists and its sources changed.
UI_SRC := $(shell find ui/src ui/index.html ui/admin ui/package.json ui/package-lock.json ui/tsconfig.json ui/vite.config.* -type f 2>/dev/null)
ui: $(if $(wildcard ui/package.json),ui/dist/.built,)
ui/dist/.built: $(UI_SRC)
	bash scripts/deps.sh
	cd ui && npm run build
	touch $@

run: all
	bash scripts/run.sh $(BUILD)/cunzhi $(DATA) $(PORT)

deps:
	bash scripts/deps.sh

# The include lines keep to the layers and feature folders (scripts/check-layers.sh).
layers:
	bash scripts/check-layers.sh

# the server and the unit tests, built (`make check` builds them JOBS at a time first)
binaries: $(BUILD)/cunzhi $(UNIT_BIN)

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

api: $(BUILD)/cunzhi
	CUNZHI_BIN=$(abspath $(BUILD)/cunzhi) $(if $(SAN),CUNZHI_SAN=1) $(NODE_TEST_API) tests/api/

api-pg: $(BUILD)/cunzhi
	bash scripts/with-postgres.sh env CUNZHI_BIN=$(abspath $(BUILD)/cunzhi) $(NODE_TEST_API) tests/api/

openapi:
	cd tests/openapi && node --test

# Browser tests of the web UI: Debian's chromium driven by playwright-core against the
# real server on a fresh demo village (screenshots land in tests/ui/screenshots/).
ui-test: $(BUILD)/cunzhi ui
	bash scripts/deps.sh
	CUNZHI_BIN=$(abspath $(BUILD)/cunzhi) $(NODE_TEST) tests/ui/

test: unit openapi api api-pg ui-test

# Everything, from a fresh machine: dependencies, the layer check, build, tests on both engines,
# then the same suite under AddressSanitizer and UndefinedBehaviorSanitizer. What is
# compiled is compiled on every core first; the suites then run one after another.
check:
	bash scripts/deps.sh
	$(MAKE) layers
	$(MAKE) -j$(JOBS) all binaries
	$(MAKE) test
	$(MAKE) -j$(JOBS) SAN=1 binaries
	$(MAKE) SAN=1 unit api
	$(MAKE) -j$(JOBS) fuzz-binaries
	$(MAKE) fuzz

# Fuzzers (fuzz/fuzz_*.c): libFuzzer targets built by clang with ASan and UBSan over the
# parsers of util/ they name; each runs FUZZ_SECONDS from its seed corpus in fuzz/corpus/,
# FUZZ_JOBS of them at a time (each is one process on one core). A longer run: docs/fuzzing.md.
FUZZ_SECONDS ?= 20
FUZZ_CC      ?= clang
FUZZ_SRC     := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BIN     := $(FUZZ_SRC:fuzz/%.c=build-fuzz/%)
FUZZ_LIB_SRC := src/util/media.c src/util/range.c src/util/accept.c src/util/table.c src/util/table_xlsx.c src/util/geo.c src/util/form.c src/util/buf.c src/util/utf8.c src/util/num.c src/util/log.c src/util/arena.c src/util/timeutil.c src/util/image.c
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
                -Isrc $(shell pkg-config --cflags jansson libzip expat zlib libjpeg libpng libwebp 2>/dev/null)
FUZZ_LIBS    := $(shell pkg-config --libs jansson libzip expat zlib libjpeg libpng libwebp 2>/dev/null) -lm -lpthread
build-fuzz/%: fuzz/%.c $(FUZZ_LIB_SRC) $(HDR)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIB_SRC) $(FUZZ_LIBS)
# Targets over the server's own code (the request checker, QR tokens, tracks, the router) link every
# object of the server, built once with the same sanitizers under build-fuzz/obj/.
FUZZ_WHOLE   := build-fuzz/fuzz_request build-fuzz/fuzz_tokens build-fuzz/fuzz_tracks build-fuzz/fuzz_challenge build-fuzz/fuzz_router
FUZZ_OBJ     := $(SRC:%.c=build-fuzz/obj/%.o) build-fuzz/obj/migrations.o build-fuzz/obj/holidays.o
FUZZ_OBJ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
                -Isrc -I$(BUILD) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
build-fuzz/obj/%.o: %.c $(HDR)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_OBJ_CFLAGS) -c -o $@ $<
build-fuzz/obj/%.o: $(BUILD)/%.c
	@mkdir -p $(dir $@)
	@$(FUZZ_CC) $(FUZZ_OBJ_CFLAGS) -c -o $@ $<
$(FUZZ_WHOLE): build-fuzz/%: fuzz/%.c $(FUZZ_OBJ)
	@echo "  FUZZLD  $@"
	@$(FUZZ_CC) $(FUZZ_OBJ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(LDLIBS)
FUZZ_JOBS    ?= $(JOBS)
fuzz-binaries: $(FUZZ_BIN)
# A finding fails the run (its log is printed whole); a clean run prints its last lines.
FUZZ_RUN     := $(FUZZ_BIN:build-fuzz/fuzz_%=fuzz-run-%)
.PHONY: $(FUZZ_RUN)
$(FUZZ_RUN): fuzz-run-%: build-fuzz/fuzz_%
	@mkdir -p build-fuzz/corpus/$*; echo "== fuzz $* ($(FUZZ_SECONDS) s)"; \
	  if $< -max_total_time=$(FUZZ_SECONDS) -max_len=70000 -timeout=10 -rss_limit_mb=1024 -print_final_stats=0 \
	       -artifact_prefix=build-fuzz/ build-fuzz/corpus/$* fuzz/corpus/$* > build-fuzz/$*.log 2>&1; \
	  then tail -n 2 build-fuzz/$*.log; else cat build-fuzz/$*.log; exit 1; fi
fuzz: $(FUZZ_BIN)
	@$(MAKE) --no-print-directory -j$(FUZZ_JOBS) --output-sync=target $(FUZZ_RUN)

bench: $(BUILD)/cunzhi
	bash bench/run.sh $(BUILD)/cunzhi

clean:
	rm -rf build build-san build-fuzz
