#!/usr/bin/env bash
# Runs every benchmark program listed in BUILD/bench/bench-programs.txt (generated from
# the bench_programs list in bench/meson.build) and prints their output. Benchmarks print
# numbers; they never pass or fail on time. Exit status: non-zero only if a program
# crashed or is missing.
#   ./tools/run-bench.sh [BUILD] [-- ARGS passed to every program]
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
[ "${1:-}" = "--" ] && shift

list="$build/bench/bench-programs.txt"
if [ ! -f "$list" ]; then
  echo "run-bench: $list not found; build first (meson compile -C $build)" >&2
  exit 1
fi

status=0
while IFS= read -r name; do
  [ -n "$name" ] || continue
  exe="$build/bench/$name"
  echo "=== $name ($(date -u +%H:%M:%S), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
  if [ ! -x "$exe" ]; then
    echo "run-bench: $exe missing" >&2
    status=1
    continue
  fi
  "$exe" "$@"
  rc=$?
  if [ $rc -ne 0 ]; then
    echo "run-bench: $name exited with $rc" >&2
    status=1
  fi
done < "$list"
exit $status
