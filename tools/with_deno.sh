#!/usr/bin/env bash
# Runs deno with the given arguments, installing the pinned Deno from npm first when this
# machine has none (or another version). Usage: bash tools/with_deno.sh task test
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/versions.sh"
if ! command -v deno >/dev/null 2>&1 || [[ "$(deno --version | head -n1)" != "deno $DENO_VERSION "* ]]; then
  echo "with_deno: installing deno@$DENO_VERSION from npm" >&2
  npm install -g --no-fund --no-audit "deno@$DENO_VERSION" >&2
fi
cd "$here/.."
exec deno "$@"
