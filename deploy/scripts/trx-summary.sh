#!/usr/bin/env bash
# Totals the TRX files in a folder into one plain line: "N passed, N failed[, N skipped]".
set -euo pipefail
dir="${1:?usage: trx-summary.sh RESULTS_DIR}"
passed=0 failed=0 skipped=0 files=0
while IFS= read -r -d '' f; do
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*' "$f" | head -n1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(get total); executed=$(get executed); p=$(get passed); fl=$(get failed)
  err=$(get error); to=$(get timeout); ab=$(get aborted)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${fl:-0} + ${err:-0} + ${to:-0} + ${ab:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
  # Name every test that did not pass (with the first line of its message), so a red run says what broke even when
  # the console above is long.
  awk '
    /<UnitTestResult / && !/outcome="(Passed|NotExecuted)"/ {
      name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name)
      outcome = $0; sub(/.*outcome="/, "", outcome); sub(/".*/, "", outcome)
      pending = 1; printf "%s: %s\n", toupper(outcome), name
    }
    pending && /<Message>/ {
      msg = $0; sub(/.*<Message>/, "", msg); sub(/<\/Message>.*/, "", msg)
      printf "    %s\n", substr(msg, 1, 400); pending = 0
    }
    /<\/UnitTestResult>/ { pending = 0 }
  ' "$f"
done < <(find "$dir" -name '*.trx' -print0 2>/dev/null)
if [ "$files" = 0 ]; then
  echo "trx-summary: no TRX files in $dir" >&2
  echo "0 passed, 1 failed"
  exit 0
fi
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
