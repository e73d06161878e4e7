#!/usr/bin/env bash
# Builds the test double and its variants as Windows DLLs into tests/.build/, where the suite
# run by Windows Deno expects them (tests/support/double.ts), on a Windows runner.
# Usage: bash .github/scripts/build_double.sh <compiler>
#   x86_64:  gcc (MinGW-w64 on windows-2025's image)
#   ARM64:   aarch64-w64-mingw32-clang (llvm-mingw): an ARM64 Deno cannot load an x64 DLL.
# The variants are those tools/test_windows.sh builds for the Wine rig; keep the two lists alike.
set -euo pipefail
cc=${1:?usage: build_double.sh <compiler>}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$repo/tests/.build
mkdir -p "$out"
implib=$(mktemp -d)
trap 'rm -rf "$implib"' EXIT

dll() {
  local name=$1 source=$2
  shift 2
  "$cc" -std=c11 -Wall -Wextra -Werror -O1 -shared -o "$out/$name.dll" \
    "$repo/tests/double/$source" "$@"
}

dll bindlink_double bindlink_double.c
dll bindlink_double_nocreate bindlink_double.c -DDOUBLE_NO_CREATE
dll bindlink_double_decoy bindlink_double.c -DDOUBLE_DECOY
dll bindlink_helper bindlink_helper.c "-Wl,--out-implib,$implib/libbindlink_helper.a"
dll bindlink_helper_decoy bindlink_helper.c -DHELPER_DECOY
dll bindlink_double_helper bindlink_double.c -DDOUBLE_WITH_HELPER "-L$implib" -lbindlink_helper
ls -l "$out"/*.dll
