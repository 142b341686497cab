#!/bin/bash
# Failures: the same exit code on every rank, one error line, no OUT.h5.
source "$(dirname "$0")/lib.sh"

ckpt="$SOURCE_DIR/tests/data/example"
desc="$ckpt/quant_model_description_w8a8s.json"
out="$WORK/out.h5"

# Usage errors, found by every rank: exit 2, one line.
expect_code 2 run_ranks 3 --input "$ckpt" --output "$out" --no-such-flag
[[ $(error_lines) -eq 1 ]] || fail "unknown flag: $(error_lines) error lines"
expect_code 2 run_ranks 3 --input "$ckpt" --description "$desc" --output "$out" \
    --disable-layers model.layers.7.mlp.up_proj
grep -q "model.layers.7.mlp.up_proj" "$WORK/stderr" || fail "unknown layer not named"
[[ $(error_lines) -eq 1 ]] || fail "--disable-layers: $(error_lines) error lines"
expect_code 2 run_ranks 2 --input "$ckpt" --output "$out" --read-ahead maybe
grep -q -- "--read-ahead must be auto, yes or no" "$WORK/stderr" || fail "bad --read-ahead not named"
[[ ! -e "$out" && ! -e "$out.partial" ]] || fail "a usage error left a file"

# Malformed input (rank 0 reads the headers): exit 3, file named.
cp "$ckpt/quant_model_weight_w8a8s.safetensors" "$WORK/bad.safetensors"
truncate -s -100 "$WORK/bad.safetensors"
expect_code 3 run_ranks 2 --input "$WORK/bad.safetensors" --output "$out"
grep -q "bad.safetensors" "$WORK/stderr" || fail "bad file not named"
[[ ! -e "$out" ]] || fail "bad input left OUT.h5"

# A tensor failing on the rank that owns it (with 4 ranks and this budget, see --dry-run:
# rank 1 in round 2, rank 2 in round 4, rank 0 in round 1, rank 3 in round 2): every rank
# stops with code 3, one message naming the tensor, no OUT.h5.
for tensor in model.layers.0.mlp.gate_proj.weight model.layers.1.self_attn.k_proj.weight \
    model.layers.0.self_attn.k_proj.weight model.layers.0.self_attn.q_proj.weight; do
    expect_code 3 env NZCOMPRESS_TEST_FAIL_TENSOR="$tensor" \
        "$MPIEXEC" "$MPIEXEC_NUMPROC_FLAG" 4 -x NZCOMPRESS_TEST_FAIL_TENSOR "$NZCOMPRESS" compress \
        --input "$ckpt" --description "$desc" --output "$out" --memory-budget 16KiB
    [[ $(error_lines) -eq 1 ]] || fail "$tensor: $(error_lines) error lines"
    grep -q "tensor '$tensor'" "$WORK/stderr" || fail "$tensor not named"
    grep -q "MPI_ABORT" "$WORK/stderr" && fail "$tensor: MPI abort"
    [[ ! -e "$out" ]] || fail "$tensor: a failed run left OUT.h5"
done

# An existing OUT.h5 is refused without --force and left untouched.
echo "keep me" >"$out"
expect_code 2 run_ranks 2 --input "$ckpt" --description "$desc" --output "$out"
grep -q "already exists" "$WORK/stderr" || fail "no clear message for an existing output"
[[ "$(cat "$out")" == "keep me" ]] || fail "existing OUT.h5 was modified"
# With --force it is replaced by a complete file.
expect_code 0 run_ranks 2 --input "$ckpt" --description "$desc" --output "$out" --force --quiet
"$CHECK_OUTPUT" "$out" "$ckpt" >/dev/null || fail "--force output does not check"

# An output folder that does not exist: I/O error.
expect_code 4 run_ranks 2 --input "$ckpt" --output "$WORK/missing/out.h5"
echo "PASS"
