#!/usr/bin/env bash
# Every malformed input in tests/data/bad through `nzcompress compress --dry-run`: the run must
# fail with exit code 3 (invalid input; 4 only where the OS refused a read), print exactly one
# line on stderr that names the offending file, and never crash (no signal, no abort trace).
#   bad_inputs_cli_test.sh NZCOMPRESS BAD_DIR GOOD_SAFETENSORS
set -uo pipefail
nzcompress=$1
bad=$2
good=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
checked=0

check() { # check ENTRY_NAME ARGS...
    local entry=$1
    shift
    "$nzcompress" compress --dry-run --log-level error "$@" >"$work/out" 2>"$work/err"
    local code=$?
    checked=$((checked + 1))
    if [ "$code" != 3 ] && [ "$code" != 4 ]; then
        echo "FAIL: $entry: exit code $code, expected 3 (stderr: $(head -c 300 "$work/err"))"
        failures=$((failures + 1))
        return
    fi
    local lines
    lines=$(grep -c . "$work/err")
    if [ "$lines" != 1 ]; then
        echo "FAIL: $entry: $lines lines on stderr, expected one:"
        sed 's/^/    /' "$work/err"
        failures=$((failures + 1))
        return
    fi
    # The line names the entry (a file, or a file inside the entry's folder).
    local stem=${entry%/}
    if ! grep -q -F "$stem" "$work/err"; then
        echo "FAIL: $entry: the message does not name it: $(cat "$work/err")"
        failures=$((failures + 1))
    fi
}

for path in "$bad"/*; do
    entry=$(basename "$path")
    case "$entry" in
    README.md) continue ;;
    quant_*) check "$entry" --input "$good" --description "$path" ;;
    *) check "$entry" --input "$path" ;;
    esac
done

echo "$checked malformed inputs checked, $failures failures"
[ "$checked" -ge 30 ] || { echo "FAIL: only $checked entries in $bad"; exit 1; }
[ "$failures" = 0 ]
