#!/usr/bin/env bash
# Runs every test with meson and closes with one plain line: "N passed, N failed, N skipped".
# A skipped test is never counted as passed.
set -uo pipefail
build=${1:-build}
meson test -C "$build" --print-errorlogs --num-processes 2 "${@:2}"
rc=$?
/usr/bin/python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0, "TIMEOUT": 0, "ERROR": 0, "EXPECTEDFAIL": 0, "UNEXPECTEDPASS": 0}
try:
    with open(sys.argv[1]) as f:
        for line in f:
            try:
                r = json.loads(line)
            except ValueError:
                continue  # a line meson could not finish writing: not a result
            counts[r["result"]] = counts.get(r["result"], 0) + 1
except FileNotFoundError:
    pass
failed = counts["FAIL"] + counts["TIMEOUT"] + counts["ERROR"] + counts["UNEXPECTEDPASS"]
print(f"tests: {counts['OK'] + counts['EXPECTEDFAIL']} passed, {failed} failed, {counts['SKIP']} skipped")
PY
exit $rc
