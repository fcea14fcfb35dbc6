#!/usr/bin/env bash
# Runs each non-empty line of COMMANDS_FILE as one task of a Slurm job array, waits for all of them,
# and exits non-zero naming the lines that failed.
#   run-array.sh COMMANDS_FILE [--cpus-per-task N] [--time MIN] [--log-dir DIR] [-- SBATCH_ARGS...]
# Tasks run `bash -c LINE` in the current directory, which (like the log folder) must be on a file system
# the compute nodes share. Partition/account come from sbatch's own SBATCH_PARTITION, SBATCH_ACCOUNT, or
# from SBATCH_ARGS.
set -euo pipefail

die() { echo "run-array.sh: $*" >&2; exit 2; }
usage() { die "usage: run-array.sh COMMANDS_FILE [--cpus-per-task N] [--time MIN] [--log-dir DIR] [-- SBATCH_ARGS...]"; }

[[ $# -ge 1 ]] || usage
file=$1; shift
[[ -r $file ]] || die "cannot read commands file '$file'"
cpus=1 time_min="" logdir="" extra=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --cpus-per-task) cpus=${2:?}; shift 2 ;;
    --time) time_min=${2:?}; shift 2 ;;
    --log-dir) logdir=${2:?}; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) usage ;;
  esac
done
command -v sbatch >/dev/null || die "sbatch not found: run this on a Slurm login node (or scripts/slurm/localhost.sh first)"

name=$(basename "$file"); name=${name%.*}
logdir=$(realpath -m "${logdir:-slurm-logs/$name-$(date +%Y%m%d-%H%M%S)}")
# A reused --log-dir must not let an old status file pass for a task of this run.
rm -rf "$logdir/status"
mkdir -p "$logdir/status" || die "cannot create log folder $logdir"

# Tasks index a frozen copy, so editing COMMANDS_FILE while the array runs cannot shift lines under it.
: > "$logdir/lines.txt"; : > "$logdir/commands.txt"
awk -v d="$logdir" '{ sub(/\r$/, "") } NF { print NR > (d "/lines.txt"); print > (d "/commands.txt") }' "$file"
total=$(wc -l < "$logdir/commands.txt")
[[ $total -gt 0 ]] || die "no commands in '$file'"

# The task writes its own exit status: sacct needs slurmdbd, which many clusters do not expose to users.
cat > "$logdir/task.sh" <<'EOF'
#!/bin/bash
set -u
dir=$1
k=$((SLURM_ARRAY_TASK_ID + $2))
n=$(sed -n "${k}p" "$dir/lines.txt")
cmd=$(sed -n "${k}p" "$dir/commands.txt")
start=$(date +%s.%N)
bash -c "$cmd" </dev/null >"$dir/line-$n.out" 2>"$dir/line-$n.err"
rc=$?
echo "$rc $start $(date +%s.%N) $(hostname -s)" > "$dir/status/.$n.tmp" && mv "$dir/status/.$n.tmp" "$dir/status/$n"
exit $rc
EOF

# Arrays larger than the cluster's MaxArraySize are split into several, each indexing from an offset.
max=$(scontrol show config 2>/dev/null | awk '$1 == "MaxArraySize" { print $3 }') || true
chunk=$(( ${max:-1001} - 1 )); ((chunk > 0)) || chunk=1000

opts=(--parsable --wait --job-name="cells-$name" --chdir="$PWD" --cpus-per-task="$cpus" --ntasks=1
      --output="$logdir/slurm-%A_%a.out")
[[ -n $time_min ]] && opts+=(--time="$time_min")

pids=() idfiles=()
cleanup() {
  trap - INT TERM
  local f ids=()
  for f in "${idfiles[@]}"; do [[ -s $f ]] && ids+=("$(head -n1 "$f" | cut -d";" -f1)"); done
  ((${#ids[@]})) && scancel "${ids[@]}" 2>/dev/null && echo "run-array.sh: cancelled job(s) ${ids[*]}" >&2
  ((${#pids[@]})) && kill "${pids[@]}" 2>/dev/null
  exit 130
}
trap cleanup INT TERM

echo "submitting $total task(s) from $file; logs in $logdir"
for ((off = 0; off < total; off += chunk)); do
  last=$(( total - off < chunk ? total - off - 1 : chunk - 1 ))
  idf="$logdir/.sbatch-$off"; idfiles+=("$idf")
  # sbatch --wait prints the job id at submission and returns once every task has ended.
  sbatch "${opts[@]}" --array="0-$last" "${extra[@]}" "$logdir/task.sh" "$logdir" $((off + 1)) \
    >"$idf" 2>"$idf.err" &
  pids+=($!)
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || true
  [[ -s ${idfiles[$i]} ]] || die "sbatch failed: $(cat "${idfiles[$i]}.err")"
done

failed=0 k=0
while IFS= read -r n <&3 && IFS= read -r cmd <&4; do
  k=$((k + 1))
  if [[ ! -s $logdir/status/$n ]]; then
    job=$(head -n1 "${idfiles[$(((k - 1) / chunk))]}" | cut -d';' -f1)
    echo "FAILED line $n (no exit status: cancelled, timed out or node lost;" \
      "see $logdir/slurm-${job}_$(((k - 1) % chunk)).out): $cmd" >&2
    failed=$((failed + 1))
  else
    read -r rc _ < "$logdir/status/$n"
    if [[ $rc != 0 ]]; then
      echo "FAILED line $n (exit $rc; see $logdir/line-$n.err): $cmd" >&2
      failed=$((failed + 1))
    fi
  fi
done 3<"$logdir/lines.txt" 4<"$logdir/commands.txt"

echo "$((total - failed)) of $total task(s) succeeded (job $(head -qn1 "${idfiles[@]}" | paste -sd,))"
((failed == 0)) || exit 1
