/**
 * What the Linux trust rule learns of one file or folder, all from a descriptor it opened
 * itself: owner, mode, type, identity, both POSIX ACLs and, for a file to be read, its bytes.
 * Nothing is looked up by path a second time, so what is judged is what is read.
 *
 * @module
 */
import { ERRNO } from "../linux/errno.ts";
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  O,
  S_IFDIR,
  S_IFMT,
  S_IFREG,
  STATX_BASIC_STATS,
} from "../linux/libc_constants.ts";
import { cString } from "../linux/c_string.ts";
import { check, closeFd, errno, libc, readToEnd, SystemCallError } from "../linux/syscall.ts";

/** An opened file or folder and what its descriptor says. */
export interface OpenedEntry {
  /** The descriptor; the caller closes it with {@linkcode closeEntry}. */
  readonly fd: number;
  readonly uid: number;
  readonly gid: number;
  /** The permission bits with set-id and sticky (`& 0o7777`). */
  readonly mode: number;
  readonly isDirectory: boolean;
  readonly isFile: boolean;
  /** `system.posix_acl_access`, when set. */
  readonly accessAcl?: Uint8Array;
  /** `system.posix_acl_default` (folders only), when set. */
  readonly defaultAcl?: Uint8Array;
}

const EMPTY = new Uint8Array(1);
const ACCESS = cString("system.posix_acl_access");
const DEFAULT = cString("system.posix_acl_default");

/**
 * Opens `name` below the folder `dirfd` (or an absolute path with `dirfd` -1), never
 * following a symlink in it: O_RDONLY | O_NOFOLLOW, and O_DIRECTORY for a folder. Not O_PATH:
 * fgetxattr answers EBADF on one. O_NONBLOCK keeps a FIFO put in a file's place from hanging.
 *
 * @example
 * ```ts
 * import { closeEntry, openEntry } from "./linux_descriptor.ts";
 * const root = openEntry(-1, "/", true);
 * console.log(root.uid === 0);
 * closeEntry(root);
 * ```
 */
export function openEntry(dirfd: number, name: string, folder: boolean): OpenedEntry {
  const flags = O.RDONLY | O.NOFOLLOW | O.CLOEXEC | O.NONBLOCK | (folder ? O.DIRECTORY : 0);
  const symbols = libc();
  const fd = symbols.openat(dirfd < 0 ? AT_FDCWD : dirfd, cString(name), flags, 0);
  if (fd < 0) throw openError(name, errno());
  try {
    const stat = new Uint8Array(256);
    check(symbols.statx(fd, EMPTY, AT_EMPTY_PATH, STATX_BASIC_STATS, stat), `statx(${name})`);
    const view = new DataView(stat.buffer);
    const rawMode = view.getUint16(28, true);
    const isDirectory = (rawMode & S_IFMT) === S_IFDIR;
    return {
      fd,
      uid: view.getUint32(20, true),
      gid: view.getUint32(24, true),
      mode: rawMode & 0o7777,
      isDirectory,
      isFile: (rawMode & S_IFMT) === S_IFREG,
      accessAcl: readAttribute(fd, ACCESS, name),
      defaultAcl: isDirectory ? readAttribute(fd, DEFAULT, name) : undefined,
    };
  } catch (error) {
    closeFd(fd);
    throw error;
  }
}

/** Closes what {@linkcode openEntry} opened. */
export function closeEntry(entry: OpenedEntry): void {
  closeFd(entry.fd);
}

/** Whether an open failed because a name on the path is now a symlink or not a folder. */
export function wasReplaced(error: unknown): boolean {
  return error instanceof SystemCallError &&
    (error.errno === ERRNO.ELOOP || error.errno === ERRNO.ENOTDIR);
}

function openError(name: string, code: number): Error {
  // The callers word these as "does not exist" / "cannot be read", like Deno's own errors.
  if (code === ERRNO.ENOENT) return new Deno.errors.NotFound(`open(${name}): no such file`);
  if (code === ERRNO.EACCES || code === ERRNO.EPERM) {
    return new Deno.errors.PermissionDenied(`open(${name}): permission denied`);
  }
  return new SystemCallError(`open(${name})`, code);
}

/** An xattr's value, or undefined when it is not set or the file system has none. */
function readAttribute(fd: number, name: Uint8Array, what: string): Uint8Array | undefined {
  const symbols = libc();
  let buffer = new Uint8Array(4 + 8 * 32);
  for (;;) {
    const n = Number(symbols.fgetxattr(fd, name, buffer, BigInt(buffer.length)));
    if (n >= 0) return buffer.slice(0, n);
    const code = errno();
    if (code === ERRNO.ENODATA || code === ERRNO.EOPNOTSUPP) return undefined;
    if (code !== ERRNO.ERANGE) throw new SystemCallError(`fgetxattr(${what})`, code);
    // Grown between calls: ask its size and try again.
    const size = Number(check(symbols.fgetxattr(fd, name, null, 0n), `fgetxattr(${what})`));
    buffer = new Uint8Array(Math.max(size, buffer.length * 2));
  }
}

/**
 * Reads the whole file from the entry's descriptor.
 *
 * @example
 * ```ts
 * import { closeEntry, openEntry, readEntry } from "./linux_descriptor.ts";
 * const file = openEntry(-1, "/etc/hostname", false);
 * try {
 *   console.log(new TextDecoder().decode(readEntry(file, "/etc/hostname")));
 * } finally {
 *   closeEntry(file);
 * }
 * ```
 */
export function readEntry(entry: OpenedEntry, name: string): Uint8Array<ArrayBuffer> {
  if (!entry.isFile) throw new Error(`${name} is not a regular file`);
  return readToEnd(entry.fd, name).slice();
}
