#!/bin/bash
# --dry-run validates, prints the table and writes nothing (no --output needed).
source "$(dirname "$0")/lib.sh"

ckpt="$SOURCE_DIR/tests/data/example"
desc="$ckpt/quant_model_description_w8a8s.json"
cd "$WORK"
expect_code 0 run_ranks 2 --input "$ckpt" --description "$desc" --dry-run \
    --disable-layers model.layers.1.mlp.up_proj
grep -q 'model.layers.0.self_attn.q_proj.weight .* compress low' "$WORK/stdout" || fail "no compress row"
grep -q 'model.layers.1.mlp.up_proj.weight .* disabled' "$WORK/stdout" || fail "no disabled row"
grep -q 'model.norm.weight .* passthrough' "$WORK/stdout" || fail "no passthrough row"
grep -q '^105 tensors .* 13 to compress, 1 disabled, 91 passthrough; 2 rank(s)' "$WORK/stdout" ||
    fail "summary line: $(tail -1 "$WORK/stdout")"
[[ $(grep -c 'model.layers.0.self_attn.q_proj.weight ' "$WORK/stdout") -eq 1 ]] ||
    fail "the table is printed by more than one rank"
# With an --output given, still nothing is written.
expect_code 0 run_ranks 2 --input "$ckpt" --description "$desc" --dry-run --output "$WORK/o.h5"
[[ -z "$(ls -A "$WORK" | grep -v -e stdout -e stderr)" ]] || fail "dry run wrote: $(ls "$WORK")"
echo "PASS"
