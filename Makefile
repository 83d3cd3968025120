# Cunzhi build. `make` builds, `make run` starts a demo server, `make check` installs
# what is missing and runs every test, `make bench` runs the benchmarks.

CC      ?= cc
PKGS    := libmicrohttpd libulfius jansson sqlite3 libpq libsodium libqrencode xlsxwriter libzip expat zlib libxml-2.0
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

# Browser tests run one file at a time (chromium is heavy and the camera tests are
# timing-sensitive); API test files, each with its own server and database, mostly wait
# on fsync and run API_JOBS at a time. Node 18 lacks the flag and runs files one by one.
API_JOBS ?= 3
HAS_CONCURRENCY := $(shell node --test-concurrency=1 -e 0 >/dev/null 2>&1 && echo yes)
NODE_TEST = node --test $(if $(HAS_CONCURRENCY),--test-concurrency=1)
NODE_TEST_API = node --test $(if $(HAS_CONCURRENCY),--test-concurrency=$(API_JOBS))

PORT     ?= 8080
DATA     ?= data

.PHONY: all run check layers test unit openapi api api-pg bench deps clean ui ui-test
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

$(BUILD)/holidays.o: $(BUILD)/holidays.c src/domain/events/calendar.h
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

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

api: $(BUILD)/cunzhi
	CUNZHI_BIN=$(abspath $(BUILD)/cunzhi) $(NODE_TEST_API) tests/api/

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
# then the same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
check:
	bash scripts/deps.sh
	$(MAKE) layers
	$(MAKE) all
	$(MAKE) test
	$(MAKE) SAN=1 unit api

bench: $(BUILD)/cunzhi
	bash bench/run.sh $(BUILD)/cunzhi

clean:
	rm -rf build build-san build-fuzz

# The fuzzers of the parsers that take outside input (fuzz/), built by clang with
# libFuzzer, ASan and UBSan, each run for FUZZ_SECONDS on a copy of its seed corpus.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -g -O1 -std=c11 -D_GNU_SOURCE -Isrc -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
.PHONY: fuzz
build-fuzz/fuzz_form: fuzz/fuzz_form.c src/util/form.c src/util/form.h src/util/arena.c src/util/utf8.c src/util/buf.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ fuzz/fuzz_form.c src/util/form.c src/util/arena.c src/util/utf8.c src/util/buf.c

fuzz: build-fuzz/fuzz_form
	rm -rf build-fuzz/corpus-form && mkdir -p build-fuzz/corpus-form && cp fuzz/corpus/form/* build-fuzz/corpus-form/
	build-fuzz/fuzz_form -max_total_time=$(FUZZ_SECONDS) -max_len=70000 -timeout=10 -rss_limit_mb=1024 \
		build-fuzz/corpus-form fuzz/corpus/form
