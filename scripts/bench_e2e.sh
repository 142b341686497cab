#!/usr/bin/env bash
# End-to-end benchmark of `nzcompress compress` (read -> compress -> write) on a synthetic
# W8A8S checkpoint: wall time and peak RSS with 1 and 2 ranks, each run REPEAT times (the
# median is what docs/PERFORMANCE.md quotes), plus the codec alone on a weight of the same
# distribution (bench_layout) as the baseline, measured in the same session.
#   scripts/bench_e2e.sh [SIZE] [REPEAT] [BUDGET]    default: 1GiB 3 256MiB
# Needs a Release build in ./build (scripts/setup.sh) with benchmarks (the default).
set -euo pipefail
size=${1:-1GiB}
repeat=${2:-3}
budget=${3:-256MiB}
root=$(cd "$(dirname "$0")/.." && pwd)
nzcompress=$root/build/src/app/nzcompress
work=${NZC_BENCH_DIR:-/tmp/nzc-bench}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

mkdir -p "$work"
ckpt=$work/ckpt-$size
if [ ! -f "$ckpt/model.safetensors.index.json" ]; then
    /usr/bin/python3 "$root/scripts/make_synthetic_checkpoint.py" "$ckpt" --layers 8 \
        --target-bytes "$size" --shards 4 --seed 7 >/dev/null
fi
inputs=$(du -sb "$ckpt" | cut -f1)
echo "checkpoint: $ckpt ($inputs bytes), memory budget $budget"

echo "== baseline: codec alone on a [11008, 4096] 50%-sparse weight (bench_layout)"
"$root/build/bench/bench_layout" --benchmark_filter='CodecAlone|CompressWeightFromNd' \
    --benchmark_repetitions="$repeat" --benchmark_report_aggregates_only=true 2>/dev/null |
    grep -E "median" || true

run() { # run RANKS: prints "seconds peak_rss_kib" for one run
    local ranks=$1
    rm -f "$work/out.h5"
    /usr/bin/time -f "%e %M" -o "$work/time.txt" \
        mpirun -n "$ranks" --oversubscribe --bind-to none "$nzcompress" compress \
        --input "$ckpt" --description "$ckpt/quant_model_description_w8a8s.json" \
        --output "$work/out.h5" --memory-budget "$budget" --log-level warn --force
    cat "$work/time.txt"
}

for ranks in 1 2; do
    echo "== compress, $ranks rank(s), $repeat runs (seconds, peak RSS of the largest process in KiB)"
    for _ in $(seq "$repeat"); do run "$ranks"; done | sort -n | tee "$work/runs-$ranks.txt"
    median=$(sed -n "$(((repeat + 1) / 2))p" "$work/runs-$ranks.txt" | cut -d' ' -f1)
    awk -v b="$inputs" -v s="$median" -v r="$ranks" \
        'BEGIN { printf "median %.2f s, %.0f MB/s of input with %d rank(s)\n", s, b / s / 1e6, r }'
done
