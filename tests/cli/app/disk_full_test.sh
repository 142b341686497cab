#!/bin/bash
# A full file system: exit code 4 naming the file and the lack of space, no crash, no OUT.h5
# (the useless partial file is removed to give the space back). Needs to mount a small
# tmpfs (the tests run as root); skipped (exit 77) where mounting is not allowed.
source "$(dirname "$0")/lib.sh"

ckpt="$SOURCE_DIR/tests/data/example"
desc="$ckpt/quant_model_description_w8a8s.json"
mkdir "$WORK/small"
if ! mount -t tmpfs -o size=200k tmpfs "$WORK/small" 2>/dev/null; then
    echo "SKIP: cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)"
    exit 77
fi
trap 'umount "$WORK/small" 2>/dev/null; rm -rf "$WORK"' EXIT

# The output is about 300 KiB, a third of it metadata. With 200 KiB the space runs out while
# the ranks write their data; with 250 KiB the check before HDF5 flushes its metadata finds
# too little room. (Much smaller
# file systems are not tested: once the partial file's data are freed, closing it must still
# write its metadata, which a file system smaller than the metadata cannot take; real
# outputs are almost all data.)
for size in 200k 250k; do
    mount -o remount,size=$size "$WORK/small" || fail "cannot resize the tmpfs to $size"
    for n in 1 3; do
        expect_code 4 run_ranks "$n" --input "$ckpt" --description "$desc" \
            --output "$WORK/small/out.h5" --quiet
        [[ $(error_lines) -eq 1 ]] || fail "$size, $n ranks: $(error_lines) error lines"
        grep -q "out.h5.partial" "$WORK/stderr" || fail "$size, $n ranks: $(cat "$WORK/stderr")"
        grep -q "Segmentation\|Process received signal\|MPI_ABORT" "$WORK/stderr" &&
            fail "$size, $n ranks: crashed: $(cat "$WORK/stderr")"
        [[ -z "$(ls -A "$WORK/small")" ]] || fail "$size, $n ranks left: $(ls "$WORK/small")"
    done
    # The system's own reason where the ranks' data writes fail (not HDF5's metadata flush).
    if [[ $size == 200k ]]; then
        grep -qi "no space left" "$WORK/stderr" || fail "$size: no space not named: $(cat "$WORK/stderr")"
    fi
done
echo "PASS"
