# The shop page (frontend/): its npm packages, the Chromium its browser tests drive, its lint and unit tests.
# Included by the top-level Makefile.

.PHONY: setup-page setup-chromium lint-page test-page page

setup-page: frontend/node_modules/.stamp setup-chromium

frontend/node_modules/.stamp: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Debian's Chromium, driven by pip's playwright through executable_path (`playwright install` needs a
# download host this network does not reach). Needs root, as CI has.
setup-chromium:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

lint-page: frontend/node_modules/.stamp
	cd frontend && npx eslint .

test-page: frontend/node_modules/.stamp
	cd frontend && node --test test/

# The page for the current checkout, without config.json (`dapp page build` writes one for a deployment).
page: frontend/node_modules/.stamp
	cd frontend && node build.mjs
