/**
 * Linux paths opened once, as a descriptor, so that every later step works on the place
 * that was checked (the rules that resolve the strings first are ./path_rules.ts).
 *
 * Symlinks are followed as Windows follows them (a virtual path through a symlink means the
 * place it points to), but each path is resolved exactly once, by `openat2` with
 * `RESOLVE_NO_MAGICLINKS` (no jumps through /proc/<pid>/fd), and from then on bindlink holds
 * the resulting `O_PATH` descriptor: swapping a folder for a symlink afterwards changes
 * nothing. Paths that must stay inside a folder (exceptions, mount points inside a link) are
 * opened with `RESOLVE_BENEATH`. Kernels before 5.6 have no openat2; plain `open(O_PATH)` is
 * the fallback there.
 *
 * @module
 */
import { kernelName } from "./kernel_names.ts";
import { LINUX_PATH_MAX } from "./path_rules.ts";
import { SYS } from "./libc_ffi.ts";
import { AT_FDCWD, O, RESOLVE } from "./libc_constants.ts";
import { cString } from "./c_string.ts";
import { check, closeFd, errno, libc, SystemCallError } from "./syscall.ts";
import { ERRNO } from "./errno.ts";
const { E2BIG, ELOOP, ENOENT, ENOSYS } = ERRNO;

let openat2Works: boolean | undefined;

/** How {@linkcode openPath} resolves. */
export interface OpenPathOptions {
  /** Refuse to leave `dirfd` (exceptions inside a link). */
  beneath?: boolean;
  /** Do not follow a symlink in the last component: open the symlink itself. */
  noFollow?: boolean;
  /** Open as a directory, for reading entries or making them (not `O_PATH`). */
  directory?: boolean;
}

/**
 * Opens `name` relative to `dirfd` (or an absolute path) once, as an `O_PATH` descriptor.
 *
 * @returns The descriptor, or `undefined` when nothing is there.
 * @throws {SystemCallError} for any other failure (ELOOP, EACCES, EXDEV for an escape, ...).
 *
 * @example
 * ```ts
 * import { openAbsolute, openPath, pathOfFd } from "./paths.ts";
 * import { closeFd } from "./syscall.ts";
 *
 * const dir = openAbsolute("/srv/app");
 * if (dir !== undefined) {
 *   try {
 *     const inside = openPath(dir, "config", { beneath: true }); // never leaves /srv/app
 *     if (inside !== undefined) {
 *       console.log(pathOfFd(inside));
 *       closeFd(inside);
 *     }
 *   } finally {
 *     closeFd(dir);
 *   }
 * }
 * ```
 */
export function openPath(
  dirfd: number,
  name: string,
  options: OpenPathOptions = {},
): number | undefined {
  let flags = O.CLOEXEC | (options.directory ? O.RDONLY | O.DIRECTORY : O.PATH);
  if (options.noFollow) flags |= O.NOFOLLOW;
  const resolve = RESOLVE.NO_MAGICLINKS | (options.beneath ? RESOLVE_BENEATH : 0n);
  const fd = tryOpenat2(dirfd, name, flags, resolve);
  if (fd !== FALL_BACK) return fd;
  const symbols = libc();
  const plain = symbols.openat(dirfd, cString(name), flags, 0);
  if (plain >= 0) return plain;
  const code = errno();
  if (code === ENOENT) return undefined;
  throw new SystemCallError(`open(${name})`, code);
}

const RESOLVE_BENEATH = 0x8n;
const FALL_BACK = -2;
// openat2's struct open_how, reused: calls are synchronous.
const how = new BigUint64Array(3);
const howBytes = new Uint8Array(how.buffer);

/** openat2, or FALL_BACK when this kernel has none; undefined when nothing is there. */
function tryOpenat2(
  dirfd: number,
  name: string,
  flags: number,
  resolve: bigint,
): number | undefined {
  if (openat2Works === false) return FALL_BACK;
  how[0] = BigInt(flags);
  how[1] = 0n;
  how[2] = resolve;
  const fd = Number(libc().openat2(SYS.openat2, dirfd, cString(name), howBytes, 24n));
  if (fd >= 0) {
    openat2Works = true;
    return fd;
  }
  const code = errno();
  if (code === ENOENT) return undefined;
  if (!(code === ENOSYS || code === E2BIG) || openat2Works) {
    throw new SystemCallError(`openat2(${name || `fd ${dirfd}`})`, code);
  }
  openat2Works = false;
  return FALL_BACK;
}

