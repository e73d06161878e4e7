/**
 * What the kernel says about one mount, without reading every mount: the unique mount ID of
 * a path or descriptor (statx `STATX_MNT_ID_UNIQUE`, Linux 6.8+), one mount described by ID
 * (`statmount`), the mounts directly below one (`listmount`), and the 64-bit ID of this mount
 * namespace (`ioctl(NS_GET_MNTNS_ID)`). Each costs one system call, however many mounts exist.
 *
 * On kernels without unique mount IDs (before 6.8), {@linkcode mountIdentity} falls back to
 * the reusable mount ID with the device and inode of the mount's root, which tells a link's
 * mount from a later one in all but contrived cases; `statmount`/`listmount` (6.8+) are
 * then missing too, and the callers say what they cannot check.
 *
 * @module
 */
import { SYS } from "./libc_ffi.ts";
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_SYMLINK_NOFOLLOW,
  NS_GET_MNTNS_ID,
  O,
  S_IFCHR,
  S_IFDIR,
  S_IFLNK,
  S_IFMT,
  S_IFREG,
  STATMOUNT,
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
import { kernelName } from "./kernel_names.ts";
import { check, closeFd, errno, libc, SystemCallError } from "./syscall.ts";
import { ERRNO } from "./errno.ts";
const { EINVAL, ENOENT, ENOSYS, ENOTTY, EOPNOTSUPP, EOVERFLOW, EPERM } = ERRNO;

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

/** One mount, as `statmount` describes it. */
export interface MountDescription {
  /** The unique mount ID. */
  id: bigint;
  /** The parent mount's unique ID. */
  parentId: bigint;
  /** Where it is mounted, as seen from this process's root. */
  mountPoint: string;
  /** Its file system's type (`tmpfs`, `devtmpfs`, `overlay`, ...). */
  fsType: string;
}

let statmountWorks: boolean | undefined;

/**
 * Describes the mount with unique ID `id` in this namespace, or `undefined` when there is no
 * such mount (unmounted, or never here). `null` when the kernel has no statmount.
 *
 * @example
 * ```ts
 * import { describeMount, factsAt, uniqueNumber } from "./mount_facts.ts";
 *
 * const id = uniqueNumber(factsAt("/")!.mountId);
 * if (id !== undefined) console.log(describeMount(id)?.mountPoint); // "/"
 * ```
 */
export function describeMount(id: bigint): MountDescription | undefined | null {
  if (statmountWorks === false) return null;
  const request = new Uint8Array(24);
  const req = new DataView(request.buffer);
  req.setUint32(0, 24, true); // MNT_ID_REQ_SIZE_VER0
  req.setBigUint64(8, id, true);
  req.setBigUint64(16, BigInt(STATMOUNT.MNT_BASIC | STATMOUNT.MNT_POINT | STATMOUNT.FS_TYPE), true);
  let size = 4096 + 512;
  for (;;) {
    const buffer = new Uint8Array(size);
    const result = libc().statmount(SYS.statmount, request, buffer, BigInt(size), 0);
    if (result < 0) {
      const code = errno();
      if (code === ENOENT) return undefined;
      if (code === ENOSYS || code === EINVAL && statmountWorks === undefined) {
        statmountWorks = false;
        return null;
      }
      if (code === EOVERFLOW) {
        size *= 2;
        continue;
      }
      throw new SystemCallError(`statmount(${id})`, code);
    }
    statmountWorks = true;
    const view = new DataView(buffer.buffer);
    // Strings follow the 512-byte struct; fs_type (offset 36) and mnt_point (108) index them.
    const bytes = (offset: number) => {
      const start = 512 + view.getUint32(offset, true);
      return buffer.subarray(start, buffer.indexOf(0, start));
    };
    return {
      id: view.getBigUint64(40, true),
      parentId: view.getBigUint64(48, true),
      // Printed and compared with recorded paths: UTF-8, or refused.
      mountPoint: kernelName(bytes(108), "a mount point"),
      fsType: new TextDecoder().decode(bytes(36)),
    };
  }
}

