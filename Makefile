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

run: release
	@echo "gomemsim: no main job yet"

clean:
	rm -rf .build