/**
 * Opens `name` relative to `dirfd` (or an absolute path) with `flags`, following no symlink
 * and no magic link anywhere on the way: `openat2(RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS)`, or before Linux 5.6 one `openat(O_NOFOLLOW | O_DIRECTORY)` per
 * folder. For what bindlink deletes or changes: a path it recorded (resolved, so without
 * symlinks) that leads through a symlink now does not lead to what it made.
 *
 * @returns The descriptor, or `undefined` when nothing is there.
 * @throws {SystemCallError} ELOOP when a symlink is on the way, ENOTDIR, EACCES, ...
 *
 * @example
 * ```ts
 * import { AT_FDCWD, O } from "./libc_constants.ts";
 * import { openNoSymlinks } from "./paths.ts";
 *
 * const folder = openNoSymlinks(AT_FDCWD, "/srv", O.PATH | O.DIRECTORY);
 * ```
 */
export function openNoSymlinks(dirfd: number, name: string, flags: number): number | undefined {
  const fd = tryOpenat2(
    dirfd,
    name,
    flags | O.CLOEXEC,
    RESOLVE.NO_SYMLINKS | RESOLVE.NO_MAGICLINKS,
  );
  if (fd !== FALL_BACK) return fd;
  const symbols = libc();
  const names = name.split("/").filter((n) => n && n !== ".");
  if (names.includes("..")) throw new SystemCallError(`open(${name})`, ELOOP);
  let at = name.startsWith("/")
    ? symbols.openat(AT_FDCWD, cString("/"), O.PATH | O.DIRECTORY | O.CLOEXEC, 0)
    : symbols.openat(dirfd, cString("."), O.PATH | O.DIRECTORY | O.CLOEXEC, 0);
  for (let i = 0; at >= 0 && i < names.length; i++) {
    const last = i === names.length - 1;
    const next = symbols.openat(
      at,
      cString(names[i]),
      (last ? flags : O.PATH | O.DIRECTORY) | O.NOFOLLOW | O.CLOEXEC,
      0,
    );
    const code = errno();
    closeFd(at);
    at = next;
    if (next < 0 && code === ENOENT) return undefined;
    if (next < 0) throw new SystemCallError(`open(${name})`, code);
  }
  check(at, `open(${name})`);
  return at;
}

// An absolute path with no empty, "." or ".." names and no trailing slash.
const NOT_NORMAL = /\/\/|\/\.\.?(?:\/|$)|.\/$/;

/**
 * Opens `name` relative to `dirfd` as {@linkcode openPath} does (symlinks followed, not
 * magic links) and says which path the descriptor stands for. `shown` is the path `name`
 * names when no symlink is on the way (absolute, normalized): the open first refuses every
 * symlink (`RESOLVE_NO_SYMLINKS`), and when that succeeds `shown` is exact and the
 * /proc/self/fd lookup is saved; when a symlink is met, the path is opened again following
 * it and read back from /proc/self/fd (`shown` when /proc is not mounted).
 *
 * @returns The descriptor and its path, or `undefined` when nothing is there.
 * @throws {SystemCallError} as {@linkcode openPath} does.
 *
 * @example
 * ```ts
 * import { AT_FDCWD } from "./libc_constants.ts";
 * import { openResolved } from "./paths.ts";
 *
 * const opened = openResolved(AT_FDCWD, "/srv/app", "/srv/app");
 * if (opened) console.log(opened.path); // where /srv/app leads
 * ```
 */
export function openResolved(
  dirfd: number,
  name: string,
  shown: string,
): { fd: number; path: string } | undefined {
  if (shown.startsWith("/") && !NOT_NORMAL.test(shown)) {
    let fd: number | undefined = FALL_BACK;
    try {
      fd = tryOpenat2(dirfd, name, O.CLOEXEC | O.PATH, RESOLVE.NO_SYMLINKS | RESOLVE.NO_MAGICLINKS);
    } catch (error) {
      // A symlink on the way (ELOOP), or anything else: the full open says it as before.
      if (!(error instanceof SystemCallError)) throw error;
    }
    if (fd === undefined) return undefined;
    if (fd !== FALL_BACK) return { fd, path: shown };
  }
  const fd = openPath(dirfd, name);
  if (fd === undefined) return undefined;
  return { fd, path: pathOfFd(fd) ?? shown };
}

/** Opens an absolute path once, following symlinks as Windows does (not magic links). */
export function openAbsolute(absolute: string, options: OpenPathOptions = {}): number | undefined {
  return openPath(AT_FDCWD, absolute, options);
}

/**
 * The path a descriptor stands for now, from its /proc/self/fd link (read through libc).
 * `undefined` when /proc is not mounted.
 */
export function pathOfFd(fd: number): string | undefined {
  const buffer = linkBuffer;
  const n = Number(libc().readlink(cString(`/proc/self/fd/${fd}`), buffer, BigInt(buffer.length)));
  if (n < 0) return undefined;
  return kernelName(buffer.subarray(0, n), "the path a symlink leads to");
}

// readlink fills one buffer, decoded before the next call (calls are synchronous).
const linkBuffer = new Uint8Array(LINUX_PATH_MAX);

/** The /proc/self/fd path of `fd`, for calls that take only path strings (umount2). */
export function procFdPath(fd: number): string {
  return `/proc/self/fd/${fd}`;
}
