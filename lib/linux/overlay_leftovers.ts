/**
 * Taking away what overlayfs left in a merged link's backing path.
 *
 * Windows' merged links delete in the backing path and leave no trace; overlayfs records a
 * delete of a name the virtual path also has as a whiteout (a character device 0:0) in its
 * upper layer, the backing path, and marks re-made folders with `trusted.overlay.*`
 * attributes. Once the link is gone these would show in the backing path as unreadable files
 * ("No such device or address"). At remove, bindlink deletes exactly these: whiteouts and
 * `trusted.overlay.*` attributes on entries changed since the link's work folder was made,
 * which nothing but this link's overlay can have made in that time. Nothing else is touched.
 *
 * The backing path may belong to another user, who may have swapped it for a symlink since:
 * it is reopened without following symlinks and used only when it is the folder the link was
 * made with (device and inode recorded at create); the walk goes by descriptors, never into
 * another mount, and attributes are removed through a descriptor of the entry itself.
 *
 * @module
 */
import { entriesOf } from "./folders.ts";
import { O } from "./libc_constants.ts";
import { cString } from "./c_string.ts";
import { type PathFacts, pathFacts } from "./mount_facts.ts";
import { type Leftover, openOwnedFolder } from "./owned_tree.ts";
import { closeFd, libc } from "./syscall.ts";
import { beforeAct } from "./test_hooks.ts";

const PREFIX = "trusted.overlay.";
const DT_DIR = 4;
const DT_LNK = 10;

// flistxattr fills one buffer, decoded before the next call (calls are synchronous).
const listBuffer = new Uint8Array(4096);
const decoder = new TextDecoder();

/** What {@linkcode cleanOverlayLeftovers} took away, and what it left. */
export interface LeftoverReport {
  /** Whiteouts deleted. */
  whiteouts: string[];
  /** Entries whose overlay attributes were removed. */
  attributes: string[];
  /** What could not be cleaned, and why (nothing is cleaned in a backing path not proved). */
  left: Leftover[];
}

/**
 * Deletes whiteouts and removes overlay attributes changed at or after `sinceNs` (the file
 * system's own clock, ns) below `backing`, the folder whose `device:inode` is `backingId`
 * (the link is already detached).
 *
 * @example
 * ```ts
 * import { cleanOverlayLeftovers } from "./overlay_leftovers.ts";
 *
 * const report = cleanOverlayLeftovers("/srv/backing", "0:52:1234", 1700000000000000000n);
 * console.log(`${report.whiteouts.length} whiteouts deleted`);
 * ```
 */
export function cleanOverlayLeftovers(
  backing: string,
  backingId: string | undefined,
  sinceNs: bigint,
): LeftoverReport {
  const report: LeftoverReport = { whiteouts: [], attributes: [], left: [] };
  if (backingId === undefined) {
    report.left.push({
      path: backing,
      why: "overlay's traces were not cleaned: the record does not say which folder it was",
    });
    return report;
  }
  const opened = openOwnedFolder(backing, backingId);
  if (opened === undefined) return report; // the backing folder is gone, and its traces with it
  if ("why" in opened) {
    report.left.push({
      path: opened.path,
      why: `overlay's traces were not cleaned: ${opened.why}`,
    });
    return report;
  }
  const { fd, facts: top } = opened;
  try {
    // Overlay marks its upper layer's root too (trusted.overlay.uuid, ...).
    if (top.ctimeNs >= sinceNs) strip(fd, backing, report);
    visit(fd, backing, top.mountId, sinceNs, report);
  } finally {
    closeFd(fd);
  }
  return report;
}

/** Removes the `trusted.overlay.*` attributes of the entry open as `fd` (not O_PATH). */
function strip(fd: number, at: string, report: LeftoverReport): void {
  const symbols = libc();
  const n = Number(symbols.flistxattr(fd, listBuffer, BigInt(listBuffer.length)));
  if (n <= 0) return;
  const names = decoder.decode(listBuffer.subarray(0, n)).split("\0")
    .filter((name) => name.startsWith(PREFIX));
  if (!names.length) return;
  beforeAct("remove-attribute", at);
  for (const name of names) symbols.fremovexattr(fd, cString(name));
  report.attributes.push(at);
}

function visit(
  folder: number,
  at: string,
  mountId: string,
  sinceNs: bigint,
  report: LeftoverReport,
): void {
  const symbols = libc();
  let entries;
  try {
    entries = entriesOf(folder, at);
  } catch {
    return; // not readable: nothing of this link's overlay can be in it
  }
  for (const entry of entries) {
    if (entry.type === DT_LNK) continue;
    const path = `${at}/${decoder.decode(entry.name.subarray(0, -1))}`;
    let facts: PathFacts | undefined;
    try {
      facts = pathFacts(folder, decoder.decode(entry.name.subarray(0, -1)));
    } catch {
      continue;
    }
    if (!facts || facts.mountId !== mountId) continue; // gone, or another mount: not overlay's
    const changed = facts.ctimeNs >= sinceNs;
    if (changed && facts.isWhiteout) {
      beforeAct("delete-whiteout", path);
      if (symbols.unlinkat(folder, entry.name, 0) === 0) report.whiteouts.push(path);
      continue;
    }
    if (facts.kind !== "directory" && facts.kind !== "file") continue;
    if (!changed && facts.kind !== "directory") continue;
    // A descriptor of the entry itself, never through a symlink (O_NOFOLLOW), never blocking.
    const flags = O.RDONLY | O.NOFOLLOW | O.NONBLOCK | O.NOCTTY | O.CLOEXEC |
      (entry.type === DT_DIR || facts.kind === "directory" ? O.DIRECTORY : 0);
    const fd = symbols.openat(folder, entry.name, flags, 0);
    if (fd < 0) continue;
    try {
      const now = pathFacts(fd, "");
      if (!now || now.inode !== facts.inode || now.mountId !== mountId) continue;
      if (changed) strip(fd, path, report);
      if (now.kind === "directory") visit(fd, path, mountId, sinceNs, report);
    } finally {
      closeFd(fd);
    }
  }
}
