#!/usr/bin/env bash
# The cluster path of experiment cells, end to end on a one-node Slurm cluster on this machine: list chapter
# 06's missing cells (quick profile) into an empty cache of its own, run them as a Slurm job array, import the
# results, and check that the chapter then passes `book test` without training anything.
# Run by `make test` (scripts/slurm/README.md). Skips, saying why, when no Slurm cluster can be started here;
# fails when Slurm runs but the cells or the chapter do not come out right.
set -euo pipefail
cd "$(dirname "$0")/../.."
book=.build/release/book
chapter=${1:-06-graph-colouring}
[ -x "$book" ] || { echo "cluster test: $book is missing (make build)" >&2; exit 1; }

started_here=0
if ! scripts/slurm/localhost.sh status >/dev/null 2>&1; then
  if ! start_log=$(scripts/slurm/localhost.sh start 2>&1); then
    echo "cluster test: SKIPPED: no Slurm cluster could be started on this machine:"
    echo "$start_log" | tail -5 | sed 's/^/  /'
    exit 0
  fi
  started_here=1
fi
work=$(mktemp -d /var/tmp/trufl-cells-test.XXXXXX)
cleanup() {
  [ "$started_here" = 1 ] && scripts/slurm/localhost.sh stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export BOOK_CELLS_DIR="$work/cache"
[ -f /var/tmp/trufl-slurm/slurm.conf ] && [ ! -e /etc/slurm/slurm.conf ] && export SLURM_CONF=/var/tmp/trufl-slurm/slurm.conf

"$book" cells "$chapter" --output-dir "$work/results" > "$work/cells.txt"
count=$(grep -c . "$work/cells.txt" || true)
[ "$count" -gt 0 ] || { echo "cluster test: book cells listed no cells for $chapter in an empty cache" >&2; exit 1; }
echo "cluster test: $count cells of $chapter through Slurm"
scripts/slurm/run-array.sh "$work/cells.txt" --log-dir "$work/logs"
"$book" cells --import "$work/results"
remaining=$("$book" cells "$chapter" 2>/dev/null | grep -c . || true)
[ "$remaining" -eq 0 ] || { echo "cluster test: $remaining cells still missing after the import" >&2; exit 1; }
"$book" test --force "$chapter" 2> "$work/chapter.err"
if grep -q "steps/s" "$work/chapter.err"; then
  echo "cluster test: the chapter trained although every cell was in the cache:" >&2
  grep "steps/s" "$work/chapter.err" | head -3 >&2
  exit 1
fi
echo "cluster test: passed ($count cells run by Slurm, collected by the chapter, no training in the chapter)"
