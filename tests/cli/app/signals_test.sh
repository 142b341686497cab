#!/bin/bash
# Interruptions: SIGUSR1 to mpirun (forwarded to every rank, as Slurm's --signal does),
# SIGTERM to one rank, SIGKILL of one rank. Each time: no OUT.h5, a partial file, the right
# exit code, and --resume (with another number of ranks) finishes a file with the same data
# as an uninterrupted run.
source "$(dirname "$0")/lib.sh"

ckpt="$SOURCE_DIR/tests/data/example"
desc="$ckpt/quant_model_description_w8a8s.json"
args=(--input "$ckpt" --description "$desc" --memory-budget 8KiB --quiet)
run_ranks 2 "${args[@]}" --output "$WORK/full.h5"
export NZCOMPRESS_TEST_TENSOR_DELAY_MS=40

# start_slow N OUT: starts a slowed-down run in the background; sets PID (mpirun's).
start_slow() {
    "$MPIEXEC" "$MPIEXEC_NUMPROC_FLAG" "$1" -x NZCOMPRESS_TEST_TENSOR_DELAY_MS "$NZCOMPRESS" \
        compress "${args[@]}" --output "$2" >"$WORK/stdout" 2>"$WORK/stderr" &
    PID=$!
    # Signal only once the ranks are working (handlers installed, partial file created),
    # and not before some tensors are done.
    for _ in $(seq 100); do
        [[ -e "$2.partial" ]] && break
        sleep 0.05
    done
    [[ -e "$2.partial" ]] || fail "no partial file appeared"
    sleep 0.5
}

# finish_by_resume OUT [damage-ok]: --resume with 3 ranks completes OUT with the reference
# data. With damage-ok (a SIGKILL may land inside an HDF5 metadata write), a refusal is
# accepted if it says to start again, and starting again must then work.
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

# 1. SIGUSR1 to mpirun, which forwards it to every rank.
start_slow 3 "$WORK/usr1.h5"
kill -USR1 "$PID"
code=0
wait "$PID" || code=$?
[[ $code -eq 5 ]] || fail "SIGUSR1: exit code $code, expected 5: $(cat "$WORK/stderr")"
[[ $(error_lines) -eq 1 ]] || fail "SIGUSR1: $(error_lines) error lines"
grep -q "stopped by SIGUSR1" "$WORK/stderr" || fail "SIGUSR1 not named"
finish_by_resume "$WORK/usr1.h5"

# 2. SIGTERM to one rank only (what a batch system may do): all ranks stop together.
start_slow 2 "$WORK/term.h5"
rank_pid=$(pgrep -P "$PID" | tail -1)
[[ -n $rank_pid ]] || fail "no rank process found"
kill -TERM "$rank_pid"
code=0
wait "$PID" || code=$?
[[ $code -eq 5 ]] || fail "SIGTERM: exit code $code, expected 5: $(cat "$WORK/stderr")"
grep -q "stopped by SIGTERM" "$WORK/stderr" || fail "SIGTERM not named"
finish_by_resume "$WORK/term.h5"

# 3. SIGKILL of one rank: mpirun ends the job (no rank waits forever), nothing published.
start_slow 2 "$WORK/kill.h5"
rank_pid=$(pgrep -P "$PID" | tail -1)
begin=$SECONDS
kill -KILL "$rank_pid"
code=0
wait "$PID" || code=$?
[[ $code -ne 0 ]] || fail "SIGKILL of a rank: the job reported success"
((SECONDS - begin < 30)) || fail "the job took $((SECONDS - begin)) s to end after a rank died"
finish_by_resume "$WORK/kill.h5" damage-ok
echo "PASS"
