#!/bin/bash
# nzcompress decompress: every tensor comes back byte-identical to the source (W8A8S, and
# W16A16S transposed with a disabled layer), --tensor picks tensors, an existing output is
# refused without --force and left untouched.
source "$(dirname "$0")/lib.sh"

out="$WORK/out.h5"
compress_example "$out"
restored="$WORK/restored.safetensors"
expect_code 0 "$NZCOMPRESS" decompress "$out" --output "$restored"
grep -q "105 tensors" "$WORK/stdout" || fail "decompress summary: $(cat "$WORK/stdout")"
same_tensors "$restored" "$EXAMPLE_WEIGHTS"
ls "$WORK" | grep -q '\.tmp\.' && fail "decompress left a temporary file"

# The restored file is a checkpoint nzcompress itself reads: compressing it again gives the
# same data.
"$NZCOMPRESS" compress --input "$restored" --description "$EXAMPLE_DESC" --output "$WORK/again.h5" \
    --quiet || fail "compress of the restored file"
for group in /weight /index /info /passthrough; do
    h5diff "$out" "$WORK/again.h5" "$group" "$group" >/dev/null || fail "recompressed $group differs"
done

# Refused without --force (exit 2, file untouched), replaced with it.
echo "keep me" >"$WORK/existing.safetensors"
expect_code 2 "$NZCOMPRESS" decompress "$out" --output "$WORK/existing.safetensors"
one_error_naming "existing.safetensors: exists"
[[ "$(cat "$WORK/existing.safetensors")" == "keep me" ]] || fail "existing output modified"
expect_code 0 "$NZCOMPRESS" decompress "$out" --output "$WORK/existing.safetensors" --force
same_tensors "$WORK/existing.safetensors" "$EXAMPLE_WEIGHTS"

# --tensor: only the named tensors; an unknown name is a usage error.
expect_code 0 "$NZCOMPRESS" decompress "$out" --output "$WORK/two.safetensors" \
    --tensor model.layers.1.mlp.down_proj.weight --tensor lm_head.weight
"$PYTHON" - "$WORK/two.safetensors" "$EXAMPLE_WEIGHTS" <<'PY' || fail "--tensor output"
import json, struct, sys
def header(path):
    blob = open(path, "rb").read()
    (n,) = struct.unpack("<Q", blob[:8])
    assert n % 8 == 0, "header not padded to 8 bytes"
    h = json.loads(blob[8:8 + n])
    h.pop("__metadata__", None)
    return h, blob[8 + n:]
got, data = header(sys.argv[1])
src, sdata = header(sys.argv[2])
assert sorted(got) == ["lm_head.weight", "model.layers.1.mlp.down_proj.weight"], sorted(got)
for name, e in got.items():
    s = src[name]
    assert (e["dtype"], e["shape"]) == (s["dtype"], s["shape"])
    assert data[slice(*e["data_offsets"])] == sdata[slice(*s["data_offsets"])], name
PY
expect_code 2 "$NZCOMPRESS" decompress "$out" --output "$WORK/none.safetensors" --tensor no.such.weight
one_error_naming "no.such.weight"
expect_code 2 "$NZCOMPRESS" decompress "$out"
one_error_naming "--output"

# W16A16S, transposed, one layer disabled: back to the original orientation and dtype.
make_checkpoint "$WORK/w16" --format w16a16s --layers 1 --hidden 64 --intermediate 128 \
    --heads 4 --vocab 128 --seed 9
"$NZCOMPRESS" compress --input "$WORK/w16" --description "$WORK/w16/quant_model_description_w16a16s.json" \
    --output "$WORK/w16.h5" --transpose --disable-layers model.layers.0.mlp.up_proj --quiet ||
    fail "w16 compress"
expect_code 0 "$NZCOMPRESS" decompress "$WORK/w16.h5" --output "$WORK/w16.safetensors"
same_tensors "$WORK/w16.safetensors" "$WORK/w16"

# Names HDF5 cannot hold as they are ('/', '%', ".", non-ASCII): restored under their own
# names, verified against the source, and exported to escaped file names.
"$PYTHON" - "$WORK/names.safetensors" <<'PY'
import json, struct, sys
import numpy as np
rng = np.random.default_rng(5)
tensors = {
    "a/b%c.weight": rng.integers(-4, 4, (64, 96), dtype=np.int8),
    "x/y.bias": np.arange(4, dtype=np.float32),
    ".": np.zeros(3, dtype=np.int8),
    "\u00e9.weight": rng.integers(-4, 4, (32, 32), dtype=np.int8),
}
header, data, offset = {}, b"", 0
for name, value in tensors.items():
    raw = value.tobytes()
    header[name] = {"dtype": {"int8": "I8", "float32": "F32"}[value.dtype.name],
                    "shape": list(value.shape), "data_offsets": [offset, offset + len(raw)]}
    offset += len(raw)
    data += raw
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
open(sys.argv[1], "wb").write(struct.pack("<Q", len(text)) + text + data)
PY
"$NZCOMPRESS" compress --input "$WORK/names.safetensors" --output "$WORK/names.h5" --quiet ||
    fail "compress of escaped names"
expect_code 0 "$NZCOMPRESS" verify "$WORK/names.h5" --input "$WORK/names.safetensors"
expect_code 0 "$NZCOMPRESS" decompress "$WORK/names.h5" --output "$WORK/names_restored.safetensors"
same_tensors "$WORK/names_restored.safetensors" "$WORK/names.safetensors"
expect_code 0 "$NZCOMPRESS" decompress "$WORK/names.h5" --output "$WORK/one.safetensors" \
    --tensor "a/b%c.weight"
expect_code 0 "$NZCOMPRESS" export "$WORK/names.h5" --format dat --output "$WORK/names_dat"
for file in a%2Fb%25c.weight.dat a%2Fb%25c.index.dat a%2Fb%25c.info.dat x%2Fy.bias.dat %2E.dat \
    $'\xc3\xa9'.weight.dat; do
    [[ -f "$WORK/names_dat/$file" ]] || fail "export dat: no $file ($(ls "$WORK/names_dat"))"
done
echo "PASS"
