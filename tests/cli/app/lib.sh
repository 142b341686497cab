# Helpers shared by the compress CLI tests. Sourced; expects NZCOMPRESS, CHECK_OUTPUT, MPIEXEC,
# MPIEXEC_NUMPROC_FLAG, SOURCE_DIR and PYTHON from CTest (with defaults for running by hand).
: "${NZCOMPRESS:?set NZCOMPRESS to the nzcompress program}"
: "${CHECK_OUTPUT:?set CHECK_OUTPUT to the check_output program}"
: "${MPIEXEC:=mpiexec}"
: "${MPIEXEC_NUMPROC_FLAG:=-n}"
: "${SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}"
: "${PYTHON:=/usr/bin/python3}"
# shellcheck source=../common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh" cli_app

# run_ranks N ARGS...: nzcompress compress under mpiexec with N ranks; returns its exit code.
run_ranks() {
    local ranks=$1
    shift
    "$MPIEXEC" "$MPIEXEC_NUMPROC_FLAG" "$ranks" "$NZCOMPRESS" compress "$@"
}

# same_data A.h5 B.h5: h5diff finds no difference in the tensor groups (the /report table has
# per-rank columns and timings, so it is compared separately).
same_data() {
    local group
    for group in /weight /index /info /passthrough; do
        h5diff "$1" "$2" "$group" "$group" >/dev/null ||
            fail "h5diff: $1 and $2 differ in $group: $(h5diff "$1" "$2" "$group" "$group" | head -5)"
    done
    # Root attributes and /report apart from its per-rank and timing columns.
    "$PYTHON" - "$1" "$2" <<'PY' || fail "$1 and $2 differ in root attributes or /report"
import sys, h5py
a, b = (h5py.File(p, "r") for p in sys.argv[1:3])
assert {k: str(v) for k, v in a.attrs.items()} == {k: str(v) for k, v in b.attrs.items()}, "root attributes"
ra, rb = a["report"][()], b["report"][()]
for column in ("name", "kind", "original_bytes", "stored_bytes", "ratio"):
    assert list(ra[column]) == list(rb[column]), column
PY
}

# finish_by_resume OUT [damage-ok]: --resume with 3 ranks (options from the array "args",
# checkpoint "$ckpt") completes OUT with the data of the reference "$WORK/full.h5". With
# damage-ok (a SIGKILL may land inside an HDF5 metadata write), a refusal is accepted if it
# says to start again, and starting again must then work.
finish_by_resume() {
    [[ ! -e "$1" && -e "$1.partial" ]] || fail "after the interruption: $(ls "$WORK")"
    local code=0
    env -u NZCOMPRESS_TEST_TENSOR_DELAY_MS "$MPIEXEC" "$MPIEXEC_NUMPROC_FLAG" 3 "$NZCOMPRESS" \
        compress "${args[@]}" --output "$1" --resume 2>"$WORK/resume.err" || code=$?
    if [[ $code -ne 0 ]]; then
        [[ ${2:-} == damage-ok ]] || fail "resume exited with $code: $(cat "$WORK/resume.err")"
        grep -q "start again without --resume" "$WORK/resume.err" ||
            fail "resume of a damaged file exited with $code without advice: $(cat "$WORK/resume.err")"
        echo "note: the killed run's partial file was not resumable; starting again"
        env -u NZCOMPRESS_TEST_TENSOR_DELAY_MS "$MPIEXEC" "$MPIEXEC_NUMPROC_FLAG" 3 \
            "$NZCOMPRESS" compress "${args[@]}" --output "$1" || fail "starting again failed"
    fi
    same_data "$WORK/full.h5" "$1"
    "$CHECK_OUTPUT" "$1" "$ckpt" >/dev/null || fail "check_output after resume"
}
