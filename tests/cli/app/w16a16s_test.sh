#!/bin/bash
# W16A16S (fp16, high-sparse type) with pseudo-sparse, transpose and a disabled layer: the
# same data with 1 and 2 ranks, every weight decodes to its recorded Nz checksum, and the
# pseudo-sparse attributes are recorded.
source "$(dirname "$0")/lib.sh"

make_checkpoint "$WORK/ckpt" --format w16a16s --layers 1 --hidden 64 --intermediate 128 \
    --heads 4 --vocab 128 --seed 9
desc="$WORK/ckpt/quant_model_description_w16a16s.json"
for n in 1 2; do
    run_ranks "$n" --input "$WORK/ckpt" --description "$desc" --output "$WORK/n$n.h5" \
        --pseudo-sparse --sparse-ratio 0.4 --seed 77 --transpose \
        --disable-layers model.layers.0.mlp.down_proj --quiet || fail "$n ranks exited with $?"
done
same_data "$WORK/n1.h5" "$WORK/n2.h5"
"$CHECK_OUTPUT" "$WORK/n2.h5" || fail "check_output"
"$PYTHON" - "$WORK/n2.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    w = f["weight"]["model.layers.0.self_attn.q_proj.weight"]
    assert w.attrs["compress_type"] == "high" and w.attrs["transposed"] == 1
    assert abs(w.attrs["sparse_ratio"] - 0.4) < 1e-12 and w.attrs["seed"] == 77
    assert w.attrs["dtype"] == "F16"
    d = f["weight"]["model.layers.0.mlp.down_proj.weight"]
    assert d.attrs["kind"] == "disabled" and f["index"]["model.layers.0.mlp.down_proj.weight"].size == 0
    k1, n1, _, _ = d.attrs["nz_shape"]
    assert d.size == k1 * n1 * 512
    info = list(f["info"]["model.layers.0.self_attn.q_proj.weight"][()])
    # transposed [out=64, in=64] fp16: rows = in = 64, row bytes = 2 * out = 128
    assert info == [8, 8, 128, 64, 1], info
print("w16a16s ok")
PY
echo "PASS"
