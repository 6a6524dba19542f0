# The Ponder indexer (indexer/, its own npm package pinned by its lock) and Debian's PostgreSQL, which the
# tests run under `ponder start` + `ponder serve` (started by the test on a free port, never as a service).
# Included by the top-level Makefile.

.PHONY: setup-indexer setup-postgres

setup-indexer: indexer/node_modules/.stamp setup-postgres

indexer/node_modules/.stamp: indexer/package-lock.json
	cd indexer && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Needs root, as CI has. Only the binaries are used: the tests run their own cluster with initdb.
setup-postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update && apt-get install -y postgresql)
