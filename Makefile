# The two commands a newcomer needs: `make dev` runs the site locally,
# `make test` runs every test. The rest are documented in README.md.
.PHONY: dev test build bench fuzz load

dev:
	bash scripts/dev.sh

test:
	bash scripts/test.sh

build:
	bash scripts/install-tools.sh && bash scripts/build-worker.sh

bench:
	bash scripts/bench.sh

fuzz:
	bash scripts/fuzz.sh

load:
	bash scripts/load.sh
