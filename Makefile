# dynamodel's two commands:
#   make example   run the quickstart (the seed's flow) against a local engine
#   make test      every gate and the whole test suite, against dynalite and moto
#
# Both install what they need (npm ci, a Python virtualenv, Go modules, the
# pinned staticcheck and the oldest supported Go toolchain) and stop the
# engines they start. Set DYNAMODB_ENDPOINT to use an engine of your own
# (DynamoDB Local, LocalStack, AWS) instead.
#
#   make engine    keep dynalite running on localhost:$(PORT) until Ctrl-C, for
#                  the command, the Lambda example and your own code

GO ?= go
ENGINES := scripts/engines
# The oldest Go go.mod allows; the suite runs on it as well as on $(GO).
OLDEST_GO ?= go1.24.13
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

# The port of `make engine` and `make example` (make engine PORT=8001), and
# the engine `make engine` runs (ENGINE=moto for transactions, TTL, streams).
PORT = 8000
ENGINE = dynalite

.PHONY: example engine test unit allocs lint cfn-lint lambda-zip deps bench clean test-bulk-full

example: ## Run the quickstart, starting dynalite on :$(PORT) unless an engine answers there
	$(GO) mod download
	$(ENGINES) example $(PORT) -- $(GO) run ./examples/quickstart

engine: ## Run $(ENGINE) on localhost:$(PORT) until Ctrl-C, printing the DYNAMODB_ENDPOINT to export
	$(ENGINES) serve $(ENGINE) $(PORT)

test: lint cfn-lint lambda-zip allocs ## Every gate, then the suite with -race on $(GO) and again on $(OLDEST_GO), against both engines
	$(ENGINES) test -- bash -c 'set -e; \
		$(GO) test -race -count=1 ./...; \
		echo "== the suite on $(OLDEST_GO)"; \
		GOTOOLCHAIN=$(OLDEST_GO) $(GO) test -count=1 ./...'
	cd bench && $(GO) test -short -count=1 -run '^Test' ./...

test-bulk-full: ## The multi-process backfill test at the issue's size: 20,000 items on dynalite, 2,000 on moto (one to two minutes; make test runs 1,000 and 300)
	$(ENGINES) test -- env BULK_BACKFILL_ITEMS=full $(GO) test -count=1 -timeout 30m -run '^TestBackfillProcesses$$' -v ./bulk

# The packages with allocation tests (testing.AllocsPerRun, in tests named
# ...Allocations, which skip themselves under -race).
ALLOC_PKGS = $(sort $(dir $(shell grep -rl --include='*_test.go' --exclude-dir=node_modules --exclude-dir=.venv --exclude-dir=bench AllocsPerRun .)))

allocs: ## The allocation counts of the hot paths, without -race (which changes them); no engine needed
	DYNAMODEL_TEST_ENGINES=none $(GO) test -count=1 -run 'Allocations$$' $(ALLOC_PKGS)

unit: ## Quick: no engine, no examples (integration tests are skipped)
	DYNAMODEL_TEST_ENGINES=none $(GO) test -count=1 -run '^(Test|Fuzz)' ./...

lint: ## gofmt, go vet (also for arm64, and an arm64 build) and staticcheck, on the module and the bench module
	@out=$$(gofmt -l $$(find . -name '*.go' -not -path './node_modules/*' -not -path './.venv/*')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	GOARCH=arm64 $(GO) vet ./...
	GOARCH=arm64 $(GO) build ./...
	$(GO) run $(STATICCHECK) ./...
	cd bench && $(GO) vet ./... && GOARCH=arm64 $(GO) vet ./... && $(GO) run $(STATICCHECK) ./...

# Every table file in testdata and the examples, alone and with its directory, in YAML and
# JSON, with and without time to live and point-in-time recovery.
TABLE_FILES := $(wildcard testdata/*.json testdata/tables/*.json testdata/keytime/*.json schema/testdata/guide/*.json examples/*/*.json)
CFN := .engines/cfn

cfn-lint: ## cfn-lint on the CloudFormation templates `dynamodel cloudformation` makes from every table file, and on those the project ships
	$(ENGINES) install moto
	rm -rf $(CFN) && mkdir -p $(CFN)
	$(GO) build -o $(CFN)/dynamodel ./cmd/dynamodel
	set -e; for f in $(TABLE_FILES); do n=$$(echo $${f%.json} | tr / -); \
		$(CFN)/dynamodel cloudformation $$f > $(CFN)/$$n.yaml; \
		$(CFN)/dynamodel cloudformation -format json -pitr $$f > $(CFN)/$$n.json; done
	set -e; for d in testdata/tables schema/testdata/guide; do n=$$(echo $$d | tr / -); \
		$(CFN)/dynamodel cloudformation $$d > $(CFN)/dir-$$n.yaml; \
		$(CFN)/dynamodel cloudformation -format json $$d > $(CFN)/dir-$$n.json; done
	$(CFN)/dynamodel cloudformation -ttl User=expires -pitr testdata/create-user.json > $(CFN)/user-ttl.yaml
	.venv/bin/cfn-lint --include-checks I -- $(CFN)/*.yaml $(CFN)/*.json $(wildcard examples/*/template.yaml)
	@echo "cfn-lint: $$(ls $(CFN)/*.yaml $(CFN)/*.json $(wildcard examples/*/template.yaml) | wc -l) templates pass"

lambda-zip: ## dist/lambda.zip: examples/lambda as bootstrap for provided.al2023 on arm64
	mkdir -p dist
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build -tags lambda.norpc -trimpath -o dist/bootstrap ./examples/lambda
	cd dist && rm -f lambda.zip && python3 -m zipfile -c lambda.zip bootstrap
	@python3 -m zipfile -l dist/lambda.zip

deps: ## Install the local engines and Go modules
	$(ENGINES) install dynalite moto
	$(GO) mod download

BENCH_COUNT ?= 6
BENCH ?= .

bench: ## Benchmarks against hand-written code, the raw SDK, attributevalue and guregu/dynamo; benchstat tables
	rm -f .engines/bench.txt
	$(ENGINES) dynalite -- bash -c 'set -eo pipefail; cd bench; for i in $$(seq $(BENCH_COUNT)); do \
		$(GO) test -run "^$$" -bench "$(BENCH)" -count 1 -timeout 1h . | tee -a ../.engines/bench.txt; done'
	cd bench && $(GO) tool benchstat -col /impl ../.engines/bench.txt

clean: ## Remove installed engines, logs and builds
	rm -rf node_modules .venv .engines dist
