#!/bin/bash
# nzcompress export: --format safetensors writes the files scripts/nzc_h5.py
# export-msmodelslim writes (same tensors, dtypes, shapes and bytes, same description JSON);
# --format dat writes one raw file per dataset; existing files are refused without --force.
source "$(dirname "$0")/lib.sh"

out="$WORK/out.h5"
compress_example "$out" --disable-layers model.layers.0.self_attn.o_proj

expect_code 0 "$NZCOMPRESS" export "$out" --format safetensors --output "$WORK/cpp"
"$PYTHON" "$SOURCE_DIR/scripts/nzc_h5.py" export-msmodelslim "$out" "$WORK/py" >/dev/null ||
    fail "nzc_h5.py export-msmodelslim"
cmp "$WORK/cpp/quant_model_description_w8a8sc.json" "$WORK/py/quant_model_description_w8a8sc.json" ||
    fail "description JSON differs from nzc_h5.py's"

# same_export A.safetensors B.safetensors: same tensors in the same order with the same
# dtype, shape, offsets and bytes (only the producer in __metadata__ may differ).
same_export() {
    "$PYTHON" - "$1" "$2" <<'PY' || fail "$1 and $2 differ"
import json, struct, sys
import numpy as np
def load(path):
    blob = open(path, "rb").read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    header.pop("__metadata__")
    return header, np.frombuffer(blob, dtype=np.uint8, offset=8 + n)
a, da = load(sys.argv[1])
b, db = load(sys.argv[2])
assert list(a) == list(b), "tensor order differs"
for name in a:
    assert a[name] == b[name], (name, a[name], b[name])
    assert np.array_equal(da[slice(*a[name]["data_offsets"])], db[slice(*b[name]["data_offsets"])]), name
assert da.size == db.size
print(f"{len(a)} tensors identical")
PY
}
same_export "$WORK/cpp/quant_model_weight_w8a8sc.safetensors" "$WORK/py/quant_model_weight_w8a8sc.safetensors"

# The export's content: every weight as X.weight/X.index/X.info, the disabled layer with an
# empty index, the description typing scales of compressed layers W8A8SC.
"$PYTHON" - "$WORK/cpp" <<'PY' || fail "export content"
import json, struct, sys
d = sys.argv[1]
blob = open(f"{d}/quant_model_weight_w8a8sc.safetensors", "rb").read()
(n,) = struct.unpack("<Q", blob[:8])
h = json.loads(blob[8:8 + n])
assert h["model.layers.0.mlp.up_proj.weight"]["dtype"] == "I8"
assert h["model.layers.0.mlp.up_proj.info"] == {"dtype": "I64", "shape": [5], "data_offsets": h["model.layers.0.mlp.up_proj.info"]["data_offsets"]}
assert h["model.layers.0.self_attn.o_proj.index"]["shape"] == [0]
desc = json.load(open(f"{d}/quant_model_description_w8a8sc.json"))
assert desc["model_quant_type"] == "W8A8SC"
assert desc["model.layers.0.mlp.up_proj.weight"] == "W8A8SC"
assert desc["model.layers.0.mlp.up_proj.index"] == "W8A8SC"
assert desc["model.norm.weight"] == "FLOAT"
print("content ok")
PY

# Existing files: refused (exit 2, nothing changed), replaced with --force.
before=$(md5sum "$WORK/cpp/quant_model_weight_w8a8sc.safetensors")
echo '{}' >"$WORK/cpp/quant_model_description_w8a8sc.json"
expect_code 2 "$NZCOMPRESS" export "$out" --format safetensors --output "$WORK/cpp"
one_error_naming "exists; pass --force"
[[ "$(cat "$WORK/cpp/quant_model_description_w8a8sc.json")" == "{}" ]] || fail "existing file modified"
[[ "$(md5sum "$WORK/cpp/quant_model_weight_w8a8sc.safetensors")" == "$before" ]] || fail "weights modified"
expect_code 0 "$NZCOMPRESS" export "$out" --format safetensors --output "$WORK/cpp" --force
cmp "$WORK/cpp/quant_model_description_w8a8sc.json" "$WORK/py/quant_model_description_w8a8sc.json" ||
    fail "description after --force"

# dat: one file per dataset, holding the dataset's bytes.
expect_code 0 "$NZCOMPRESS" export "$out" --format dat --output "$WORK/dat"
"$PYTHON" - "$out" "$WORK/dat" <<'PY' || fail "dat files"
import os, sys
import h5py, numpy as np
out, d = sys.argv[1:3]
expected = set()
with h5py.File(out, "r") as f:
    for name in f["weight"]:
        base = name[:-len(".weight")]
        for group, suffix in (("weight", "weight"), ("index", "index"), ("info", "info")):
            path = f"{d}/{base}.{suffix}.dat"
            expected.add(os.path.basename(path))
            data = np.fromfile(path, dtype=np.uint8)
            stored = np.asarray(f[group][name][()])
            want = stored.astype("<i8") if group == "info" else stored
            assert data.tobytes() == want.tobytes(), path
    for name in f["passthrough"]:
        path = f"{d}/{name}.dat"
        expected.add(os.path.basename(path))
        assert np.fromfile(path, dtype=np.uint8).tobytes() == f["passthrough"][name][()].tobytes(), path
assert set(os.listdir(d)) == expected, sorted(set(os.listdir(d)) ^ expected)[:5]
assert os.path.getsize(f"{d}/model.layers.0.mlp.up_proj.info.dat") == 40
print(f"{len(expected)} dat files ok")
PY
expect_code 2 "$NZCOMPRESS" export "$out" --format dat --output "$WORK/dat"
one_error_naming "exists; pass --force"
expect_code 0 "$NZCOMPRESS" export "$out" --format dat --output "$WORK/dat" --force

# W16A16SC only: the w16a16sc file names and model type.
make_checkpoint "$WORK/w16" --format w16a16s --layers 1 --hidden 64 --intermediate 128 \
    --heads 4 --vocab 128 --seed 9
"$NZCOMPRESS" compress --input "$WORK/w16" --description "$WORK/w16/quant_model_description_w16a16s.json" \
    --output "$WORK/w16.h5" --quiet || fail "w16 compress"
expect_code 0 "$NZCOMPRESS" export "$WORK/w16.h5" --format safetensors --output "$WORK/w16exp"
[[ -f "$WORK/w16exp/quant_model_weight_w16a16sc.safetensors" ]] || fail "no w16a16sc weights file"
grep -q '"model_quant_type": "W16A16SC"' "$WORK/w16exp/quant_model_description_w16a16sc.json" ||
    fail "w16a16sc model type"
"$PYTHON" "$SOURCE_DIR/scripts/nzc_h5.py" export-msmodelslim "$WORK/w16.h5" "$WORK/w16py" >/dev/null ||
    fail "nzc_h5.py on w16"
same_export "$WORK/w16exp/quant_model_weight_w16a16sc.safetensors" "$WORK/w16py/quant_model_weight_w8a8sc.safetensors"
cmp "$WORK/w16exp/quant_model_description_w16a16sc.json" "$WORK/w16py/quant_model_description_w8a8sc.json" ||
    fail "w16 description differs from nzc_h5.py's"

# Bad --format.
expect_code 2 "$NZCOMPRESS" export "$out" --format zip --output "$WORK/zip"
one_error_naming "--format"
echo "PASS"
