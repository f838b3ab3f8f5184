# lede -- build, test, demo, bench, install.
#
# The public targets first make sure the Debian packages are there (deps),
# then run the real work in a sub-make, so that pkg-config is asked only
# after the packages are installed.

PREFIX    ?= /usr/local
BUILD     ?= build
BENCH_SIZE ?= 100M
CC        ?= cc
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

DEB_PKGS  = pkg-config liblua5.4-dev lua-lpeg-dev libsqlite3-dev \
            libutf8proc-dev libedit-dev zlib1g-dev libstemmer-dev \
            libgumbo-dev unicode-data
PC_MODS   = lua5.4 lua5.4-lpeg sqlite3 libutf8proc libedit zlib gumbo
# What `make bench` compares lede with: ripgrep, NLTK, Xapian (the benches
# run Debian's /usr/bin/python3, which these packages extend).
BENCH_PKGS = ripgrep python3-nltk python3-xapian

.PHONY: all deps bench-deps test demo bench install asan clean fuzz
all: deps
	@$(MAKE) --no-print-directory lede-build

deps:
	@if ! command -v pkg-config >/dev/null 2>&1 \
	   || ! pkg-config --exists $(PC_MODS) \
	   || [ ! -f /usr/include/libstemmer.h ] \
	   || [ ! -f /usr/share/unicode/auxiliary/WordBreakTest.txt ] \
	   || [ ! -f /usr/share/lua/5.4/re.lua ]; then \
	  echo "make deps: installing $(DEB_PKGS)"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $(DEB_PKGS) >/dev/null; \
	fi

test: deps
	@$(MAKE) --no-print-directory lede-build
	@$(MAKE) --no-print-directory lede-test

demo: deps
	@$(MAKE) --no-print-directory lede-build
	@$(MAKE) --no-print-directory lede-demo

asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -O1" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" lede-build lede-test

# The tools the benches compare with.  A failed install does not stop the
# bench: the rows of a missing tool say so.
bench-deps:
	@if ! command -v rg >/dev/null 2>&1 \
	   || ! /usr/bin/python3 -c 'import nltk, xapian' >/dev/null 2>&1; then \
	  echo "make bench-deps: installing $(BENCH_PKGS)"; \
	  { $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends $(BENCH_PKGS) >/dev/null; } || \
	  echo "make bench-deps: could not install $(BENCH_PKGS); their rows will say so"; \
	fi

bench: deps bench-deps
	@$(MAKE) --no-print-directory lede-build
	@$(MAKE) --no-print-directory lede-bench

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BUILD)/lede $(DESTDIR)$(PREFIX)/bin/lede

clean:
	rm -rf build build-asan

# ---------------------------------------------------------------------------
# The real work; run through the targets above.

PKG_CFLAGS := $(shell pkg-config --cflags $(PC_MODS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PC_MODS) 2>/dev/null) -lstemmer -lm -lpthread -lutil
# The lede binary links its C libraries statically where Debian ships the
# archives (the -dev packages do): resolving a dozen shared libraries was
# 0.6 ms of every command's 1.5 ms start-up.  Lua and LPeg stay shared, so
# Lua C modules a script requires find the one Lua the binary uses.
STATIC_LIBS = sqlite3 utf8proc edit tinfo bsd md z gumbo stemmer
STATIC_OK  := $(shell for l in $(STATIC_LIBS); do \
                [ -f "$$($(CC) -print-file-name=lib$$l.a)" ] || exit 0; done; echo yes)
ifeq ($(STATIC_OK),yes)
LEDE_LIBS  := -Wl,-Bstatic $(STATIC_LIBS:%=-l%) -Wl,-Bdynamic \
              $(shell pkg-config --libs lua5.4-lpeg lua5.4 2>/dev/null) -lm -lpthread -lutil -ldl
else
LEDE_LIBS  := $(PKG_LIBS)
endif
WARN       = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wpointer-arith -Wformat=2 -Wno-format-nonliteral
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=c11 $(WARN) -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
             -I. -Iinclude -Icore -I$(BUILD) $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(EXTRA_LDFLAGS)

CORE_SRC  = $(wildcard core/*.c)
LUA_SRC   = $(wildcard lua/*.c)
LUA_LIB   = $(wildcard lua/*.lua lua/*/*.lua)
CORE_OBJ  = $(CORE_SRC:%.c=$(BUILD)/%.o)
LUA_OBJ   = $(LUA_SRC:%.c=$(BUILD)/%.o) $(BUILD)/embed.o
UNIT_SRC  = $(wildcard tests/unit/test_*.c)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC  = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN  = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
HEADERS   = $(wildcard include/lede/*.h core/*.h lua/*.h)

.PHONY: lede-build lede-test lede-demo lede-bench
lede-build: $(BUILD)/lede $(UNIT_BIN) $(FUZZ_BIN) $(BUILD)/tests/ptytest

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# Lua modules are embedded as bytecode with debug information, so tracebacks
# name files and lines and start-up does not parse them.
$(BUILD)/embedgen: lua/embed/embedgen.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -O2 $(PKG_CFLAGS) $< -o $@ $(PKG_LIBS)

$(BUILD)/embed.c: $(BUILD)/embedgen $(LUA_LIB) /usr/share/lua/5.4/re.lua
	$(BUILD)/embedgen $@ $(LUA_LIB) re=/usr/share/lua/5.4/re.lua

$(BUILD)/embed.o: $(BUILD)/embed.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/liblede.a: $(CORE_OBJ)
	rm -f $@; ar rcs $@ $^

$(BUILD)/lede: $(LUA_OBJ) $(BUILD)/liblede.a
	$(CC) $(ALL_CFLAGS) -o $@ $(LUA_OBJ) $(BUILD)/liblede.a $(ALL_LDFLAGS) $(LEDE_LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/tap.h $(BUILD)/liblede.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/liblede.a $(ALL_LDFLAGS) $(PKG_LIBS)

$(BUILD)/tests/ptytest: tests/pty/ptytest.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS) -lutil

# Fuzz drivers build as plain programs that replay files given on the
# command line; with clang -fsanitize=fuzzer they become libFuzzer targets.
$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c $(BUILD)/liblede.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< tests/fuzz/replay.c $(BUILD)/liblede.a $(ALL_LDFLAGS) $(PKG_LIBS)

lede-test:
	@BUILD=$(BUILD) sh tests/run.sh

# The sample's text files sit in one folder per outlet; each folder gets
# the outlet's name, as its JSONL and CSV records spell it.
DEMO_DB = $(BUILD)/demo.db
DEMO = tests/corpus/sample
lede-demo:
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BUILD)/lede -q $(DEMO_DB) add $(DEMO)/northgate-wire --source-name "Northgate Wire"
	$(BUILD)/lede -q $(DEMO_DB) add $(DEMO)/vta --source-name "Veldoran Telegraph Agency"
	$(BUILD)/lede -q $(DEMO_DB) add $(DEMO)/ilvra-courier --source-name "Ilvra Valley Courier"
	$(BUILD)/lede -q $(DEMO_DB) add $(DEMO)/daily-clarion --source-name "The Daily Clarion"
	$(BUILD)/lede -q $(DEMO_DB) add $(DEMO)/newspulse24 --source-name "NewsPulse24"
	$(BUILD)/lede -q $(DEMO_DB) add $(DEMO)/feeds
	$(BUILD)/lede $(DEMO_DB) scripts/overview.lua

lede-bench:
	@BUILD=$(BUILD) BENCH_SIZE=$(BENCH_SIZE) sh tests/bench/run.sh
