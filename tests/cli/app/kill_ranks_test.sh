#!/bin/bash
# A rank killed (SIGKILL, as when a node is lost) at a random point, for several seeds: the
# job must end on its own within a bound (mpirun sees the dead process and ends the others;
# no rank waits forever in a collective), leave no OUT.h5 unless the run had already
# finished, and --resume (or, if the kill hit an HDF5 metadata write, starting again, as the
# message says) must give a file with the data of an uninterrupted run.
source "$(dirname "$0")/lib.sh"

ckpt="$SOURCE_DIR/tests/data/example"
desc="$ckpt/quant_model_description_w8a8s.json"
args=(--input "$ckpt" --description "$desc" --memory-budget 8KiB --quiet)
run_ranks 2 "${args[@]}" --output "$WORK/full.h5"
export NZCOMPRESS_TEST_TENSOR_DELAY_MS=30

for seed in 11 23 37 41 58; do
    RANDOM=$seed
    ranks=$((2 + RANDOM % 3))
    victim=$((RANDOM % ranks))
    delay_ms=$((RANDOM % 1500))
    out="$WORK/kill$seed.h5"
    "$MPIEXEC" "$MPIEXEC_NUMPROC_FLAG" "$ranks" -x NZCOMPRESS_TEST_TENSOR_DELAY_MS \
        "$NZCOMPRESS" compress "${args[@]}" --output "$out" >"$WORK/stdout" 2>"$WORK/stderr" &
    pid=$!
    for _ in $(seq 100); do
        [[ -e "$out.partial" ]] && break
        sleep 0.05
    done
    sleep "$(printf '0.%03d' $((delay_ms % 1000)))"
    ((delay_ms < 1000)) || sleep 1
    # The rank processes are mpirun's children, in rank order of their start.
    mapfile -t pids < <(pgrep -P "$pid")
    begin=$(date +%s%N)
    if ((${#pids[@]} > victim)); then
        kill -KILL "${pids[$victim]}" 2>/dev/null || true
    fi
    code=0
    wait "$pid" || code=$?
    took_ms=$((($(date +%s%N) - begin) / 1000000))
    echo "seed $seed: $ranks ranks, killed rank $victim after ${delay_ms} ms: exit $code," \
        "job ended ${took_ms} ms after the kill"
    ((took_ms < 20000)) || fail "seed $seed: the job took ${took_ms} ms to end after a rank died"
    # Success (the kill came too late to matter) or the launcher's code for a killed process.
    ((code == 0 || code >= 128)) || fail "seed $seed: exit code $code: $(cat "$WORK/stderr")"
    grep -q "Segmentation" "$WORK/stderr" && fail "seed $seed: a rank crashed: $(cat "$WORK/stderr")"
    if [[ $code -eq 0 ]]; then
        # The kill came after the run had finished: a complete, verified file.
        [[ -e "$out" && ! -e "$out.partial" ]] || fail "seed $seed: success without OUT.h5"
        same_data "$WORK/full.h5" "$out"
        "$CHECK_OUTPUT" "$out" "$ckpt" >/dev/null || fail "seed $seed: check_output"
        continue
    fi
    finish_by_resume "$out" damage-ok
done
echo "PASS"
