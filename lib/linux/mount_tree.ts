/**
 * What the kernel says about mounts by their unique IDs, without parsing mountinfo: one
 * mount described (`statmount`), the mounts below one (`listmount`, one call per 64 it
 * returns; the kernel walks the namespace's mounts from where it is told to start), whether a
 * mount namespace still exists, and this process's namespace ID (`ioctl(NS_GET_MNTNS_ID)`).
 * Before Linux 6.8 the first two answer `null` and the callers say what they cannot check.
 *
 * @module
 */
import { SYS } from "./libc_ffi.ts";
import { AT_FDCWD, NS_GET_MNTNS_ID, O, STATMOUNT } from "./libc_constants.ts";
import { cString } from "./c_string.ts";
import { kernelName } from "./kernel_names.ts";
import { pathFacts } from "./mount_facts.ts";
import { check, closeFd, errno, libc, SystemCallError } from "./syscall.ts";
import { ERRNO } from "./errno.ts";
const { EINVAL, ENOENT, ENOSYS, ENOTTY, EOPNOTSUPP, EOVERFLOW, EPERM } = ERRNO;

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
 * import { describeMount } from "./mount_tree.ts";
 * import { factsAt, uniqueNumber } from "./mount_facts.ts";
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
  const fd = symbols.openat(AT_FDCWD, cString("/proc/self/ns/mnt"), O.RDONLY | O.CLOEXEC, 0);
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
