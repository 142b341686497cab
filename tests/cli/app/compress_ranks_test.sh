#!/bin/bash
# The synthetic W8A8S checkpoint (with its quant description) compressed with 1, 2, 3 and 4
# ranks: every run succeeds, the outputs hold the same data (h5diff), every weight decodes back
# to the source's Nz bytes, passthrough tensors are exact copies, and --debug/--report agree.
source "$(dirname "$0")/lib.sh"

make_checkpoint "$WORK/ckpt" --layers 2 --hidden 128 --intermediate 320 --heads 4 --vocab 256 \
    --shards 2 --seed 3
ckpt="$WORK/ckpt"
desc="$ckpt/quant_model_description_w8a8s.json"

for n in 1 2 3 4; do
    run_ranks "$n" --input "$ckpt" --description "$desc" --output "$WORK/n$n.h5" \
        --debug --report "$WORK/n$n.json" --quiet >"$WORK/debug$n.txt" ||
        fail "compress with $n ranks exited with $?"
    [[ -f "$WORK/n$n.h5" && ! -e "$WORK/n$n.h5.partial" ]] || fail "n=$n: no OUT.h5 or a leftover .partial"
done
"$CHECK_OUTPUT" "$WORK/n1.h5" "$ckpt" || fail "check_output found problems"
# Reading ahead on a thread of its own, or not, changes nothing in the file.
for n in 1 2; do
    for ahead in yes no; do
        run_ranks "$n" --input "$ckpt" --description "$desc" --output "$WORK/ahead-$ahead$n.h5" \
            --read-ahead "$ahead" --quiet || fail "--read-ahead $ahead with $n ranks exited with $?"
        same_data "$WORK/n1.h5" "$WORK/ahead-$ahead$n.h5"
    done
done
# Written with --read-ahead and on tmpfs (O_DIRECT only since Linux 6.6): the same file again.
if [[ -d /dev/shm && -w /dev/shm ]]; then
    shm=$(mktemp -d /dev/shm/nzc_test.XXXXXX)
    run_ranks 2 --input "$ckpt" --description "$desc" --output "$shm/n2.h5" --quiet ||
        fail "compress to tmpfs exited with $?"
    same_data "$WORK/n1.h5" "$shm/n2.h5"
    "$CHECK_OUTPUT" "$shm/n2.h5" "$ckpt" || fail "check_output found problems in the tmpfs output"
    rm -rf "$shm"
fi
for n in 2 3 4; do
    same_data "$WORK/n1.h5" "$WORK/n$n.h5"
    cmp -s "$WORK/debug1.txt" "$WORK/debug$n.txt" || fail "--debug output differs with $n ranks"
done

# The --debug table: one line per compressed weight and the final line.
grep -q '^\[1/14\] model.layers.0.mlp.down_proj.weight ' "$WORK/debug1.txt" || fail "debug table"
grep -q '^The final compression ratio is [0-9.]* (from [0-9]* to [0-9]*)$' "$WORK/debug1.txt" ||
    fail "final ratio line"

# The report: JSON and /report agree with the file, and a compressed weight is smaller.
"$PYTHON" - "$WORK/n3.h5" "$WORK/n3.json" <<'PY'
import json, sys
import h5py
out, report = sys.argv[1], json.load(open(sys.argv[2]))
with h5py.File(out, "r") as f:
    assert f.attrs["complete"] == 1 and f.attrs["format"] == "nzcompress"
    rows = {r["name"].decode() if isinstance(r["name"], bytes) else r["name"]: r for r in f["report"][()]}
    tensors = {t["name"]: t for t in report["tensors"]}
    assert set(rows) == set(tensors), "report and /report name different tensors"
    ranks = {t["rank"] for t in report["tensors"]}
    assert ranks == {0, 1, 2}, f"3 ranks expected in the report, got {ranks}"
    compressed = [t for t in report["tensors"] if t["kind"] == "compressed"]
    assert len(compressed) == 14
    for t in compressed:
        link = t["name"].replace("%", "%25").replace("/", "%2F")
        stored = f["weight"][link].size + f["index"][link].size
        assert stored == t["stored_bytes"], t["name"]
        assert t["stored_bytes"] < t["original_bytes"], t["name"]
        assert list(f["info"][link][()][:2]) == [8, 8]
        assert f["info"][link].dtype == "int64"
    for name, t in tensors.items():
        assert rows[name]["stored_bytes"] == t["stored_bytes"]
    norm = f["passthrough"]["model.layers.0.input_layernorm.weight"]
    assert norm.dtype == "float16" and norm.attrs["dtype"] == "F16"
print("report ok")
PY
echo "PASS"
