#!/usr/bin/env bash
# The main job on the embedded example: installs what is needed, builds, then compresses the
# tiny W8A8S checkpoint in tests/data/example with two MPI ranks into one HDF5 file, prints
# msModelSlim's ratio table, and checks the result.
#   scripts/demo.sh [OUTPUT_DIR]     (default: ./demo-output)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/demo-output}
bash "$root/scripts/setup.sh"

nzcompress=$root/build/src/app/nzcompress
example=$root/tests/data/example
mkdir -p "$out"
# Open MPI refuses to run as root without these; --oversubscribe allows 2 ranks anywhere.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

echo "== compress with 2 MPI ranks"
mpirun -n 2 --oversubscribe "$nzcompress" compress \
    --input "$example/quant_model_weight_w8a8s.safetensors" \
    --description "$example/quant_model_description_w8a8s.json" \
    --output "$out/example.h5" --report "$out/example-report.json" --debug --force
echo "== inspect (first lines; the whole table is in $out/inspect.txt)"
"$nzcompress" inspect "$out/example.h5" >"$out/inspect.txt"
head -n 20 "$out/inspect.txt"
echo "== verify (decode every tensor, compare with the source)"
"$nzcompress" verify "$out/example.h5" --input "$example/quant_model_weight_w8a8s.safetensors"
echo "== export for msModelSlim users"
"$nzcompress" export "$out/example.h5" --format safetensors --output "$out/w8a8sc" --force
ls -l "$out/w8a8sc"
echo "demo: output in $out"
