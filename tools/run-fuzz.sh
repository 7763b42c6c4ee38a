#!/usr/bin/env bash
# Builds the libFuzzer targets under clang with ASan+UBSan and runs each for FUZZ_SECONDS
# (default 600) on a scratch copy of its seed corpus (tests/fuzz/corpus/<name>/), so new
# inputs never dirty the repository. Installs nothing (`make fuzz` runs deps first).
# Exits non-zero when a target finds a crash, leak, timeout or sanitizer report; the
# reproducer is kept in fuzz-out/<name>/ (copy it into the corpus once fixed).
#   FUZZ_SECONDS  seconds per target (default 600)
#   FUZZ_BUILD    build directory (default build-fuzz)
#   FUZZ_TARGETS  space-separated subset of target names (default: every corpus folder)
#   FUZZ_JOBS     parallel libFuzzer workers per target (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-600}
build=${FUZZ_BUILD:-build-fuzz}
jobs=${FUZZ_JOBS:-1}
out=fuzz-out

if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  targets=()
  for dir in tests/fuzz/corpus/*/; do
    targets+=("$(basename "$dir")")
  done
fi
[ ${#targets[@]} -gt 0 ] || { echo "run-fuzz: no targets (tests/fuzz/corpus/<name>/)" >&2; exit 1; }

# Coverage instrumentation (fuzzer-no-link) on all project code so libFuzzer sees inside
# the libraries, not only the target file. Tests stay on: tests/fuzz lives under tests/.
if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false \
    -Dui=disabled -Dtests=true -Dc_args=-fsanitize=fuzzer-no-link
fi

# Regenerate first if a meson.build changed (a new target): `meson compile TARGET` looks
# targets up in the introspection data of the last configuration.
ninja -C "$build" build.ninja >/dev/null

# Only the fuzz targets (and the libraries they link), not the whole project.
build_targets=()
for t in "${targets[@]}"; do build_targets+=("fuzz-$t"); done
meson compile -C "$build" -j 2 "${build_targets[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

status=0
for t in "${targets[@]}"; do
  exe="$build/tests/fuzz/fuzz-$t"
  work=$(mktemp -d "${TMPDIR:-/tmp}/tc-fuzz-$t.XXXXXX")
  rm -rf "${out:?}/$t"   # findings of an earlier run are replaced by this run's
  mkdir -p "$work/corpus" "$out/$t"
  cp tests/fuzz/corpus/"$t"/* "$work/corpus/"
  extra=()
  [ -f "tests/fuzz/$t.dict" ] && extra+=(-dict="tests/fuzz/$t.dict")
  # With -jobs, libFuzzer writes each worker's log to fuzz-N.log in the current directory.
  [ "$jobs" -gt 1 ] && extra+=(-jobs="$jobs" -workers="$jobs")

  echo "run-fuzz: $t for ${seconds}s (corpus copy in $work)"
  set +e
  "$exe" "${extra[@]}" -max_total_time="$seconds" -max_len=70000 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$out/$t/" \
    "$work/corpus" 2>&1 | tee "$out/$t/fuzz.log" | grep -E "^#[0-9]+ +(INITED|DONE|pulse)|ERROR|SUMMARY|stat::|Done [0-9]+ runs"
  rc=${PIPESTATUS[0]}
  set -e
  echo "run-fuzz: $t: exit $rc, corpus grew from $(ls tests/fuzz/corpus/"$t" | wc -l) to $(ls "$work/corpus" | wc -l) inputs; log $out/$t/fuzz.log"
  if [ "$rc" -ne 0 ] || ls "$out/$t"/crash-* "$out/$t"/leak-* "$out/$t"/timeout-* "$out/$t"/oom-* >/dev/null 2>&1; then
    echo "run-fuzz: $t: FINDING (see $out/$t/)" >&2
    status=1
  fi
  rm -rf "$work"
done
exit $status
