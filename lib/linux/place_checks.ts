/**
 * Places a link must never cover: the kernel's own file systems (a link over /proc hides
 * what every program, bindlink included, reads there) and bindlink's state folder, the
 * folders that hold it and those inside it (a link over /run would hide /run/bindlink, and
 * with it the records bindlink needs to remove its links).
 *
 * Both are told by what the place is, never by its name: the file system by the magic number
 * `fstatfs` reports (and, for devtmpfs, which reports tmpfs's, by the type `statmount`
 * names), the state folder by the device and inode of each folder from it up to the root,
 * walked with `..` from descriptors.
 *
 * @module
 */
import { refusal, type Where } from "./failure.ts";
import { AT_FDCWD, O } from "./libc_constants.ts";
import { cString } from "./c_string.ts";
import { type PathFacts, pathFacts, uniqueNumber } from "./mount_facts.ts";
import { describeMount } from "./mount_tree.ts";
import { openAbsolute, openNoSymlinks } from "./paths.ts";
import { check, closeFd, libc } from "./syscall.ts";

/** The kernel's own file systems, by `statfs` magic (include/uapi/linux/magic.h). */
const KERNEL_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, "proc"],
  [0x62656572, "sysfs"],
  [0x1cd1, "devpts"],
  [0x27e0eb, "cgroup"],
  [0x63677270, "cgroup2"],
  [0x73636673, "securityfs"],
  [0x64626720, "debugfs"],
  [0x74726163, "tracefs"],
  [0xcafe4a11, "bpf"],
  [0x19800202, "mqueue"],
  [0x62656570, "configfs"],
  [0xde5e81e4, "efivarfs"],
  [0x6165676c, "pstore"],
  [0x65735543, "fusectl"],
]);
const TMPFS_MAGIC = 0x01021994;

// struct statfs is 120 bytes on 64-bit Linux; f_type (a long) comes first.
const statfsBuffer = new Uint8Array(120);
const statfsView = new DataView(statfsBuffer.buffer);

/**
 * The kernel file system `fd` is on, by name, or `undefined` for any other. `facts`, the
 * caller's own statx of `fd` when it has one, saves a call: a mount's file system never
 * changes and a unique mount ID is never reused, so the answer is kept per mount.
 *
 * @example
 * ```ts
 * import { kernelFileSystemOf } from "./place_checks.ts";
 * import { openAbsolute } from "./paths.ts";
 *
 * console.log(kernelFileSystemOf(openAbsolute("/proc")!)); // "proc"
 * ```
 */
export function kernelFileSystemOf(fd: number, facts?: PathFacts): string | undefined {
  const mountId = facts && uniqueNumber(facts.mountId) !== undefined ? facts.mountId : undefined;
  if (mountId !== undefined && fileSystems.has(mountId)) return fileSystems.get(mountId);
  check(libc().fstatfs(fd, statfsBuffer), "fstatfs");
  const magic = Number(statfsView.getBigUint64(0, true) & 0xffffffffn);
  const named = KERNEL_FILE_SYSTEMS.get(magic);
  const answer = named || magic !== TMPFS_MAGIC ? named : devtmpfsOf(facts ?? pathFacts(fd, "")!);
  if (mountId !== undefined) fileSystems.set(mountId, answer);
  return answer;
}

// Unique mount ID -> its answer above.
const fileSystems = new Map<string, string | undefined>();

// devtmpfs reports tmpfs's magic: only the mount's own type tells them apart.
function devtmpfsOf(facts: PathFacts): string | undefined {
  const unique = uniqueNumber(facts.mountId);
  if (unique === undefined) return undefined;
  let devtmpfs = devtmpfsMounts.get(unique);
  if (devtmpfs === undefined) {
    devtmpfs = describeMount(unique)?.fsType === "devtmpfs";
    devtmpfsMounts.set(unique, devtmpfs);
  }
  return devtmpfs ? "devtmpfs" : undefined;
}

const devtmpfsMounts = new Map<bigint, boolean>();

function identity(fd: number, name = ""): string {
  return identityOfFacts(pathFacts(fd, name)!);
}

function identityOfFacts(facts: PathFacts): string {
  return `${facts.device}:${facts.inode}`;
}

/**
 * The identities of the folder `fd` and of the folders above it, walked with `..`, up to the
 * root.
 */
function chainOf(fd: number): string[] {
  const chain = [identity(fd)];
  let at = fd;
  try {
    for (;;) {
      const up = check(
        libc().openat(at, cString(".."), O.PATH | O.DIRECTORY | O.CLOEXEC, 0),
        "open(..)",
      );
      if (at !== fd) closeFd(at);
      at = up;
      const id = identity(at);
      if (id === chain[chain.length - 1]) return chain; // the root is its own parent
      chain.push(id);
    }
  } finally {
    if (at !== fd) closeFd(at);
  }
}

function deviceOf(identity: string): string {
  return identity.slice(0, identity.indexOf(":"));
}

