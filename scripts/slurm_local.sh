#!/bin/bash
# A one-node Slurm on this machine, for tests of the sbatch templates (not for production).
#
#   scripts/slurm_local.sh start    install slurm-wlm and munge if missing, write
#                                   /etc/slurm/slurm.conf, start munged, slurmctld, slurmd,
#                                   wait until the node is idle
#   scripts/slurm_local.sh stop     stop the daemons this script started, by their PIDs
#   scripts/slurm_local.sh status   the daemons' PIDs and `sinfo`
#
# Needs root (it installs packages and starts daemons as root). The node is this host with
# the CPUs and memory `slurmd -C` reports; jobs run as root with MpiDefault=pmix, process
# tracking by /proc (no cgroups), no task binding and no accounting, which is all a container
# without systemd offers. It refuses to overwrite a slurm.conf it did not write itself.
# Variables: NZC_SLURM_STATE (default /run/nzc-slurm-local: pid files, logs, spool).
set -euo pipefail

STATE=${NZC_SLURM_STATE:-/run/nzc-slurm-local}
CONF=/etc/slurm/slurm.conf
MARK="# written by nzcompress scripts/slurm_local.sh"

log() { echo "slurm_local: $*" >&2; }
die() { log "error: $*"; exit 1; }

alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }
pid_of() { [[ -s "$1" ]] && cat "$1" || true; }

install_packages() {
    if command -v slurmctld >/dev/null && command -v slurmd >/dev/null &&
        command -v munged >/dev/null; then
        return
    fi
    log "installing slurm-wlm and munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q slurm-wlm munge >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null && apt-get install -y -q slurm-wlm munge >/dev/null; }
}

start_munge() {
    local pidfile=/run/munge/munged.pid
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge
    if alive "$(pid_of $pidfile)"; then
        log "munged already running (pid $(pid_of $pidfile)); leaving it alone"
        return
    fi
    if [[ ! -s /etc/munge/munge.key ]]; then
        log "creating /etc/munge/munge.key"
        (umask 077 && dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none)
        chown munge:munge /etc/munge/munge.key
    fi
    runuser -u munge -- /usr/sbin/munged
    for _ in $(seq 50); do alive "$(pid_of $pidfile)" && break; sleep 0.1; done
    alive "$(pid_of $pidfile)" || die "munged did not start (see /var/log/munge/munged.log)"
    # Only a munged we started is ours to stop.
    pid_of $pidfile >"$STATE/munged.pid"
}

write_conf() {
    if [[ -e $CONF ]] && ! grep -qF "$MARK" "$CONF"; then
        die "$CONF exists and was not written by this script; move it away to use a local Slurm"
    fi
    local node host
    # First line of `slurmd -C`: "NodeName=... CPUs=... Boards=... RealMemory=...".
    node=$(slurmd -C | head -n 1)
    [[ $node == NodeName=* ]] || die "unexpected output of slurmd -C: $node"
    host=${node#NodeName=}
    host=${host%% *}
    mkdir -p /etc/slurm "$STATE/ctld" "$STATE/d"
    cat >"$CONF" <<EOF
$MARK
ClusterName=nzclocal
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
MpiDefault=pmix
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
$node State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    echo "$host"
}

cmd_start() {
    [[ $(id -u) -eq 0 ]] || die "run as root"
    mkdir -p "$STATE"
    if alive "$(pid_of "$STATE/slurmctld.pid")" || alive "$(pid_of "$STATE/slurmd.pid")"; then
        log "already running; '$0 stop' first"
        cmd_status
        return
    fi
    install_packages
    local host
    host=$(write_conf)
    start_munge
    # -c: start from a clean state (no jobs left from an earlier run of this script).
    slurmctld -c
    slurmd
    local state=""
    for _ in $(seq 100); do
        state=$(sinfo -h -n "$host" -o %T 2>/dev/null | head -n 1 || true)
        [[ $state == idle ]] && break
        sleep 0.2
    done
    [[ $state == idle ]] || die "node $host is '${state:-unknown}', not idle (logs in $STATE)"
    log "running: node $host idle (slurmctld $(pid_of "$STATE/slurmctld.pid"), slurmd" \
        "$(pid_of "$STATE/slurmd.pid"), logs in $STATE)"
}

stop_pid() { # stop_pid NAME PIDFILE
    local pid
    pid=$(pid_of "$2")
    if ! alive "$pid"; then
        rm -f "$2"
        return
    fi
    kill -TERM "$pid"
    for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then
        log "$1 (pid $pid) did not stop on TERM; sending KILL"
        kill -KILL "$pid" || true
    fi
    rm -f "$2"
    log "stopped $1 (pid $pid)"
}

cmd_stop() {
    stop_pid slurmd "$STATE/slurmd.pid"
    stop_pid slurmctld "$STATE/slurmctld.pid"
    stop_pid munged "$STATE/munged.pid"
}

cmd_status() {
    local name
    for name in munged slurmctld slurmd; do
        local pid
        pid=$(pid_of "$STATE/$name.pid")
        if alive "$pid"; then echo "$name: running (pid $pid)"; else echo "$name: stopped"; fi
    done
    if alive "$(pid_of "$STATE/slurmctld.pid")"; then sinfo; fi
}

case ${1:-} in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
*)
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    [[ ${1:-} == -h || ${1:-} == --help ]] && exit 0
    exit 2
    ;;
esac
