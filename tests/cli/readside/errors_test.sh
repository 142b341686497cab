#!/bin/bash
# Every read-side command on files it cannot use: one error line naming the file, and the
# contract's exit code (missing or unreadable 4, not HDF5 / not nzcompress / damaged 3, bad
# flags 2). --help works for each.
source "$(dirname "$0")/lib.sh"

out="$WORK/out.h5"
compress_example "$out"

# run_all CODE TEXT FILE: each command on FILE exits with CODE and one line containing TEXT.
run_all() {
    local code=$1 text=$2 file=$3
    expect_code "$code" "$NZCOMPRESS" verify "$file"
    one_error_naming "$text"
    expect_code "$code" "$NZCOMPRESS" inspect "$file"
    one_error_naming "$text"
    expect_code "$code" "$NZCOMPRESS" inspect "$file" --json
    one_error_naming "$text"
    expect_code "$code" "$NZCOMPRESS" decompress "$file" --output "$WORK/r.safetensors"
    one_error_naming "$text"
    [[ ! -e "$WORK/r.safetensors" ]] || fail "decompress of $file left an output"
    expect_code "$code" "$NZCOMPRESS" export "$file" --format safetensors --output "$WORK/e"
    one_error_naming "$text"
    [[ ! -e "$WORK/e/quant_model_weight_w8a8sc.safetensors" ]] || fail "export of $file left an output"
}

run_all 4 "missing.h5: cannot open" "$WORK/missing.h5"
mkdir "$WORK/folder.h5"
run_all 4 "folder.h5: is a folder" "$WORK/folder.h5"

# Truncated: HDF5 sees the end of file before its recorded end.
head -c 4000 "$out" >"$WORK/truncated.h5"
run_all 3 "truncated.h5: damaged HDF5 file" "$WORK/truncated.h5"
head -c 4 "$out" >"$WORK/stub.h5"
run_all 3 "stub.h5: not an HDF5 file" "$WORK/stub.h5"
# Not HDF5 at all, and empty.
cp "$EXAMPLE_WEIGHTS" "$WORK/weights.h5"
run_all 3 "weights.h5: not an HDF5 file" "$WORK/weights.h5"
: >"$WORK/empty.h5"
run_all 3 "empty.h5: not an HDF5 file" "$WORK/empty.h5"
# HDF5, but not an nzcompress output; and one whose groups are gone.
"$PYTHON" - "$WORK/other.h5" "$out" "$WORK/nogroups.h5" <<'PY'
import shutil, sys, h5py
with h5py.File(sys.argv[1], "w") as f:
    f["x"] = [1, 2, 3]
shutil.copy(sys.argv[2], sys.argv[3])
with h5py.File(sys.argv[3], "r+") as f:
    del f["index"]
PY
run_all 3 "other.h5: not an nzcompress output" "$WORK/other.h5"
expect_code 3 "$NZCOMPRESS" verify "$WORK/nogroups.h5"
one_error_naming "nogroups.h5: group /index is missing"
# A newer format version is refused rather than misread.
cp "$out" "$WORK/v2.h5"
"$PYTHON" -c 'import sys, h5py; f = h5py.File(sys.argv[1], "r+"); f.attrs["format_version"] = 2' "$WORK/v2.h5"
expect_code 3 "$NZCOMPRESS" inspect "$WORK/v2.h5"
one_error_naming "format_version 2 is not supported"

# An unreadable file (skipped as root, who reads anything).
if [[ $(id -u) -ne 0 ]]; then
    cp "$out" "$WORK/secret.h5"
    chmod 000 "$WORK/secret.h5"
    run_all 4 "secret.h5: cannot open" "$WORK/secret.h5"
fi

# Bad flags: exit 2, one line.
for command in verify decompress inspect export; do
    expect_code 2 "$NZCOMPRESS" "$command" "$out" --no-such-flag
    one_error_naming "no-such-flag"
    expect_code 2 "$NZCOMPRESS" "$command"
    [[ $(error_lines) -eq 1 ]] || fail "$command without arguments: $(cat "$WORK/stderr")"
    expect_code 0 "$NZCOMPRESS" "$command" --help
    grep -q "^usage: nzcompress $command OUT.h5" "$WORK/stdout" || fail "$command --help"
    grep -q "exit codes" "$WORK/stdout" || fail "$command --help does not give exit codes"
done
expect_code 2 "$NZCOMPRESS" verify "$out" "$out"
one_error_naming "one OUT.h5 expected"
expect_code 2 "$NZCOMPRESS" export "$out" --output "$WORK/e"
one_error_naming "--format"
"$NZCOMPRESS" --help | grep -q '^  decompress ' || fail "decompress missing from nzcompress --help"
echo "PASS"
