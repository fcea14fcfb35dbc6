#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for trying run-array.sh (or CI) without a real cluster.
#   localhost.sh [start]   install Debian's slurm-wlm if missing, write the config, start the daemons
#   localhost.sh stop      stop the daemons this script started
#   localhost.sh status    exit 0 if the node answers, 1 if not
# Everything it writes lives in $TRUFL_SLURM_DIR (default /var/tmp/trufl-slurm), except the symlink
# /etc/slurm/slurm.conf (so that plain sbatch/sinfo find the cluster), made only if that path is free.
set -euo pipefail

# Daemons, keys and /etc need root; re-running the whole script under sudo keeps every step simple.
if [[ $EUID -ne 0 ]]; then exec sudo --preserve-env=TRUFL_SLURM_DIR bash "$0" "$@"; fi

DIR=${TRUFL_SLURM_DIR:-/var/tmp/trufl-slurm}
CONF=$DIR/slurm.conf
NODE=$(hostname -s)
export SLURM_CONF=$CONF

die() { echo "localhost.sh: $*" >&2; exit 1; }
alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
node_state() { timeout 10 sinfo -h -n "$NODE" -o %T 2>/dev/null | head -n1 || true; }

install_packages() {
  local missing=0 p
  for p in slurmctld slurmd sbatch sinfo munged; do command -v "$p" >/dev/null || missing=1; done
  ((missing)) || return 0
  echo "installing slurm-wlm and munge with apt-get..."
  local t0=$SECONDS
  # Recommends would pull ~35 more packages (HDF5, ROCm, InfluxDB plugins) that a one-node cluster never loads.
  DEBIAN_FRONTEND=noninteractive apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null \
    || die "apt-get install slurm-wlm munge failed"
  echo "installed in $((SECONDS - t0)) s"
}

# auth/none would spare munged, but the daemons listen on every interface and would run jobs as any user
# (root included) for anyone who reaches ports 6817/6818; munge keeps that to this host's users.
start_munge() {
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi
  if [[ ! -s /etc/munge/munge.key ]]; then
    install -d -o munge -g munge -m 700 /etc/munge
    (umask 077; head -c 1024 /dev/urandom > /etc/munge/munge.key)
    chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key
  fi
  install -d -o munge -g munge -m 755 /run/munge
  install -d -o munge -g munge -m 700 /var/log/munge /var/lib/munge
  runuser -u munge -- /usr/sbin/munged || die "munged did not start: see /var/log/munge/munged.log"
  touch "$DIR/munged.ours"   # so that stop leaves alone a munged it did not start
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return 0; sleep 0.2; done
  die "munged started but munge -n | unmunge fails: see /var/log/munge/munged.log"
}

write_conf() {
  # slurmd drains a node whose config claims more CPUs or memory than it detects, so take its own numbers.
  local probe cpus mem
  probe=$(slurmd -C 2>/dev/null | head -n1) || true
  cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$probe"); cpus=${cpus:-$(nproc)}
  mem=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$probe"); mem=${mem:-$(($(awk '/MemTotal/{print $2}' /proc/meminfo) / 1024))}
  cat > "$CONF.new" <<EOF
# Written by scripts/slurm/localhost.sh: a one-node cluster on $NODE.
ClusterName=trufl
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
# No cgroups in a container: track job processes by walking /proc, bind nothing.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
# CR_CPU rather than CR_Core: on a hyperthreaded host CR_Core would give a 1-CPU task a whole core (2 CPUs).
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MaxArraySize=100001
MaxJobCount=200000
MailProg=/bin/true
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=book Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
  if cmp -s "$CONF.new" "$CONF"; then rm "$CONF.new"; return 1; fi
  mv "$CONF.new" "$CONF"
}

link_etc() {
  local etc=/etc/slurm/slurm.conf
  if [[ -L $etc && $(readlink "$etc") == "$CONF" ]]; then return 0; fi
  if [[ -e $etc || -L $etc ]]; then
    echo "note: $etc exists and is not ours; use: export SLURM_CONF=$CONF" >&2
    return 0
  fi
  mkdir -p /etc/slurm && ln -s "$CONF" "$etc"
}

stop_daemon() {  # name pidfile
  alive "$2" || { rm -f "$2"; return 0; }
  local pid; pid=$(cat "$2")
  kill "$pid"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || { rm -f "$2"; return 0; }; sleep 0.2; done
  die "$1 (pid $pid) did not stop within 10 s"
}

stop_slurm() {
  stop_daemon slurmd "$DIR/slurmd.pid"
  stop_daemon slurmctld "$DIR/slurmctld.pid"
}

cmd_stop() {
  stop_slurm
  if [[ -e $DIR/munged.ours ]]; then
    stop_daemon munged /run/munge/munged.pid
    rm -f "$DIR/munged.ours"
  fi
  echo "stopped"
}

cmd_status() {
  local state=""
  if alive "$DIR/slurmctld.pid" && alive "$DIR/slurmd.pid"; then state=$(node_state); fi
  if [[ -n $state ]]; then echo "up: node $NODE is $state (SLURM_CONF=$CONF)"; return 0; fi
  echo "down"; return 1
}

cmd_start() {
  local t0=$SECONDS changed=0
  install_packages
  mkdir -p "$DIR/state" "$DIR/spool"
  write_conf && changed=1
  link_etc
  # A new config (other CPUs, memory) only takes effect on a restart.
  if ((changed)); then stop_slurm; fi
  start_munge
  if ! alive "$DIR/slurmctld.pid"; then
    slurmctld -f "$CONF" || die "slurmctld did not start: see $DIR/slurmctld.log"
  fi
  local deadline=$((SECONDS + 30))
  until timeout 5 scontrol ping 2>/dev/null | grep -q UP; do
    ((SECONDS < deadline)) || die "slurmctld did not answer within 30 s: see $DIR/slurmctld.log"
    sleep 0.2
  done
  if ! alive "$DIR/slurmd.pid"; then
    slurmd -f "$CONF" || die "slurmd did not start: see $DIR/slurmd.log"
  fi
  local state=""
  deadline=$((SECONDS + 30))
  until state=$(node_state); [[ $state =~ ^(idle|mixed|allocated)$ ]]; do
    ((SECONDS < deadline)) ||
      die "node $NODE is '${state:-unknown}' after 30 s, not idle: see $DIR/slurmd.log and $DIR/slurmctld.log"
    sleep 0.5
  done
  echo "up in $((SECONDS - t0)) s: partition book, node $NODE ($state)"
  echo "SLURM_CONF=$CONF   logs: $DIR/slurmctld.log $DIR/slurmd.log"
  echo "stop with: $0 stop"
}

case ${1:-start} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) die "usage: localhost.sh [start|stop|status]" ;;
esac
