#!/usr/bin/env bash
# End-to-end tests of `nzcompress codec`: every vendor codec vector through the command line,
# then the failure contract (exit code and one-line message naming the file).
#   codec_command_test.sh NZCOMPRESS CONFORMANCE_CODEC_DIR
set -uo pipefail
nzcompress=$1
cases=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect CODE PATTERN -- command...: the exit code must be CODE and stderr one line matching PATTERN.
expect() {
    local code=$1 pattern=$2
    shift 3
    "$@" >"$work/out" 2>"$work/err"
    local got=$?
    [ "$got" = "$code" ] || fail "$* exited $got, expected $code ($(cat "$work/err"))"
    if [ -n "$pattern" ]; then
        [ "$(wc -l <"$work/err")" = 1 ] || fail "$*: stderr is not one line: $(cat "$work/err")"
        grep -q -E "$pattern" "$work/err" || fail "$*: stderr '$(cat "$work/err")' lacks /$pattern/"
    fi
}

count=0
for dir in "$cases"/*/; do
    read -r fractal type offset < <(python3 -c "import json,sys; c=json.load(open(sys.argv[1])); print(c['fractal_size'], c['compress_type'], c['init_offset'])" "$dir/case.json")
    "$nzcompress" codec --input "$dir/input.bin" --fractal-size "$fractal" --compress-type "$type" \
        --init-offset "$offset" --weight-out "$work/w.bin" --index-out "$work/i.bin" --force >/dev/null ||
        fail "codec on $dir exited $?"
    cmp -s "$work/w.bin" "$dir/weight.bin" || fail "$dir: weight differs"
    cmp -s "$work/i.bin" "$dir/index.bin" || fail "$dir: index differs"
    count=$((count + 1))
done
[ "$count" -ge 47 ] || fail "only $count vendor cases found in $cases"

head -c 1000 /dev/zero >"$work/odd.bin"
expect 3 "odd.bin: .*not a non-zero multiple of the fractal size 512" -- \
    "$nzcompress" codec --input "$work/odd.bin" --fractal-size 512 --compress-type 0 \
    --weight-out "$work/a.bin" --index-out "$work/b.bin"
[ ! -e "$work/a.bin" ] || fail "a failed run left a weight file"
expect 2 "fractal-size 1000" -- "$nzcompress" codec --input "$work/odd.bin" --fractal-size 1000 \
    --compress-type 0 --weight-out "$work/a.bin" --index-out "$work/b.bin"
expect 2 "compress-type" -- "$nzcompress" codec --input "$work/odd.bin" --fractal-size 512 \
    --compress-type 7 --weight-out "$work/a.bin" --index-out "$work/b.bin"
expect 2 "index-out" -- "$nzcompress" codec --input "$work/odd.bin" --fractal-size 512 \
    --compress-type 0 --weight-out "$work/a.bin"
expect 4 "missing.bin: cannot open" -- "$nzcompress" codec --input "$work/missing.bin" \
    --fractal-size 512 --compress-type 0 --weight-out "$work/a.bin" --index-out "$work/b.bin"

head -c 1024 /dev/zero >"$work/zeros.bin"
echo keep >"$work/existing.bin"
expect 2 "existing.bin: exists; pass --force" -- "$nzcompress" codec --input "$work/zeros.bin" \
    --fractal-size 512 --compress-type 0 --weight-out "$work/existing.bin" --index-out "$work/b.bin"
[ "$(cat "$work/existing.bin")" = keep ] || fail "an existing file was overwritten without --force"
expect 0 "" -- "$nzcompress" codec --help
grep -q -- "--fractal-size" "$work/out" || fail "codec --help does not describe --fractal-size"
expect 2 "unknown command" -- "$nzcompress" frobnicate

echo "$count vendor cases checked, $failures failures"
[ "$failures" = 0 ]
