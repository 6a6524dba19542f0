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

# Text from the chain or IPFS must never become markup: the sources build DOM through Preact, never from
# strings (tsc --strict checks types, Prettier the format, ESLint the build scripts).
MARKUP_FROM_STRINGS := dangerouslySetInnerHTML|innerHTML|outerHTML|insertAdjacentHTML|document\.write

lint-page: frontend/node_modules/.stamp
	cd frontend && npx eslint .
	cd frontend && node build.mjs --types && npx tsc --noEmit --strict -p .
	cd frontend && npx prettier --check .
	@! grep -rnE '$(MARKUP_FROM_STRINGS)' frontend/src || (echo 'frontend/src builds markup from strings' && false)

# The unit tests (TypeScript, bundled by esbuild, run by node --test): pure modules and the views against
# a fake reader. With TEST_REPORTS (bench/suite.py), also a JUnit report beside the readable one.
test-page: frontend/node_modules/.stamp
	cd frontend && node test/run.mjs $(if $(TEST_REPORTS),--test-reporter=spec --test-reporter-destination=stdout \
		--test-reporter=junit --test-reporter-destination=$(abspath $(TEST_REPORTS))/page-node.xml)

# The page for the current checkout, without config.json (`dapp page build` writes one for a deployment).
page: frontend/node_modules/.stamp
	cd frontend && node build.mjs
