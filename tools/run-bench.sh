#!/usr/bin/env bash
# Runs every benchmark program listed in BUILD/bench/bench-programs.txt (generated from
# the bench_programs list in bench/meson.build) and prints their output. Benchmarks print
# numbers; they never pass or fail on time. Exit status: non-zero only if a program is
# missing or exited non-zero.
#   ./tools/run-bench.sh [BUILD]
#   BENCH_ONLY="tc-bench-load" BENCH_ARGS="--quick" ./tools/run-bench.sh build
#     BENCH_ONLY: run only these programs; BENCH_ARGS: extra arguments for each program run
#     (programs have different options: combine with BENCH_ONLY).
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
read -r -a extra_args <<<"${BENCH_ARGS:-}"

list="$build/bench/bench-programs.txt"
if [ ! -f "$list" ]; then
  echo "run-bench: $list not found; build first (meson compile -C $build)" >&2
  exit 1
fi

status=0
while IFS= read -r name; do
  [ -n "$name" ] || continue
  if [ -n "${BENCH_ONLY:-}" ] && [[ " $BENCH_ONLY " != *" $name "* ]]; then
    continue
  fi
  exe="$build/bench/$name"
  echo "=== $name ($(date -u +%H:%M:%S) UTC, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
  if [ ! -x "$exe" ]; then
    echo "run-bench: $exe missing" >&2
    status=1
    continue
  fi
  "$exe" "${extra_args[@]}" </dev/null
  rc=$?
  if [ $rc -ne 0 ]; then
    echo "run-bench: $name exited with $rc" >&2
    status=1
  fi
done < "$list"
exit $status
