#!/bin/bash
# npz archives (deflated and stored) and a folder of .npy files as --input, with 1 and 2
# ranks: the run succeeds and `verify --input` finds every tensor equal to its source. The
# inputs hold the awkward shapes: a scalar, an empty [0, 4] array, a Fortran-order array.
source "$(dirname "$0")/lib.sh"

data="$SOURCE_DIR/tests/data/checkpoint"
for input in deflated.npz stored.npz numpy_savez_compressed.npz npy_folder; do
    for n in 1 2; do
        out="$WORK/${input%.npz}-$n.h5"
        run_ranks "$n" --input "$data/$input" --output "$out" --quiet ||
            fail "$input with $n ranks: compress exited with $?"
        "$NZCOMPRESS" verify "$out" --input "$data/$input" >"$WORK/verify.txt" 2>&1 ||
            fail "$input with $n ranks: verify exited with $?: $(cat "$WORK/verify.txt")"
        grep -q " 0 failed" "$WORK/verify.txt" || fail "$input: $(cat "$WORK/verify.txt")"
    done
    same_data "$WORK/${input%.npz}-1.h5" "$WORK/${input%.npz}-2.h5"
done

# The scalar keeps its empty shape.
"$PYTHON" - "$WORK/deflated-2.h5" <<'PY' || fail "the scalar tensor was not kept as a scalar"
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    d = f["passthrough"]["scalar_i32"]
    assert d.shape == () and list(d.attrs["shape"]) == [], (d.shape, d.attrs["shape"])
PY
echo "PASS"
