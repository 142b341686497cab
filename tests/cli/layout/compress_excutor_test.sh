#!/usr/bin/env bash
# compress_excutor end to end.
#   compress_excutor_test.sh conformance EXE CASE_DIR dimK dimN compressType
#       runs the program the way msModelSlim does on CASE_DIR/nz.bin and compares the outputs
#       with the case's weight.bin and index.bin (cmp) and the info file with 8, 8, length.
#   compress_excutor_test.sh errors EXE CASE_DIR dimK dimN compressType
#       bad arguments and files: exit code 2, 3 or 4 and exactly one line on stderr of the form
#       "compress_excutor: error: ..." naming what is wrong.
set -u

mode=$1 exe=$2 case_dir=$3 dim_k=$4 dim_n=$5 type=$6
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

run_conformance() {
    "$exe" "$dim_k" "$dim_n" 1 1 1 "$type" 0 "$case_dir/nz.bin" "$work/out.bin" "$work/idx.bin" \
        "$work/info.bin" 2>"$work/stderr"
    local rc=$?
    [[ $rc -eq 0 ]] || fail "exit code $rc: $(cat "$work/stderr")"
    [[ -s $work/stderr ]] && fail "unexpected stderr: $(cat "$work/stderr")"
    cmp "$work/out.bin" "$case_dir/weight.bin" || fail "compressed weight differs"
    cmp "$work/idx.bin" "$case_dir/index.bin" || fail "index differs"
    local expected actual
    expected="8 8 $(stat -c %s "$case_dir/weight.bin")"
    actual=$(od -An -v -tu4 "$work/info.bin" | xargs)
    [[ $actual == "$expected" ]] || fail "info is '$actual', expected '$expected'"
}

# expect_failure CODE PATTERN ARGS...: the program exits with CODE and prints exactly one line
# on stderr that starts with the program's prefix and contains PATTERN.
expect_failure() {
    local code=$1 pattern=$2
    shift 2
    "$exe" "$@" >"$work/stdout" 2>"$work/stderr"
    local rc=$?
    local lines
    lines=$(wc -l <"$work/stderr")
    [[ $rc -eq $code ]] || fail "args '$*': exit code $rc, expected $code"
    [[ $lines -eq 1 ]] || fail "args '$*': $lines lines on stderr, expected 1"
    grep -q "^compress_excutor: error: .*$pattern" "$work/stderr" ||
        fail "args '$*': stderr '$(cat "$work/stderr")' lacks '$pattern'"
}

run_errors() {
    local nz=$case_dir/nz.bin out=$work/out.bin idx=$work/idx.bin info=$work/info.bin
    expect_failure 2 "expected 11 arguments" 
    expect_failure 2 "got 10" "$dim_k" "$dim_n" 1 1 1 "$type" 0 "$nz" "$out" "$idx"
    expect_failure 2 "dimK" abc "$dim_n" 1 1 1 "$type" 0 "$nz" "$out" "$idx" "$info"
    expect_failure 2 "dimN" "$dim_k" 8x 1 1 1 "$type" 0 "$nz" "$out" "$idx" "$info"
    expect_failure 2 "dimK" 0 "$dim_n" 1 1 1 "$type" 0 "$nz" "$out" "$idx" "$info"
    expect_failure 2 "compressType" "$dim_k" "$dim_n" 1 1 1 2 0 "$nz" "$out" "$idx" "$info"
    expect_failure 2 "isTight" "$dim_k" "$dim_n" 0 1 1 "$type" 0 "$nz" "$out" "$idx" "$info"
    # A file whose size does not match dimK*dimN*512: invalid input, named.
    expect_failure 3 "$nz: holds" $((dim_k + 1)) "$dim_n" 1 1 1 "$type" 0 "$nz" "$out" "$idx" \
        "$info"
    [[ -e $out || -e $idx || -e $info ]] && fail "outputs written after a failed run"
    # A missing input and an unwritable output: I/O errors, named.
    expect_failure 4 "$work/missing.bin" "$dim_k" "$dim_n" 1 1 1 "$type" 0 "$work/missing.bin" \
        "$out" "$idx" "$info"
    expect_failure 4 "$work/no/such/dir/out.bin" "$dim_k" "$dim_n" 1 1 1 "$type" 0 "$nz" \
        "$work/no/such/dir/out.bin" "$idx" "$info"
    "$exe" --help >"$work/stdout" 2>&1 || fail "--help exit code $?"
    grep -q "usage: compress_excutor" "$work/stdout" || fail "--help prints no usage"
}

case $mode in
conformance) run_conformance ;;
errors) run_errors ;;
*) echo "unknown mode '$mode'" >&2; exit 2 ;;
esac

if [[ $failures -ne 0 ]]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "ok"
