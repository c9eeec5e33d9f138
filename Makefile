# gomemsim — two commands on a fresh Debian machine with Swift: `make run`, `make test`.
SWIFT ?= swift
DB ?= results.sqlite

.PHONY: deps build release run test bench clean

# Install what a fresh machine lacks: the SQLite and zlib headers.
deps:
	@if [ ! -f /usr/include/sqlite3.h ] || [ ! -f /usr/include/zlib.h ]; then \
	  echo "installing libsqlite3-dev zlib1g-dev sqlite3"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq libsqlite3-dev zlib1g-dev sqlite3; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product gomemsim

test: deps
	$(SWIFT) test

bench: deps
	$(SWIFT) build -c release --product gomemsim-bench
	.build/release/gomemsim-bench

# The main job: replay the chapter's examples (5-2, 5-3 cold/warm, 5-5, 5-6 and its
# variants) through every model, print their checkpoints, leave results.sqlite.
run: release
	rm -f $(DB) $(DB)-wal $(DB)-shm
	.build/release/gomemsim replay traces/seed/*.gmr --db $(DB)
	@echo
	@echo "Results are in $(DB); try: .build/release/gomemsim query --db $(DB) \"SELECT * FROM v_runs\""

clean:
	rm -rf .build
