#!/usr/bin/env bash
# Runs the test suite with the Windows build of Deno, under Wine 10, against the test double
# cross-compiled as a Windows DLL. Usage: deno task test:windows (root needed).
#
# Prepares and caches, under $BINDLINK_WINE_CACHE (default /var/cache/bindlink-wine): a
# minimal Debian chroot with Wine, a Wine prefix, and deno.exe from npm. Every mount is made
# inside a private mount namespace (unshare -m --propagation private), so none can outlive
# the run or be seen by the host, even when the run fails or is interrupted.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
source "$here/versions.sh"
cache=${BINDLINK_WINE_CACHE:-/var/cache/bindlink-wine}
root=$cache/root
log=$cache/logs
repo_in_chroot=/work/bindlink

say() { echo "test:windows: $*"; }
die() {
  say "FAILED: $*" >&2
  exit 1
}

# Test files to run (default: the whole suite), so a change can be checked quickly.
targets=("$@")
((${#targets[@]})) || targets=(tests/)

# Runs one preparation step with a line before and after, so a slow step shows.
step() {
  local name=$1 start=$SECONDS
  shift
  say "$name ..."
  "$@"
  say "$name: done in $((SECONDS - start)) s"
}

# Runs a command inside the chroot, in a private mount namespace with /proc, /dev and the
# repository mounted. The mounts vanish with the namespace.
in_chroot() {
  unshare -m --propagation private bash -euo pipefail -c '
    root=$1 repo=$2 target=$3
    shift 3
    mount -t proc proc "$root/proc"
    mount --bind /dev "$root/dev"
    mount -t tmpfs tmpfs "$root/tmp"
    mount --bind "$repo" "$root$target"
    # Each run writes into its own copy-on-write layer over the cached Wine prefix, so runs
    # can go on side by side and none leaves DLLs in System32 for the next.
    if [ -n "${BINDLINK_RUN_LAYER:-}" ]; then
      mkdir -p "$BINDLINK_RUN_LAYER/upper" "$BINDLINK_RUN_LAYER/work"
      mount -t overlay overlay -o "lowerdir=$root/root/.wine,upperdir=$BINDLINK_RUN_LAYER/upper,workdir=$BINDLINK_RUN_LAYER/work" "$root/root/.wine"
    fi
    exec chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root \
      XDG_RUNTIME_DIR=/tmp WINEDEBUG=-all NO_COLOR=1 LANG=C.UTF-8 "$@"
  ' _ "$root" "$repo" "$repo_in_chroot" "$@"
}

host_tools() {
  local missing=()
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v x86_64-w64-mingw32-gcc >/dev/null || missing+=(gcc-mingw-w64-x86-64)
  command -v unshare >/dev/null || missing+=(util-linux)
  if ((${#missing[@]})); then
    say "installing ${missing[*]}"
    apt-get update -qq >"$log/apt-host.log" 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >>"$log/apt-host.log" 2>&1 || die "apt-get failed, see $log/apt-host.log"
  fi
}

# The mirror this machine's apt already uses, so the chroot comes from the same place.
debian_mirror() {
  local file
  for file in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    [[ -f $file ]] || continue
    sed -n -e 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' \
      -e 's/^deb[[:space:]]\+\([^[:space:]]*\)[[:space:]].*/\1/p' "$file" |
      grep -v security | head -n1
    return
  done
}

chroot_base() {
  [[ -f $cache/.base-ok ]] && return
  rm -rf "$root"
  debootstrap --variant=minbase "$DEBIAN_SUITE" "$root" $(debian_mirror) >"$log/debootstrap.log" 2>&1 ||
    die "debootstrap failed, see $log/debootstrap.log"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mkdir -p "$root$repo_in_chroot" "$root/opt/deno"
  touch "$cache/.base-ok"
}

chroot_wine() {
  [[ -f $cache/.wine-ok ]] && return
  in_chroot sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends wine wine64' >"$log/apt-wine.log" 2>&1 ||
    die "installing Wine failed, see $log/apt-wine.log"
  touch "$cache/.wine-ok"
}

windows_deno() {
  local versions version
  versions=$(npm view "@deno/win32-x64@>=$DENO_WINDOWS_LINE.0 <$DENO_WINDOWS_LINE.999" version --json 2>/dev/null) ||
    die "npm has no @deno/win32-x64 of the $DENO_WINDOWS_LINE line"
  version=$(node -e '
    const want = process.argv[1];
    let list = JSON.parse(process.argv[2]);
    if (!Array.isArray(list)) list = [list];
    const num = (v) => v.split(".").map(Number);
    list.sort((a, b) => { const x = num(a), y = num(b); return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
    console.log(list.includes(want) ? want : list[list.length - 1]);
  ' "$DENO_VERSION" "$versions")
  if [[ -f $cache/.deno-ok && $(cat "$cache/.deno-ok") == "$version" ]]; then return; fi
  [[ $version == "$DENO_VERSION" ]] || say "npm has no @deno/win32-x64@$DENO_VERSION; using $version, the newest of $DENO_WINDOWS_LINE"
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "@deno/win32-x64@$version" >/dev/null && tar xzf deno-win32-x64-*.tgz) ||
    die "downloading @deno/win32-x64@$version failed"
  install -m 0755 "$tmp/package/deno.exe" "$root/opt/deno/deno.exe"
  rm -rf "$tmp"
  echo "$version" >"$cache/.deno-ok"
}

wine_prefix() {
  [[ -f $cache/.prefix-ok ]] && return
  rm -rf "$root/root/.wine"
  in_chroot sh -c 'wineboot --init && wineserver --wait' >"$log/wineboot.log" 2>&1 ||
    die "creating the Wine prefix failed, see $log/wineboot.log"
  touch "$cache/.prefix-ok"
}

# Builds tests/.build/<name>.dll from a C file with extra gcc arguments, atomically. It is
# linked under its final name (in a folder of its own): a DLL records its own name, and an
# import library made from it names that DLL.
build_dll() {
  local name=$1 source=$2 scratch
  shift 2
  scratch=$(mktemp -d)
  x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -O1 -shared \
    -o "$scratch/$name.dll" "$repo/tests/double/$source" "$@"
  mv -f "$scratch/$name.dll" "$repo/tests/.build/$name.dll"
  rm -rf "$scratch"
}

# The double and its variants: without CreateBindLink, a decoy that reports being loaded,
# and one importing a helper DLL of its own (the real helper, and a decoy of it).
build_double() {
  mkdir -p "$repo/tests/.build"
  local implib
  implib=$(mktemp -d)
  build_dll bindlink_double bindlink_double.c
  build_dll bindlink_double_nocreate bindlink_double.c -DDOUBLE_NO_CREATE
  build_dll bindlink_double_decoy bindlink_double.c -DDOUBLE_DECOY
  build_dll bindlink_helper bindlink_helper.c "-Wl,--out-implib,$implib/libbindlink_helper.a"
  build_dll bindlink_helper_decoy bindlink_helper.c -DHELPER_DECOY
  build_dll bindlink_double_helper bindlink_double.c -DDOUBLE_WITH_HELPER "-L$implib" -lbindlink_helper
  rm -rf "$implib"
}

run_suite() {
  # Files a killed run of an older rig may have left in the cached prefix.
  rm -f "$root/root/.wine/drive_c/windows/system32/"{bindlink,bindfltapi,bindlink_helper}.dll
  local layer
  layer=$(mktemp -d "$cache/run.XXXXXX")
  set +e
  BINDLINK_RUN_LAYER=$layer in_chroot sh -c "cd $repo_in_chroot && BINDLINK_TEST_WRITE_SYSTEM32=1 DENO_DIR='Z:/opt/deno-dir' wine /opt/deno/deno.exe test \
    --no-check --allow-ffi --allow-read --allow-write --allow-env --allow-sys --allow-run --v8-flags=--expose-gc \
    ${targets[*]} 2>&1; status=\$?; wineserver --kill; exit \$status" | tee "$layer.log"
  local status=${PIPESTATUS[0]}
  set -e
  cp "$layer.log" "$log/suite.log"
  rm -rf "$layer" "$layer.log"
  local summary passed
  summary=$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$log/suite.log" | tail -n1 || true)
  passed=$(sed -n 's/^[A-Za-z]* | \([0-9]*\) passed.*/\1/p' <<<"$summary")
  [[ ${targets[*]} == tests/ ]] || {
    ((status == 0 && passed > 0)) && [[ $summary == ok* ]] ||
      die "the Windows run of ${targets[*]} failed: ${summary:-no summary}"
    say "Windows run of ${targets[*]} passed: $summary"
    return
  }
  [[ -n $summary ]] || die "the Windows run printed no test summary (status $status)"
  ((passed > 0)) || die "the Windows run executed no test"
  grep -q '^the Wine rig runs the suite as Windows \.\.\. ok' "$log/suite.log" ||
    die "the Windows run did not run as windows (its marker test did not pass)"
  # Wine has been seen to exit 0 for a suite that failed: the summary line decides too.
  ((status == 0)) && [[ $summary == ok* ]] || die "the Windows suite failed: $summary"
  say "Windows suite passed: $summary"
}

# The tests' npm packages (dev tooling such as the DSC harness's schema validator), fetched by
# the Linux Deno into a cache the Windows Deno reads: Wine's Deno cannot verify the registry's
# certificate here, and pure JavaScript packages are the same on both.
npm_packages() {
  local files
  mapfile -t files < <(cd "$repo" && grep -rlE --include='*.ts' '"npm:' tests)
  ((${#files[@]})) || return 0
  (cd "$repo" && DENO_DIR="$root/opt/deno-dir" deno cache "${files[@]}") >"$log/npm.log" 2>&1 ||
    die "caching the tests' npm packages failed; see $log/npm.log"
}

no_mounts_left() {
  if grep -qF " $root" /proc/self/mountinfo; then
    die "mounts under $root are still visible on the host"
  fi
}

[[ $(id -u) == 0 ]] || die "needs root (debootstrap, chroot and mounts); run it with sudo"
mkdir -p "$cache" "$log"
start=$SECONDS
step "host tools (debootstrap, mingw-w64)" host_tools
step "Debian $DEBIAN_SUITE chroot" chroot_base
step "Wine in the chroot" chroot_wine
step "Windows Deno from npm" windows_deno
step "Wine prefix" wine_prefix
step "test double as a Windows DLL" build_double
step "the tests' npm packages" npm_packages
say "prepared in $((SECONDS - start)) s; running the suite under Wine"
run_suite
no_mounts_left
