#!/usr/bin/env bash
# Fails when the Linux suite's log (deno test output) reports a test ignored with a
# "(skipped: ...)" reason: on a root CI runner every such suite (the end-to-end tests, which
# need root, unshare and setpriv; systemd-analyze's checks) must run. Only the tests that run
# under the Wine rig alone may be skipped on Linux.
# Usage: bash .github/scripts/no_root_skips.sh <log>
set -euo pipefail
log=${1:?usage: no_root_skips.sh <log>}
grep -qE '^(ok|FAILED) \| [0-9]+ passed' "$log" || { echo "no_root_skips: $log has no test summary" >&2; exit 1; }
if skipped=$(grep -E '\(skipped: .*\.\.\. ignored' "$log" | grep -v 'runs only under the Wine rig'); then
  echo "no_root_skips: these suites were skipped on a runner that should run them:" >&2
  echo "$skipped" >&2
  exit 1
fi
echo "no_root_skips: no Linux suite was skipped"
