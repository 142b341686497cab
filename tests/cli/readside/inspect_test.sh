#!/bin/bash
# nzcompress inspect: the root attributes and one row per tensor of the source, as text and as
# JSON, with the figures the file's /report holds.
source "$(dirname "$0")/lib.sh"

out="$WORK/out.h5"
compress_example "$out" --disable-layers model.layers.1.mlp.down_proj

expect_code 0 "$NZCOMPRESS" inspect "$out"
cp "$WORK/stdout" "$WORK/inspect.txt"
expect_code 0 "$NZCOMPRESS" inspect "$out" --json
cp "$WORK/stdout" "$WORK/inspect.json"

"$PYTHON" - "$out" "$EXAMPLE_WEIGHTS" "$WORK/inspect.txt" "$WORK/inspect.json" <<'PY' || fail "inspect output"
import json, struct, sys
import h5py

out, source, text_path, json_path = sys.argv[1:5]
blob = open(source, "rb").read()
(n,) = struct.unpack("<Q", blob[:8])
names = {k: v for k, v in json.loads(blob[8:8 + n]).items() if k != "__metadata__"}

# Text: every tensor on a row of its own, with its kind, dtype and shape.
lines = open(text_path).read().splitlines()
assert lines[0].split() == ["file", out], lines[0]
assert lines[2].split() == ["complete", "1"], lines[2]
assert any(l.startswith("config ") and '"compress_type":"auto"' in l for l in lines)
rows = {l.split()[0]: l.split() for l in lines if l.split() and l.split()[0] in names}
assert set(rows) == set(names), sorted(set(names) - set(rows))[:5]
assert rows["model.layers.0.mlp.up_proj.weight"][1:4] == ["compressed", "I8", "[176,"]
assert rows["model.layers.1.mlp.down_proj.weight"][1] == "disabled"
assert rows["model.norm.weight"][1:3] == ["passthrough", "F32"]
assert "105 tensors: 13 compressed, 1 disabled, 91 passthrough" in lines
assert any(l.startswith("The final compression ratio is ") for l in lines)

# JSON: the same tensors, and the figures of /report.
doc = json.load(open(json_path))
assert doc["attributes"]["format"] == "nzcompress" and doc["attributes"]["complete"] == 1
assert doc["attributes"]["config"]["disable_layers"] == ["model.layers.1.mlp.down_proj.weight"]
tensors = {t["name"]: t for t in doc["tensors"]}
assert set(tensors) == set(names)
with h5py.File(out, "r") as f:
    for row in f["report"][()]:
        name = row["name"].decode() if isinstance(row["name"], bytes) else row["name"]
        t = tensors[name]
        kind = row["kind"].decode() if isinstance(row["kind"], bytes) else row["kind"]
        assert t["kind"] == kind, name
        assert t["original_bytes"] == row["original_bytes"], name
        assert t["stored_bytes"] == row["stored_bytes"], name
        assert abs(t["ratio"] - row["ratio"]) < 1e-12, name
for name, entry in names.items():
    assert tensors[name]["dtype"] == entry["dtype"] and tensors[name]["shape"] == entry["shape"]
assert tensors["model.layers.0.mlp.up_proj.weight"]["compress_type"] == "low"
assert tensors["lm_head.weight"]["compress_type"] is None
assert doc["summary"]["weights"] == 14 and doc["summary"]["tensors"] == 105
print("inspect ok")
PY

# An unfinished file is shown, with the unfinished tensors marked.
cp "$out" "$WORK/out.h5.partial"
"$PYTHON" - "$WORK/out.h5.partial" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    f.attrs["complete"] = 0
    del f["weight"]["model.layers.0.mlp.up_proj.weight"].attrs["done"]
PY
expect_code 0 "$NZCOMPRESS" inspect "$WORK/out.h5.partial"
grep -q '^complete  *0 ' "$WORK/stdout" || fail "incomplete not shown"
grep -q '^model.layers.0.mlp.up_proj.weight  *compressed\* ' "$WORK/stdout" || fail "unfinished tensor not marked"

# A damaged entry is shown as such, then named on stderr (exit 3).
cp "$out" "$WORK/damaged.h5"
"$PYTHON" - "$WORK/damaged.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    del f["weight"]["model.layers.0.mlp.up_proj.weight"].attrs["nz_xxh3_64"]
PY
expect_code 3 "$NZCOMPRESS" inspect "$WORK/damaged.h5"
one_error_naming "tensor 'model.layers.0.mlp.up_proj.weight': attribute 'nz_xxh3_64' is missing"
grep -q '^model.layers.0.mlp.up_proj.weight  *damaged ' "$WORK/stdout" || fail "damaged row"
echo "PASS"
