#!/usr/bin/env bash
# molecule test -s <scenario>, its whole output kept in .cache/molecule-<scenario>.log. When it
# fails, the failures are printed again last, short: CI keeps only the end of a run's output,
# where Molecule's own summary names the step but not the task or its message.
set -uo pipefail
scenario=$1
log=.cache/molecule-$scenario.log
mkdir -p .cache
molecule test -s "$scenario" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
  # Colours off, then every failed task: its TASK line and what follows its fatal/failed line.
  sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
    /TASK \[/ { task = $0 }
    /(fatal|failed): \[/ && !/failed=/ { n++; print "--- " task; left = 14 }
    left > 0 { print substr($0, 1, 240); left-- }
    END { if (!n) print "(no failed task in the log: see the lines above)" }' > "$log.failures"
  echo
  echo "=== molecule test -s $scenario failed (rc $rc); its failed tasks, first and last (whole log: $log) ==="
  if [ "$(wc -l < "$log.failures")" -gt 60 ]; then
    head -30 "$log.failures"; echo "[...]"; tail -30 "$log.failures"
  else
    cat "$log.failures"
  fi
fi
exit "$rc"
