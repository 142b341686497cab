#!/bin/bash
# A full file system: exit code 4 naming the file and the lack of space, no crash, no OUT.h5
# (the useless partial file is removed to give the space back). Needs to mount a small
# tmpfs (the tests run as root); skipped (exit 77) where mounting is not allowed.
source "$(dirname "$0")/lib.sh"

ckpt="$SOURCE_DIR/tests/data/example"
desc="$ckpt/quant_model_description_w8a8s.json"
mkdir "$WORK/small"
if ! mount -t tmpfs -o size=150k tmpfs "$WORK/small" 2>/dev/null; then
    echo "SKIP: cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)"
    exit 77
fi
trap 'umount "$WORK/small"; rm -rf "$WORK"' EXIT

for n in 1 3; do
    expect_code 4 run_ranks "$n" --input "$ckpt" --description "$desc" \
        --output "$WORK/small/out.h5" --quiet
    [[ $(error_lines) -eq 1 ]] || fail "$n ranks: $(error_lines) error lines"
    grep -q "out.h5.partial.*no space left" "$WORK/stderr" || fail "$n ranks: $(cat "$WORK/stderr")"
    grep -q "Segmentation\|Process received signal" "$WORK/stderr" && fail "$n ranks: crashed"
    [[ -z "$(ls -A "$WORK/small")" ]] || fail "$n ranks left: $(ls "$WORK/small")"
done
echo "PASS"
