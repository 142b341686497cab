#!/bin/bash
# nzcompress verify: a good file passes with and without the source; a flipped byte in one
# /weight or /index dataset, a source that differs, a selection that differs and an unfinished
# file fail with exit 3 and one line naming the file and the tensor.
source "$(dirname "$0")/lib.sh"

out="$WORK/out.h5"
compress_example "$out"

expect_code 0 "$NZCOMPRESS" verify "$out"
grep -qx 'verified 105 tensors: 105 ok, 0 failed' "$WORK/stdout" || fail "summary: $(cat "$WORK/stdout")"
[[ $(error_lines) -eq 0 ]] || fail "a good file printed errors"
expect_code 0 "$NZCOMPRESS" verify "$out" --input "$EXAMPLE"
grep -qx 'verified 105 tensors: 105 ok, 0 failed' "$WORK/stdout" || fail "--input summary"
expect_code 0 "$NZCOMPRESS" verify "$out" --input "$EXAMPLE_WEIGHTS" --description "$EXAMPLE_DESC"

# flip FILE GROUP TENSOR POSITION: xors one byte of a dataset in place.
flip() {
    "$PYTHON" - "$@" <<'PY'
import sys, h5py
path, group, name, pos = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with h5py.File(path, "r+") as f:
    ds = f[group][name]
    data = ds[()]
    data[pos] ^= 0x5A
    ds[...] = data
PY
}

tensor=model.layers.1.mlp.up_proj.weight
for group in weight index; do
    cp "$out" "$WORK/flip.h5"
    flip "$WORK/flip.h5" "$group" "$tensor" 5
    expect_code 3 "$NZCOMPRESS" verify "$WORK/flip.h5"
    one_error_naming "flip.h5: tensor '$tensor': "
    grep -qx 'verified 105 tensors: 104 ok, 1 failed' "$WORK/stdout" || fail "$group flip summary"
done
# A flip deep inside a tile's data, not near its header.
cp "$out" "$WORK/flip.h5"
flip "$WORK/flip.h5" weight "$tensor" 4000
expect_code 3 "$NZCOMPRESS" verify "$WORK/flip.h5"
one_error_naming "tensor '$tensor'"
# Decompress refuses the damaged tensor too, and writes nothing.
expect_code 3 "$NZCOMPRESS" decompress "$WORK/flip.h5" --output "$WORK/flip.safetensors"
one_error_naming "tensor '$tensor'"
[[ ! -e "$WORK/flip.safetensors" ]] || fail "decompress of a damaged file left an output"
ls "$WORK" | grep -q '\.tmp\.' && fail "decompress left a temporary file"

# info that contradicts the shape.
cp "$out" "$WORK/info.h5"
flip "$WORK/info.h5" info model.layers.0.self_attn.q_proj.weight 2
expect_code 3 "$NZCOMPRESS" verify "$WORK/info.h5"
one_error_naming "tensor 'model.layers.0.self_attn.q_proj.weight': info"

# A passthrough copy that differs from what was written: its recorded xxh3_64 catches it
# without the source.
cp "$out" "$WORK/copy.h5"
flip "$WORK/copy.h5" passthrough model.layers.0.mlp.up_proj.quant_bias 0
expect_code 3 "$NZCOMPRESS" verify "$WORK/copy.h5"
one_error_naming "tensor 'model.layers.0.mlp.up_proj.quant_bias'"
grep -q "xxh3_64" "$WORK/stderr" || fail "the passthrough mismatch does not name the checksum"

# A source that differs from what was compressed: one weight changed in a copy.
"$PYTHON" - "$EXAMPLE_WEIGHTS" "$WORK/changed.safetensors" <<'PY'
import json, struct, sys
blob = bytearray(open(sys.argv[1], "rb").read())
(n,) = struct.unpack("<Q", blob[:8])
entry = json.loads(blob[8:8 + n])["model.layers.0.mlp.gate_proj.weight"]
blob[8 + n + entry["data_offsets"][0] + 7] ^= 0x01
open(sys.argv[2], "wb").write(blob)
PY
expect_code 3 "$NZCOMPRESS" verify "$out" --input "$WORK/changed.safetensors"
one_error_naming "tensor 'model.layers.0.mlp.gate_proj.weight': restored data differ from the source in 1 elements"

# The selection: without the description every 2-D int8 *.weight is compressed, so the
# run's choices are checked against the default rules when --description is a different file.
echo '{"model_quant_type": "W8A8S"}' >"$WORK/empty_desc.json"
expect_code 3 "$NZCOMPRESS" verify "$out" --description "$WORK/empty_desc.json"
grep -q "stored as compressed low, the selection gives passthrough" "$WORK/stderr" ||
    fail "selection mismatch not explained: $(head -2 "$WORK/stderr")"

# An unfinished run's file: verified as far as it goes, then reported as incomplete.
cp "$out" "$WORK/out.h5.partial"
"$PYTHON" - "$WORK/out.h5.partial" "$tensor" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    f.attrs["complete"] = 0
    del f["weight"][sys.argv[2]].attrs["done"]
PY
expect_code 3 "$NZCOMPRESS" verify "$WORK/out.h5.partial"
one_error_naming "out.h5.partial: incomplete"
grep -q '104 ok, 0 failed (1 not written yet' "$WORK/stdout" || fail "partial summary: $(cat "$WORK/stdout")"

# W16A16S with pseudo-sparse, transpose and a disabled layer: the source is compared after the
# recorded draw is re-applied.
make_checkpoint "$WORK/w16" --format w16a16s --layers 1 --hidden 64 --intermediate 128 \
    --heads 4 --vocab 128 --seed 9
"$NZCOMPRESS" compress --input "$WORK/w16" --description "$WORK/w16/quant_model_description_w16a16s.json" \
    --output "$WORK/w16.h5" --pseudo-sparse --sparse-ratio 0.4 --seed 77 --transpose \
    --disable-layers model.layers.0.mlp.down_proj --quiet || fail "w16 compress"
expect_code 0 "$NZCOMPRESS" verify "$WORK/w16.h5" --input "$WORK/w16"
grep -qx 'verified 12 tensors: 12 ok, 0 failed' "$WORK/stdout" || fail "w16 summary: $(cat "$WORK/stdout")"
# The same file checked against the source without the draw would differ: the seed matters.
"$PYTHON" - "$WORK/w16.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    f["weight"]["model.layers.0.self_attn.q_proj.weight"].attrs["seed"] = 78
PY
expect_code 3 "$NZCOMPRESS" verify "$WORK/w16.h5" --input "$WORK/w16"
one_error_naming "tensor 'model.layers.0.self_attn.q_proj.weight': restored data differ"
echo "PASS"
