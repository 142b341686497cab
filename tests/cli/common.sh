# Helpers shared by the end-to-end CLI tests (tests/cli/*/lib.sh source this). Sourced;
# expects SOURCE_DIR and PYTHON to be set and creates $WORK, removed on exit.
#   source common.sh NAME      (NAME prefixes the work folder)
set -euo pipefail

# Open MPI refuses root without these; more ranks than cores need oversubscription.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1

WORK=$(mktemp -d "${TMPDIR:-/tmp}/nzc_${1:-cli}.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# expect_code CODE COMMAND...: runs COMMAND, fails unless it exits with CODE. Its output is
# kept in $WORK/stdout and $WORK/stderr.
expect_code() {
    local expected=$1
    shift
    local code=0
    "$@" >"$WORK/stdout" 2>"$WORK/stderr" || code=$?
    if [[ $code -ne $expected ]]; then
        cat "$WORK/stdout" "$WORK/stderr" >&2
        fail "expected exit code $expected, got $code: $*"
    fi
}

# error_lines: the "nzcompress: error:" lines of the last expect_code.
error_lines() {
    grep -c '^nzcompress: error:' "$WORK/stderr" || true
}

# make_checkpoint DIR [maker options]: the synthetic LLaMA-like checkpoint of scripts/.
make_checkpoint() {
    local dir=$1
    shift
    "$PYTHON" "$SOURCE_DIR/scripts/make_synthetic_checkpoint.py" "$dir" "$@" >/dev/null
}
