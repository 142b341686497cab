#!/bin/bash
# A shard truncated while the run goes on (after rank 0 checked every header): the rank that
# reads a tensor past the new end stops every rank with exit code 3 and one line naming the
# file, the tensor and the truncation; no OUT.h5, a partial file. --resume refuses to start
# while the shard is truncated (exit 3, the file named) and finishes the run once the shard
# is restored.
source "$(dirname "$0")/lib.sh"

mkdir "$WORK/ckpt"
cp -p "$SOURCE_DIR/tests/data/example/"* "$WORK/ckpt/"
ckpt="$WORK/ckpt"
shard="$ckpt/quant_model_weight_w8a8s.safetensors"
cp -p "$shard" "$WORK/shard.orig"
args=(--input "$ckpt" --description "$ckpt/quant_model_description_w8a8s.json"
    --memory-budget 8KiB --quiet)
run_ranks 2 "${args[@]}" --output "$WORK/full.h5"

out="$WORK/out.h5"
"$MPIEXEC" "$MPIEXEC_NUMPROC_FLAG" 2 -x NZCOMPRESS_TEST_TENSOR_DELAY_MS=40 "$NZCOMPRESS" \
    compress "${args[@]}" --output "$out" >"$WORK/stdout" 2>"$WORK/stderr" &
pid=$!
for _ in $(seq 100); do
    [[ -e "$out.partial" ]] && break
    sleep 0.05
done
[[ -e "$out.partial" ]] || fail "no partial file appeared"
sleep 0.3
# Keep the header and the first half of the data: the later tensors are not read yet.
truncate -s $(($(stat -c %s "$shard") / 2)) "$shard"
code=0
wait "$pid" || code=$?
[[ $code -eq 3 ]] || fail "exit code $code, expected 3: $(cat "$WORK/stderr")"
[[ $(error_lines) -eq 1 ]] || fail "$(error_lines) error lines: $(cat "$WORK/stderr")"
grep -q "quant_model_weight_w8a8s.safetensors: tensor '.*': the file is truncated" \
    "$WORK/stderr" || fail "the truncation is not named: $(cat "$WORK/stderr")"
grep -q "MPI_ABORT\|Segmentation" "$WORK/stderr" && fail "crashed: $(cat "$WORK/stderr")"
[[ ! -e "$out" && -e "$out.partial" ]] || fail "after the failure: $(ls "$WORK")"

# Rank 0 reads the headers again first, and the truncated shard no longer matches its own.
expect_code 3 run_ranks 2 "${args[@]}" --output "$out" --resume
grep -q "quant_model_weight_w8a8s.safetensors: .* bytes of data but the file holds" \
    "$WORK/stderr" || fail "truncated shard not named on resume: $(cat "$WORK/stderr")"
[[ -e "$out.partial" ]] || fail "the refused resume removed the partial file"

cp -p "$WORK/shard.orig" "$shard"
finish_by_resume "$out"
echo "PASS"
