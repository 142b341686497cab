#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a given time.
#   scripts/fuzz.sh [SECONDS] [TARGET-REGEX]     default: 60 seconds, every target
# Findings (crash-*, leak-*, timeout-*) land in build-fuzz/fuzz-runs/<target>/; the script
# exits non-zero if any target found one.
set -euo pipefail
seconds=${1:-60}
pattern=${2:-.}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${NZC_FUZZ_BUILD_DIR:-$root/build-fuzz}

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DNZC_FUZZ=ON -DNZC_BUILD_BENCHMARKS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
mapfile -t targets < <(cmake --build "$build" --target help | sed -n -E 's/^(\.\.\. )?(fuzz_[a-z_]+)(:.*)?$/\2/p' |
                       grep -E "$pattern" || true)
[ ${#targets[@]} -gt 0 ] || { echo "fuzz.sh: no fuzz target matches '$pattern'" >&2; exit 2; }
cmake --build "$build" --target "${targets[@]}" -j"$(nproc)"

status=0
for target in "${targets[@]}"; do
    work=$build/fuzz-runs/$target
    mkdir -p "$work/corpus"
    exe=$(find "$build/tests/fuzz" -type f -name "$target" -perm -u+x | head -n 1)
    seeds=$(dirname "$exe")
    seeds=$root/tests/fuzz/${seeds##*/tests/fuzz/}/corpus/${target#fuzz_*_}
    [ -d "$seeds" ] || seeds=
    echo "== $target: $seconds s"
    if ! "$exe" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=70000 \
        -artifact_prefix="$work/" "$work/corpus" $seeds 2>"$work/log.txt"; then
        echo "!! $target found a problem: see $work/" >&2
        status=1
    fi
    grep -E "^Done|DONE" "$work/log.txt" | tail -n 1
done
exit $status
