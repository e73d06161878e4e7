#!/usr/bin/env bash
# Proves the Windows run can fail: applies deliberately wrong marshalling (and a loader that
# lets the API DLL's imports come from beside deno.exe) to a scratch copy of the project
# (never to the working tree) and requires the Windows suite to fail on each.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# name | file | perl substitution (must change the file)
mutants=(
  'swapped virtual and backing path|lib/windows/platform.ts|s/(symbols\.CreateBindLinkNonblocking\(\s*)args\.virtualPath,(\s*)args\.backingPath,/$1args.backingPath,$2args.virtualPath,/'
  'UTF-8 instead of UTF-16|lib/windows/wide.ts|s/const units = new Uint16Array\(text\.length \+ 1\);\n.*\n  return units;/const b = new TextEncoder().encode(text + "\\0\\0\\0");\n  return new Uint16Array(b.buffer, 0, b.length >> 1);/'
  'exception count off by one|lib/windows/platform.ts|s/spec\.exceptions\.length,\n(\s*)args\.exceptions\.pointers/Math.max(0, spec.exceptions.length - 1),\n$1args.exceptions.pointers/'
  "the API DLL's imports searched beside deno.exe|lib/windows/loader.ts|s/k\.LoadLibraryExW\(wide, null, LOAD_LIBRARY_SEARCH_SYSTEM32\)/k.LoadLibraryExW(wide, null, 0)/"
)

for mutant in "${mutants[@]}"; do
  IFS='|' read -r name file substitution <<<"$mutant"
  rm -rf "$scratch/project"
  mkdir -p "$scratch/project"
  (cd "$repo" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp -P --parents -t "$scratch/project")
  before=$(sha1sum "$scratch/project/$file")
  perl -0pi -e "$substitution" "$scratch/project/$file"
  [[ $(sha1sum "$scratch/project/$file") != "$before" ]] || { echo "mutation_check: '$name' did not apply" >&2; exit 1; }
  if bash "$scratch/project/tools/test_windows.sh" >"$scratch/run.log" 2>&1; then
    echo "mutation_check: FAILED: the Windows suite passed with '$name'" >&2
    exit 1
  fi
  grep -q 'the Windows suite failed' "$scratch/run.log" || {
    cat "$scratch/run.log" >&2
    echo "mutation_check: '$name' broke the run itself, not a test" >&2
    exit 1
  }
  echo "mutation_check: '$name' is caught: $(grep -oE 'FAILED \| [0-9]+ passed \| [0-9]+ failed' "$scratch/run.log" | tail -n1)"
done
