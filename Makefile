# Larch: the two quick-start commands are `make demo` and `make test`.
# Both install whatever Debian packages are missing, configure a Release build
# in build/ and build it: profile-guided (scripts/build.sh, docs/performance.md),
# unless PGO=0.
BUILD ?= build
PGO ?= 1
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
FUZZ_SECONDS ?= 180
DIFFTEST_CASES ?= 20000

.PHONY: all setup configure build demo test fuzz bench difftest clean

all: build

setup:
	@bash scripts/setup-deps.sh

$(BUILD)/build.ninja:
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >$(BUILD).configure.log 2>&1 \
	  || (cat $(BUILD).configure.log; exit 1)

configure: setup $(BUILD)/build.ninja

build: configure
	@PGO=$(PGO) bash scripts/build.sh $(BUILD) $(JOBS)

demo: build
	@bash scripts/demo.sh $(BUILD)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Parser fuzzing under ASan and UBSan for a bounded time (FUZZ_SECONDS).
fuzz: setup
	@bash scripts/fuzz.sh $(FUZZ_SECONDS)

# Parse benchmark and the other Google Benchmark binaries.
bench: build
	@bash scripts/bench.sh $(BUILD)

# Differential tests (see docs/testing.md), from seed DIFFTEST_SEED (1):
# Larch's three evaluators against each other on DIFFTEST_CASES small and
# DIFFTEST_MANY_CASES many-policy (DIFFTEST_POLICIES) cases; then Larch against
# real Cedar (npm package @cedar-policy/cedar-wasm, installed into
# $(BUILD)/cedar-wasm) on DIFFTEST_CASES small and DIFFTEST_WASM_MANY_CASES
# many-policy cases.
DIFFTEST_SEED ?= 1
DIFFTEST_MANY_CASES ?= 1000
DIFFTEST_WASM_MANY_CASES ?= 200
DIFFTEST_POLICIES ?= 100-400
difftest: build
	@$(abspath $(BUILD))/tests/diff/larch_engine_diff --jobs $(JOBS) \
	  --gen $(abspath $(BUILD))/tests/diff/larch_diff_gen --work $(abspath $(BUILD))/engine-diff \
	  --gen-arg --request-entities --gen-arg --templates \
	  --generate $(DIFFTEST_SEED):$(DIFFTEST_CASES) \
	  --generate $(DIFFTEST_SEED):$(DIFFTEST_MANY_CASES):$(DIFFTEST_POLICIES) tests/diff/cases
	@bash tests/diff/run_difftest.sh --build $(abspath $(BUILD)) \
	  --gen $(abspath $(BUILD))/tests/diff/larch_diff_gen \
	  --larch $(abspath $(BUILD))/tools/larch/larch \
	  --cases $(DIFFTEST_CASES) --seed $(DIFFTEST_SEED) --jobs $(JOBS)
	@bash tests/diff/run_difftest.sh --build $(abspath $(BUILD)) \
	  --gen $(abspath $(BUILD))/tests/diff/larch_diff_gen \
	  --larch $(abspath $(BUILD))/tools/larch/larch \
	  --cases $(DIFFTEST_WASM_MANY_CASES) --seed $(DIFFTEST_SEED) --jobs $(JOBS) \
	  --policies $(DIFFTEST_POLICIES)

clean:
	rm -rf $(BUILD) $(BUILD).configure.log build-fuzz
