#!/bin/bash
# Interruptions: SIGUSR1 to mpirun (forwarded to every rank, as Slurm's --signal does),
# SIGTERM to one rank, SIGTERM to every rank (what scancel does), SIGTERM to mpirun, SIGKILL
# of one rank. Each time: no OUT.h5, a partial file, the right exit code, and --resume (with
# another number of ranks) finishes a file with the same data as an uninterrupted run. A stop
# inside a round keeps the tensors finished in it. (Random kills: kill_ranks_test.sh.)
source "$(dirname "$0")/lib.sh"

ckpt="$SOURCE_DIR/tests/data/example"
desc="$ckpt/quant_model_description_w8a8s.json"
args=(--input "$ckpt" --description "$desc" --memory-budget 8KiB --quiet)
run_ranks 2 "${args[@]}" --output "$WORK/full.h5"
export NZCOMPRESS_TEST_TENSOR_DELAY_MS=40

# start_slow N OUT [options]: starts a slowed-down run in the background; sets PID (mpirun's).
start_slow() {
    "$MPIEXEC" "$MPIEXEC_NUMPROC_FLAG" "$1" -x NZCOMPRESS_TEST_TENSOR_DELAY_MS "$NZCOMPRESS" \
        compress "${args[@]}" --output "$2" "${@:3}" >"$WORK/stdout" 2>"$WORK/stderr" &
    PID=$!
    # Signal only once the ranks are working (handlers installed, partial file created),
    # and not before some tensors are done.
    for _ in $(seq 100); do
        [[ -e "$2.partial" ]] && break
        sleep 0.05
    done
    [[ -e "$2.partial" ]] || fail "$2: no partial file appeared: $(cat "$WORK/stderr")"
    sleep 0.5
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

# 3. SIGTERM to every rank, as scancel and a batch system's time limit do.
start_slow 3 "$WORK/all.h5"
ranks=$(pgrep -P "$PID")
[[ $(wc -w <<<"$ranks") -eq 3 ]] || fail "expected 3 rank processes, found: $ranks"
kill -TERM $ranks
code=0
wait "$PID" || code=$?
[[ $code -eq 5 ]] || fail "SIGTERM to all: exit code $code, expected 5: $(cat "$WORK/stderr")"
[[ $(error_lines) -eq 1 ]] || fail "SIGTERM to all: $(error_lines) error lines"
finish_by_resume "$WORK/all.h5"

# 4. SIGTERM to mpirun: Open MPI forwards it to the ranks and ends the job with its own exit
# code (not ours); what is left must still be resumable.
start_slow 2 "$WORK/mpirun.h5"
kill -TERM "$PID"
code=0
wait "$PID" || code=$?
[[ $code -ne 0 ]] || fail "SIGTERM to mpirun: the job reported success"
grep -q "Segmentation" "$WORK/stderr" && fail "SIGTERM to mpirun: a rank crashed"
finish_by_resume "$WORK/mpirun.h5" damage-ok

# 5. One round for everything (a large budget): a stop in the middle of it keeps the tensors
# finished so far (before, the whole round was thrown away), and the ranks that got no signal
# stop at a tensor boundary instead of finishing the round.
args=(--input "$ckpt" --description "$desc" --memory-budget 1GiB --quiet)
start_slow 2 "$WORK/round.h5"
rank_pid=$(pgrep -P "$PID" | tail -1)
kill -TERM "$rank_pid"
code=0
wait "$PID" || code=$?
[[ $code -eq 5 ]] || fail "SIGTERM in a round: exit code $code, expected 5: $(cat "$WORK/stderr")"
kept=$("$PYTHON" - "$WORK/round.h5.partial" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    print(sum("done" in f[g][k].attrs for g in ("weight", "passthrough") for k in f[g]))
PY
)
# 0.5 s at 40 ms a tensor on 2 ranks: about 25 done; the whole round is 105.
[[ $kept -gt 5 && $kept -lt 80 ]] || fail "a stop inside the round kept $kept tensors of 105"
echo "stop inside a round kept $kept of 105 tensors"
finish_by_resume "$WORK/round.h5"

args=(--input "$ckpt" --description "$desc" --memory-budget 8KiB --quiet)

# 6. A second signal ends the rank at once (exit code 5 without waiting for a boundary);
# mpirun then ends the others. What is left must be resumable.
start_slow 2 "$WORK/twice.h5"
rank_pid=$(pgrep -P "$PID" | tail -1)
begin=$SECONDS
kill -TERM "$rank_pid"
kill -TERM "$rank_pid"
code=0
wait "$PID" || code=$?
[[ $code -ne 0 ]] || fail "two SIGTERMs: the job reported success"
((SECONDS - begin < 15)) || fail "two SIGTERMs: the job took $((SECONDS - begin)) s to end"
finish_by_resume "$WORK/twice.h5" damage-ok

# 7. SIGKILL of one rank: mpirun ends the job (no rank waits forever), nothing published.
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
