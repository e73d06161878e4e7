/**
 * Reading /proc/self/mountinfo: which mounts exist in this mount namespace.
 *
 * @module
 */
import { readProcFile } from "./proc.ts";

/** One mount, as the kernel lists it. */
export interface MountEntry {
  /** Unique ID of the mount (may be reused after unmount). */
  id: number;
  /** ID of the parent mount. */
  parentId: number;
  /** The root of the mount within its source file system. */
  root: string;
  /** Where it is mounted. */
  mountPoint: string;
  /** The file system type (`ext4`, `overlay`, ...). */
  fsType: string;
}

// Spaces, tabs, newlines and backslashes in paths appear as \040, \011, \012 and \134.
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(parseInt(octal, 8)));
}

/** Parses the text of a mountinfo file. */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    const fields = line.split(" ");
    const separator = fields.indexOf("-", 6);
    if (fields.length < 10 || separator < 0) continue;
    entries.push({
      id: Number(fields[0]),
      parentId: Number(fields[1]),
      root: unescape(fields[3]),
      mountPoint: unescape(fields[4]),
      fsType: fields[separator + 1],
    });
  }
  return entries;
}

/**
 * The mounts of this process's mount namespace (read through libc: Deno refuses /proc reads
 * without --allow-all). For tests, the demo and diagnostics; the backend itself asks the
 * kernel about single mounts instead (mount_facts.ts).
 */
export function readMountInfo(): MountEntry[] {
  return parseMountInfo(readProcFile("/proc/self/mountinfo") ?? "");
}

/** The topmost mount at exactly `path`, or undefined when `path` is no mount point. */
export function topMountAt(entries: readonly MountEntry[], path: string): MountEntry | undefined {
  // Stacked mounts: the newest is the one whose parent is another mount at the same path.
  const here = entries.filter((entry) => entry.mountPoint === path);
  return here.find((entry) => !here.some((other) => other.parentId === entry.id)) ?? here.at(-1);
}

/** The mounts strictly below `path`. */
export function mountsBelow(entries: readonly MountEntry[], path: string): MountEntry[] {
  const prefix = path.endsWith("/") ? path : path + "/";
  return entries.filter((entry) => entry.mountPoint.startsWith(prefix));
}
