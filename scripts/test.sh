#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test:
#   1. the Release build: unit, MPI (1-4 ranks), CLI and end-to-end tests, and the Slurm
#      templates through a local one-node Slurm (NZC_TEST_SLURM=0 skips those);
#   2. a clang build with AddressSanitizer + UndefinedBehaviorSanitizer and libFuzzer: the
#      serial unit tests under the sanitizers and a short run of every fuzz target.
# Open MPI settings for running as root on a 2-core machine are set by the tests themselves.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

# The Slurm tests install and start a one-node Slurm (scripts/slurm_local.sh) and stop it after.
export NZC_TEST_SLURM=${NZC_TEST_SLURM:-1}
bash "$root/scripts/setup.sh"
echo "== Release build: all tests"
ctest --test-dir "$root/build" -j"$jobs" --output-on-failure --timeout 600

echo "== clang ASan/UBSan + libFuzzer build: serial unit tests and short fuzz runs"
san=$root/build-sanitize
CC=clang CXX=clang++ cmake -S "$root" -B "$san" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DNZC_FUZZ=ON -DNZC_BUILD_BENCHMARKS=OFF >/dev/null
serial_labels='codec|layout|sparse|checkpoint|plan|report|fuzz'
mapfile -t targets < <(cmake --build "$san" --target help |
                       sed -n -E 's/^(\.\.\. )?([a-z0-9_]*(tests|test_[a-z]+|fuzz_[a-z_]+))(:.*)?$/\2/p' |
                       grep -v -E '^(mpi_|h5_|nzc_mpi)' | sort -u)
cmake --build "$san" -j"$jobs" --target "${targets[@]}"
# Open MPI's own allocations are not ours to report; no serial test starts MPI.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "$san" -j"$jobs" -L "$serial_labels" -LE "cli|mpi" --output-on-failure --timeout 600
