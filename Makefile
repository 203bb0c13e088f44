# Larch: the two quick-start commands are `make demo` and `make test`.
# Both install whatever Debian packages are missing, configure a Release build
# in build/ and build it.
BUILD ?= build
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
	@cmake --build $(BUILD) -j $(JOBS)

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

# Differential test against real Cedar (npm package @cedar-policy/cedar-wasm,
# installed into $(BUILD)/cedar-wasm): DIFFTEST_CASES random cases from
# DIFFTEST_SEED (1); see docs/testing.md.
DIFFTEST_SEED ?= 1
difftest: build
	@bash tests/diff/run_difftest.sh --build $(abspath $(BUILD)) \
	  --gen $(abspath $(BUILD))/tests/diff/larch_diff_gen \
	  --larch $(abspath $(BUILD))/tools/larch/larch \
	  --cases $(DIFFTEST_CASES) --seed $(DIFFTEST_SEED) --jobs $(JOBS)

clean:
	rm -rf $(BUILD) $(BUILD).configure.log build-fuzz
