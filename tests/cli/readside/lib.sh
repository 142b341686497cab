# Helpers shared by the read-side CLI tests. Sourced; expects NZCOMPRESS, SOURCE_DIR and PYTHON
# from CTest (with defaults for running by hand).
: "${NZCOMPRESS:?set NZCOMPRESS to the nzcompress program}"
: "${SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}"
: "${PYTHON:=/usr/bin/python3}"
# compress runs here without mpirun, as one rank.
# shellcheck source=../common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh" cli_readside

EXAMPLE="$SOURCE_DIR/tests/data/example"
EXAMPLE_DESC="$EXAMPLE/quant_model_description_w8a8s.json"
EXAMPLE_WEIGHTS="$EXAMPLE/quant_model_weight_w8a8s.safetensors"

# one_error_naming TEXT: the last command printed exactly one error line, and it contains TEXT.
one_error_naming() {
    [[ $(error_lines) -eq 1 ]] || fail "expected one error line, got: $(cat "$WORK/stderr")"
    [[ $(wc -l <"$WORK/stderr") -eq 1 ]] || fail "stderr has more than the error line: $(cat "$WORK/stderr")"
    grep -qF -- "$1" "$WORK/stderr" || fail "error line does not name '$1': $(cat "$WORK/stderr")"
}

# compress_example OUT.h5 [options]: the example checkpoint with its description.
compress_example() {
    local out=$1
    shift
    "$NZCOMPRESS" compress --input "$EXAMPLE" --description "$EXAMPLE_DESC" --output "$out" \
        --quiet "$@" || fail "compress exited with $?"
}

# same_tensors RESTORED.safetensors SOURCE...: every tensor of the sources (files or folders
# of *.safetensors) is in RESTORED with the same dtype, shape and bytes, and nothing else is.
same_tensors() {
    "$PYTHON" - "$@" <<'PY' || fail "restored tensors differ from the source"
import glob, json, os, struct, sys
import numpy as np

def load(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    data = np.frombuffer(blob, dtype=np.uint8, offset=8 + n)
    out = {}
    end = 0
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        b, e = entry["data_offsets"]
        end = max(end, e)
        out[name] = (entry["dtype"], entry["shape"], data[b:e])
    assert end == data.size, f"{path}: {data.size - end} bytes after the last tensor"
    return out

restored = load(sys.argv[1])
source = {}
for path in sys.argv[2:]:
    files = sorted(glob.glob(os.path.join(path, "*.safetensors"))) if os.path.isdir(path) else [path]
    for f in files:
        source.update(load(f))
assert set(restored) == set(source), (sorted(set(restored) ^ set(source)))[:5]
for name, (dtype, shape, data) in source.items():
    rdtype, rshape, rdata = restored[name]
    assert (rdtype, rshape) == (dtype, shape), f"{name}: {rdtype}{rshape} != {dtype}{shape}"
    assert np.array_equal(rdata, data), f"{name}: bytes differ"
print(f"{len(source)} tensors identical")
PY
}
