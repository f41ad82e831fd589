# dynamodel's two commands:
#   make example   run the quickstart (the seed's flow) against a local engine
#   make test      run every check and the whole test suite against dynalite and moto
#
# Both install what they need (npm ci, a Python virtualenv, Go modules) and
# stop the engines they start. Set DYNAMODB_ENDPOINT to use an engine of your
# own (DynamoDB Local, LocalStack, AWS) instead.

GO ?= go
ENGINES := scripts/engines

.PHONY: example test unit integration lint deps bench clean

example: ## Run the quickstart, starting dynalite on :8000 unless an engine answers there
	$(GO) mod download
	$(ENGINES) example -- $(GO) run ./examples/quickstart

test: lint ## Every gate, then the whole suite with -race against both engines
	$(ENGINES) test -- $(GO) test -race -count=1 ./...
	cd bench && $(GO) vet ./... && $(GO) test -short -count=1 -run '^Test' ./...

unit: ## Quick tests without any engine (integration tests are skipped)
	DYNAMODEL_TEST_ENGINES=none $(GO) test -race -count=1 ./...

integration: ## The whole suite against dynalite only
	$(ENGINES) install dynalite
	$(GO) test -race -count=1 ./...

lint: ## gofmt, go vet
	@out=$$(gofmt -l . | grep -v '^node_modules/'); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

deps: ## Install the local engines and Go modules
	$(ENGINES) install dynalite moto
	$(GO) mod download

BENCH_COUNT ?= 6
BENCH ?= .

bench: ## Benchmarks against hand-written code, the raw SDK, attributevalue and guregu/dynamo; benchstat tables
	$(ENGINES) dynalite -- bash -c 'set -o pipefail; cd bench && $(GO) test -run "^$$" -bench "$(BENCH)" -count $(BENCH_COUNT) -timeout 2h . | tee ../.engines/bench.txt'
	cd bench && $(GO) tool benchstat -col /impl ../.engines/bench.txt

clean: ## Remove installed engines and logs
	rm -rf node_modules .venv .engines