// The state folder's chain, walked once per process and state folder: the path to it was
// checked to be root's alone (NamespaceState.verify, also once per process), so only root
// can move or replace any folder on it, as only root could for the trust check itself.
const stateChains = new Map<string, string[]>();

function stateChainOf(stateDir: string): string[] | undefined {
  const known = stateChains.get(stateDir);
  if (known) return known;
  const stateFd = openAbsolute(stateDir);
  if (stateFd === undefined) return undefined;
  try {
    const chain = chainOf(stateFd);
    stateChains.set(stateDir, chain);
    return chain;
  } finally {
    closeFd(stateFd);
  }
}

// The folder `fd` (identity `id`) is the state folder, or lies inside it.
function startsInside(fd: number, id: string, chain: readonly string[]): boolean {
  return chain.includes(id) ? id === chain[0] : liesInside(fd, id, chain);
}

// The file at `virtual` lies inside the state folder: its folder is, or lies inside it.
function fileInside(where: Where, virtual: string, chain: readonly string[]): boolean {
  const folder = virtual.slice(0, virtual.lastIndexOf("/")) || "/";
  const fd = openNoSymlinks(AT_FDCWD, folder, O.PATH | O.DIRECTORY);
  if (fd === undefined) {
    throw refusal(where, {
      code: "busy",
      summary: `the virtual path's folder ${folder} was moved while bindlink checked it`,
      hint: "Something else renames folders on the virtual path; try again.",
    });
  }
  try {
    return startsInside(fd, identity(fd), chain);
  } finally {
    closeFd(fd);
  }
}

/**
 * Whether the folder `fd` (identity `id`) lies inside the state folder `chain[0]`: its way up,
 * walked with `..`, meets the state folder before any other folder of the state folder's own
 * way up. Each step is one statx of `..`, `../..`, ... from `fd` itself: the kernel walks the
 * `..`s from the descriptor as an open of each would, without the opens and closes.
 */
function liesInside(fd: number, id: string, chain: readonly string[]): boolean {
  for (let up = "..";; up += "/..") {
    const upId = identity(fd, up);
    if (upId === id) return false; // the root is its own parent
    if (chain.includes(upId)) return upId === chain[0];
    id = upId;
  }
}

/**
 * Refuses, with `invalid-path` saying why, a link whose place is on one of the kernel's own
 * file systems, is bindlink's state folder `stateDir`, holds it, or lies inside it. `placeFd`
 * is the virtual path, opened, or for an anchorless link its parent folder, where the mount
 * point would be made; `placeFacts` its statx, as the caller read it from `placeFd`; `virtual`
 * the virtual path, resolved (a file has no way up of its own: the walk starts at its folder).
 *
 * @example
 * ```ts
 * import { refuseReservedPlace } from "./place_checks.ts";
 * import { pathFacts } from "./mount_facts.ts";
 * import { openAbsolute } from "./paths.ts";
 *
 * const where = { operation: "create" as const, virtualPath: "/proc" };
 * const fd = openAbsolute("/proc")!;
 * refuseReservedPlace(where, fd, pathFacts(fd, "")!, "/proc", true, "/run/bindlink"); // throws
 * ```
 */
export function refuseReservedPlace(
  where: Where,
  placeFd: number,
  placeFacts: PathFacts,
  virtual: string,
  isVirtual: boolean,
  stateDir: string,
): void {
  const kernel = kernelFileSystemOf(placeFd, placeFacts);
  if (kernel !== undefined) {
    throw refusal(where, {
      code: "invalid-path",
      summary: `the virtual path ${isVirtual ? "is" : "would be made"} on ${kernel}, one of ` +
        "the kernel's own file systems",
      hint: "A link there would hide what the system and bindlink itself read there: pick a " +
        "virtual path on an ordinary file system.",
    });
  }
  const stateChain = stateChainOf(stateDir);
  if (stateChain === undefined) return; // no state folder: nothing to hide
  const place = identityOfFacts(placeFacts);
  const holds = isVirtual && stateChain.includes(place);
  // A folder inside the state folder is on its device: only then is the way up walked, and
  // only as far as the first folder on the state folder's own way up.
  const inside = !holds && deviceOf(place) === deviceOf(stateChain[0]) &&
    (placeFacts.kind === "directory"
      ? startsInside(placeFd, place, stateChain)
      : fileInside(where, virtual, stateChain));
  if (holds || inside) {
    throw refusal(where, {
      code: "invalid-path",
      summary: holds
        ? place === stateChain[0]
          ? `the virtual path is bindlink's state folder ${stateDir}`
          : `the virtual path holds bindlink's state folder ${stateDir}`
        : `the virtual path lies inside bindlink's state folder ${stateDir}`,
      hint: "A link there would hide bindlink's lock and link records, and bindlink could no " +
        "longer remove its links: pick another virtual path.",
    });
  }
}
