#!/usr/bin/env bash
# A one-node Slurm on this machine, from Debian's slurm-wlm and munge packages, to try
# docs/slurm/capacity.sbatch (not part of CI). Run as root from the repository's root:
#
#   docs/slurm/one_node.sh start      # writes $STATE/slurm.conf, starts munged, slurmctld, slurmd
#   export SLURM_CONF=/tmp/lstm-lab-slurm/slurm.conf
#   sinfo; sbatch ...; squeue
#   docs/slurm/one_node.sh stop       # stops the three daemons it started (by their pids)
#
# Everything lives under STATE (default /tmp/lstm-lab-slurm): the config, spool, logs and pid
# files (`start` begins from an empty spool: stop first); nothing under /etc is changed (munge uses the key its package made,
# /etc/munge/munge.key). The node gets this host's name and CPUs (2 here), and processes are
# tracked without cgroups (proctrack/linuxproc, task/none), which also works in containers.
set -euo pipefail
STATE=${STATE:-/tmp/lstm-lab-slurm}
HOST=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(awk '/MemTotal/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)

start() {
  command -v slurmctld >/dev/null || { echo "apt-get install slurm-wlm munge first" >&2; exit 1; }
  rm -rf "${STATE:?}/spool" "${STATE:?}/log"
  mkdir -p "$STATE"/{spool/ctld,spool/d,log,munge}
  chown munge:munge "$STATE/munge"
  cat >"$STATE/slurm.conf" <<CONF
ClusterName=lstmlab
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
StateSaveLocation=$STATE/spool/ctld
SlurmdSpoolDir=$STATE/spool/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
  # slurmd 22.05 always loads a cgroup plugin, even with proctrack/linuxproc and task/none
  echo "CgroupPlugin=autodetect" >"$STATE/cgroup.conf"
  runuser -u munge -- /usr/sbin/munged --socket="$STATE/munge/munge.socket.2" \
    --pid-file="$STATE/munge/munged.pid" --log-file="$STATE/munge/munged.log" \
    --seed-file="$STATE/munge/munged.seed"
  export SLURM_CONF=$STATE/slurm.conf
  # slurm's munge plugin finds the socket through its config: point it at ours
  sed -i "s|^AuthType=auth/munge|AuthType=auth/munge\nAuthInfo=socket=$STATE/munge/munge.socket.2|" "$SLURM_CONF"
  /usr/sbin/slurmctld -f "$SLURM_CONF"
  /usr/sbin/slurmd -f "$SLURM_CONF"
  for _ in $(seq 60); do
    sinfo -h -o %T 2>/dev/null | grep -q idle && break
    sleep 1
  done
  sinfo
  echo "export SLURM_CONF=$SLURM_CONF"
}

stop() {
  for pidfile in "$STATE/slurmd.pid" "$STATE/slurmctld.pid" "$STATE/munge/munged.pid"; do
    if [[ -s $pidfile ]]; then
      pid=$(cat "$pidfile")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      rm -f "$pidfile"
    fi
  done
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
