/**
 * What one statx says about a path or descriptor: its kind, owner and inode, and the mount it
 * is on by unique mount ID (`STATX_MNT_ID_UNIQUE`, Linux 6.8+). One system call, however many
 * mounts exist. Questions about mounts by that ID (statmount, listmount) are ./mount_tree.ts.
 *
 * On kernels without unique mount IDs (before 6.8), the mount ID falls back to the reusable
 * one with the device and inode of the mount's root, which tells a link's mount from a later
 * one in all but contrived cases; `statmount`/`listmount` (6.8+) are then missing too, and
 * the callers say what they cannot check.
 *
 * @module
 */
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_SYMLINK_NOFOLLOW,
  S_IFCHR,
  S_IFDIR,
  S_IFLNK,
  S_IFMT,
  S_IFREG,
  STATX_ATTR_MOUNT_ROOT,
  STATX_CTIME,
  STATX_INO,
  STATX_MNT_ID,
  STATX_MNT_ID_UNIQUE,
  STATX_MODE,
  STATX_TYPE,
  STATX_UID,
} from "./libc_constants.ts";
import { cString } from "./c_string.ts";
import { errno, libc, SystemCallError } from "./syscall.ts";
import { ERRNO } from "./errno.ts";
const { ENOENT } = ERRNO;

/** A file's kind and the mount it is on, from one statx. */
export interface PathFacts {
  /** `directory`, `file` (regular), `symlink`, or `other` (device, socket, ...). */
  kind: "directory" | "file" | "symlink" | "other";
  /** The mount's ID: unique (`u…`) where the kernel has unique IDs, else `r<id>.<dev>.<ino>`. */
  mountId: string;
  /** True when the path is the root of a mount (the top one, where mounts are stacked). */
  isMountRoot: boolean;
  /** `major:minor` of the file system. */
  device: string;
  /** Inode number. */
  inode: bigint;
  /** Size in bytes. */
  size: bigint;
  /** The inode change time, in nanoseconds since the epoch (the file system's own clock). */
  ctimeNs: bigint;
  /** A character device 0:0: what overlayfs writes as a whiteout. */
  isWhiteout: boolean;
  /** The owner's uid. */
  uid: number;
  /** The permission bits (mode & 0o7777). */
  permissions: number;
}

let uniqueIds: boolean | undefined;

function kindOf(mode: number): PathFacts["kind"] {
  switch (mode & S_IFMT) {
    case S_IFDIR:
      return "directory";
    case S_IFREG:
      return "file";
    case S_IFLNK:
      return "symlink";
  }
  return "other";
}

// statx fills one buffer, reused by every call (calls are synchronous), and the facts keep
// plain numbers: the bigint and string fields are made only when someone reads them.
const statxBuffer = new Uint8Array(256);
const statxView = new DataView(statxBuffer.buffer);
const TWO_32 = 0x1_0000_0000;

function u64Text(low: number, high: number): string {
  return high === 0 ? String(low) : String((BigInt(high) << 32n) | BigInt(low));
}

class StatxFacts implements PathFacts {
  readonly kind: PathFacts["kind"];
  readonly mountId: string;
  readonly isMountRoot: boolean;
  readonly isWhiteout: boolean;
  readonly uid: number;
  readonly permissions: number;
  readonly #inoLow: number;
  readonly #inoHigh: number;
  readonly #sizeLow: number;
  readonly #sizeHigh: number;
  readonly #ctimeSeconds: number;
  readonly #ctimeNanos: number;
  readonly #devMajor: number;
  readonly #devMinor: number;

  constructor(view: DataView) {
    const mode = view.getUint16(28, true);
    const gotMask = view.getUint32(0, true);
    uniqueIds ??= (gotMask & STATX_MNT_ID_UNIQUE) !== 0;
    this.kind = kindOf(mode);
    this.uid = view.getUint32(20, true);
    this.permissions = mode & 0o7777;
    // STATX_ATTR_MOUNT_ROOT (0x2000) sits in the low half of stx_attributes.
    this.isMountRoot = (view.getUint32(8, true) & Number(STATX_ATTR_MOUNT_ROOT)) !== 0;
    this.#inoLow = view.getUint32(32, true);
    this.#inoHigh = view.getUint32(36, true);
    this.#sizeLow = view.getUint32(40, true);
    this.#sizeHigh = view.getUint32(44, true);
    // tv_sec is signed 64-bit; seconds of any real clock fit a double exactly.
    this.#ctimeSeconds = view.getInt32(100, true) * TWO_32 + view.getUint32(96, true);
    this.#ctimeNanos = view.getUint32(104, true);
    this.#devMajor = view.getUint32(136, true);
    this.#devMinor = view.getUint32(140, true);
    const id = u64Text(view.getUint32(144, true), view.getUint32(148, true));
    this.mountId = uniqueIds ? `u${id}` : `r${id}.${this.#devMajor}:${this.#devMinor}`;
    this.isWhiteout = (mode & S_IFMT) === S_IFCHR && view.getUint32(128, true) === 0 &&
      view.getUint32(132, true) === 0;
  }

  get device(): string {
    return `${this.#devMajor}:${this.#devMinor}`;
  }

  get inode(): bigint {
    return (BigInt(this.#inoHigh) << 32n) | BigInt(this.#inoLow);
  }

  get size(): bigint {
    return (BigInt(this.#sizeHigh) << 32n) | BigInt(this.#sizeLow);
  }

  get ctimeNs(): bigint {
    return BigInt(this.#ctimeSeconds) * 1_000_000_000n + BigInt(this.#ctimeNanos);
  }
}

const EMPTY = new Uint8Array(1);

/**
 * statx of `path` relative to `dirfd` (or of `dirfd` itself with `path` ""), without following
 * a symlink in the last component. `undefined` when nothing is there.
 *
 * @example
 * ```ts
 * import { AT_FDCWD } from "./libc_constants.ts";
 * import { pathFacts } from "./mount_facts.ts";
 *
 * const facts = pathFacts(AT_FDCWD, "/srv/app");
 * if (facts?.isMountRoot) console.log("a mount, with unique ID", facts.mountId);
 * ```
 */
export function pathFacts(dirfd: number, path: string): PathFacts | undefined {
  const flags = AT_SYMLINK_NOFOLLOW | (path === "" ? AT_EMPTY_PATH : 0);
  const mask = STATX_TYPE | STATX_MODE | STATX_UID | STATX_INO | STATX_CTIME |
    (uniqueIds === false ? STATX_MNT_ID : STATX_MNT_ID_UNIQUE);
  const name = path === "" ? EMPTY : cString(path);
  if (libc().statx(dirfd, name, flags, mask, statxBuffer) !== 0) {
    const code = errno();
    if (code === ENOENT) return undefined;
    throw new SystemCallError(`statx(${path || `fd ${dirfd}`})`, code);
  }
  return new StatxFacts(statxView);
}

/** statx of an absolute path (last component not followed). */
export function factsAt(path: string): PathFacts | undefined {
  return pathFacts(AT_FDCWD, path);
}

/** True when this kernel gives unique mount IDs (known after the first statx). */
export function hasUniqueMountIds(): boolean {
  if (uniqueIds === undefined) pathFacts(AT_FDCWD, "/");
  return uniqueIds === true;
}

/** The numeric unique ID inside a `u…` mount ID, or undefined for a fallback ID. */
export function uniqueNumber(mountId: string): bigint | undefined {
  return mountId.startsWith("u") ? BigInt(mountId.slice(1)) : undefined;
}
