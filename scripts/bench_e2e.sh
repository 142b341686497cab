#!/usr/bin/env bash
# End-to-end benchmark of `nzcompress compress` (read -> compress -> write) on a synthetic
# W8A8S checkpoint: wall time and peak RSS with 1 rank (with and without --read-ahead) and
# with 2 ranks, each run REPEAT times (docs/PERFORMANCE.md quotes the medians), and as the
# baseline the codec alone on the same weights, data in memory (bench_checkpoint), measured
# in the same session.
#   scripts/bench_e2e.sh [SIZE] [REPEAT] [BUDGET]    default: 1GiB 3 256MiB
# Needs a Release build in ./build (scripts/setup.sh) with benchmarks (the default).
set -euo pipefail
size=${1:-1GiB}
repeat=${2:-3}
budget=${3:-256MiB}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${NZC_BUILD_DIR:-$root/build}
nzcompress=$build/src/app/nzcompress
work=${NZC_BENCH_DIR:-/tmp/nzc-bench}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# One node: shared-memory transport. Open MPI's default (UCX) spends about 0.2 s probing for
# networks in MPI_Init, a fixed cost that has nothing to do with the pipeline measured here.
# Set OMPI_MCA_pml=ucx to measure with it.
export OMPI_MCA_pml=${OMPI_MCA_pml:-ob1} OMPI_MCA_btl=${OMPI_MCA_btl:-self,vader}

mkdir -p "$work"
ckpt=$work/ckpt-$size
if [ ! -f "$ckpt/model.safetensors.index.json" ]; then
    /usr/bin/python3 "$root/scripts/make_synthetic_checkpoint.py" "$ckpt" --layers 8 \
        --target-bytes "$size" --shards 4 --seed 7 >/dev/null
fi
inputs=$(du -sb "$ckpt" | cut -f1)
echo "checkpoint: $ckpt ($inputs bytes), memory budget $budget"

echo "== baseline: the codec alone on the same weights, data in memory (bench_checkpoint)"
"$build/bench/bench_checkpoint" "$ckpt" "$repeat"
weights=$(/usr/bin/python3 - "$ckpt" <<'PY'
import json, struct, sys, pathlib
total = 0
for f in sorted(pathlib.Path(sys.argv[1]).glob("*.safetensors")):
    with open(f, "rb") as fh:
        n = struct.unpack("<Q", fh.read(8))[0]
        header = json.loads(fh.read(n))
    for name, t in header.items():
        if name != "__metadata__" and t["dtype"] == "I8" and len(t["shape"]) == 2 \
                and name.endswith(".weight") and "norm" not in name:
            total += t["data_offsets"][1] - t["data_offsets"][0]
print(total)
PY
)
echo "compressed weights: $weights bytes of the $inputs input bytes"

run() { # run RANKS READ_AHEAD: prints "seconds peak_rss_kib" for one run
    local ranks=$1 ahead=$2
    # The previous run's output is deleted and the deletion committed first: freeing (and,
    # with the discard mount option, trimming) its blocks is not this run's work.
    rm -f "$work/out.h5"
    sync
    /usr/bin/time -f "%e %M" -o "$work/time.txt" \
        mpirun -n "$ranks" --oversubscribe --bind-to none "$nzcompress" compress \
        --input "$ckpt" --description "$ckpt/quant_model_description_w8a8s.json" \
        --output "$work/out.h5" --memory-budget "$budget" --read-ahead "$ahead" \
        --log-level error --force
    cat "$work/time.txt"
}

# One rank with --read-ahead auto uses the second core for reading (this machine has 2 cores
# and 1 rank on it); "no" keeps the rank on one core, for a like-for-like scaling figure.
for config in "1 auto" "1 no" "2 auto"; do
    read -r ranks ahead <<<"$config"
    echo "== compress, $ranks rank(s), --read-ahead $ahead, $repeat runs (seconds, peak RSS of the largest process in KiB)"
    for _ in $(seq "$repeat"); do run "$ranks" "$ahead"; done | sort -n | tee "$work/runs.txt"
    median=$(sed -n "$(((repeat + 1) / 2))p" "$work/runs.txt" | cut -d' ' -f1)
    awk -v b="$inputs" -v w="$weights" -v s="$median" -v r="$ranks" -v a="$ahead" \
        'BEGIN { printf "median %.2f s with %d rank(s), read-ahead %s: %.0f MB/s of input, %.0f MB/s of weights\n", s, r, a, b / s / 1e6, w / s / 1e6 }'
done