/**
 * The unique IDs of the mounts below mount `id` (at any depth), or `null` when the kernel has
 * no listmount.
 *
 * listmount walks the namespace's mounts in ID order from where it is told to start and keeps
 * those below `id`. By default it starts after `id`: a mount made inside a link (a clone, an
 * exception, a later mount) is newer than it, which keeps the cost to the mounts made since.
 * A mount moved in from elsewhere (`mount --move`) keeps its older ID, so a check that must
 * see everything below (`complete`) starts at the beginning, by parent relation alone: that
 * walk costs one step per mount of the namespace.
 */
export function mountsBelow(id: bigint, complete = false): bigint[] | null {
  const ids: bigint[] = [];
  const request = listRequest;
  request.setUint32(0, 24, true);
  request.setBigUint64(8, id, true);
  for (;;) {
    // Resume after the last one returned.
    request.setBigUint64(16, ids.length ? ids[ids.length - 1] : complete ? 0n : id, true);
    const n = Number(
      libc().listmount(SYS.listmount, listRequestBytes, listOutBytes, BigInt(LIST_BATCH), 0),
    );
    if (n < 0) {
      const code = errno();
      if (code === ENOSYS || code === EINVAL) return null;
      if (code === ENOENT) return [];
      throw new SystemCallError(`listmount(${id})`, code);
    }
    for (let i = 0; i < n; i++) ids.push(listOut[i]);
    if (n < LIST_BATCH) return ids;
  }
}

// listmount's request and answer, reused: calls are synchronous.
const LIST_BATCH = 64;
const listRequestBytes = new Uint8Array(24);
const listRequest = new DataView(listRequestBytes.buffer);
const listOut = new BigUint64Array(LIST_BATCH);
const listOutBytes = new Uint8Array(listOut.buffer);

/**
 * Whether the mount namespace with 64-bit ID `nsId` still exists: `true`, `false`, or
 * `undefined` when this kernel cannot say (listmount without namespace IDs, before 6.11).
 */
export function namespaceExists(nsId: bigint): boolean | undefined {
  const request = new Uint8Array(32);
  const req = new DataView(request.buffer);
  req.setUint32(0, 32, true); // MNT_ID_REQ_SIZE_VER1
  req.setBigUint64(8, 0xffffffffffffffffn, true); // LSMT_ROOT
  req.setBigUint64(24, nsId, true);
  const out = new Uint8Array(8);
  const n = Number(libc().listmount(SYS.listmount, request, out, 1n, 0));
  if (n >= 0) return true;
  const code = errno();
  if (code === ENOENT) return false;
  if (code === EPERM) return true; // exists, in a user namespace we may not look into
  return undefined;
}

let namespaceCache: string | undefined;

/**
 * This process's mount namespace ID: `ioctl(NS_GET_MNTNS_ID)` on /proc/self/ns/mnt, a
 * 64-bit number the kernel never reuses (Linux 6.11+). On older kernels, `i` and the inode
 * of /proc/self/ns/mnt, which the kernel may reuse once the namespace is gone.
 */
export function mountNamespaceId(): string {
  if (namespaceCache) return namespaceCache;
  const symbols = libc();
  const fd = symbols.open(cString("/proc/self/ns/mnt"), O.RDONLY | O.CLOEXEC, 0);
  check(fd, "open(/proc/self/ns/mnt)");
  try {
    const out = new BigUint64Array(1);
    if (symbols.ioctl(fd, NS_GET_MNTNS_ID, new Uint8Array(out.buffer)) === 0) {
      return namespaceCache = String(out[0]);
    }
    const code = errno();
    if (code !== EINVAL && code !== ENOTTY && code !== EOPNOTSUPP) {
      throw new SystemCallError("ioctl(NS_GET_MNTNS_ID)", code);
    }
    const facts = pathFacts(fd, "");
    return namespaceCache = `i${facts?.inode ?? 0n}`;
  } finally {
    closeFd(fd);
  }
}
