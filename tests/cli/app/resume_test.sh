#!/bin/bash
# An interrupted run leaves OUT.h5.partial (no OUT.h5); --resume with another number of ranks
# finishes it, skipping the tensors marked done, and the result has the same data as an
# uninterrupted run. A changed option is refused with the option named; tensors marked done
# whose data were damaged since are found and done again.
source "$(dirname "$0")/lib.sh"

ckpt="$SOURCE_DIR/tests/data/example"
desc="$ckpt/quant_model_description_w8a8s.json"
run_ranks 2 --input "$ckpt" --description "$desc" --output "$WORK/full.h5" --quiet

expect_code 3 env NZCOMPRESS_TEST_FAIL_TENSOR=model.layers.1.mlp.up_proj.weight \
    "$MPIEXEC" "$MPIEXEC_NUMPROC_FLAG" 3 -x NZCOMPRESS_TEST_FAIL_TENSOR "$NZCOMPRESS" compress \
    --input "$ckpt" --description "$desc" --output "$WORK/r.h5" --memory-budget 8KiB
[[ -e "$WORK/r.h5.partial" && ! -e "$WORK/r.h5" ]] || fail "no partial file after the failure"
done_before=$("$PYTHON" - "$WORK/r.h5.partial" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    assert f.attrs["complete"] == 0
    print(sum("done" in f[g][k].attrs for g in ("weight", "passthrough") for k in f[g]))
PY
)
[[ $done_before -gt 0 && $done_before -lt 105 ]] || fail "$done_before tensors done before resume"

expect_code 2 run_ranks 2 --input "$ckpt" --description "$desc" --output "$WORK/r.h5" --resume \
    --transpose
grep -q "option 'transpose' differs" "$WORK/stderr" || fail "changed option not named"

# Damage two tensors marked done (a compressed weight, a passthrough copy): --resume checks
# every done tensor (decoding weights against nz_xxh3_64, comparing copies with the input)
# and does these two again.
damaged=$("$PYTHON" - "$WORK/r.h5.partial" <<'PY'
import sys, h5py, numpy as np
names = []
with h5py.File(sys.argv[1], "r+") as f:
    for group, kind in (("weight", "compressed"), ("passthrough", "passthrough")):
        for link in sorted(f[group]):
            d = f[group][link]
            if "done" in d.attrs and d.attrs["kind"] == kind and d.size > 0:
                raw = d[()].view(np.uint8)
                d[...] = (raw ^ 0xFF).view(d.dtype)
                names.append(d.attrs["name"])
                break
print(" ".join(names))
PY
)
[[ $(wc -w <<<"$damaged") -eq 2 ]] || fail "could not damage two done tensors: $damaged"
expect_code 0 run_ranks 2 --input "$ckpt" --description "$desc" --output "$WORK/r.h5" --resume
grep -q "2 done tensor(s) of .* failed their checksum and are done again" "$WORK/stderr" ||
    fail "damaged tensors not found: $(cat "$WORK/stderr")"
grep -q "resuming: $((done_before - 2)) of 105 tensors already done" "$WORK/stderr" ||
    fail "resume log: $(cat "$WORK/stderr")"
[[ -e "$WORK/r.h5" && ! -e "$WORK/r.h5.partial" ]] || fail "resume did not publish OUT.h5"
same_data "$WORK/full.h5" "$WORK/r.h5"
"$CHECK_OUTPUT" "$WORK/r.h5" "$ckpt" || fail "check_output after resume"

expect_code 2 run_ranks 2 --input "$ckpt" --description "$desc" --output "$WORK/r.h5" --resume
grep -q "already complete" "$WORK/stderr" || fail "resume of a complete file"
echo "PASS"
