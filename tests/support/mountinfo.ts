/**
 * Reading /proc/self/mountinfo: which mounts exist in this mount namespace. The backend never
 * reads the whole table (it asks the kernel about single mounts, lib/linux/mount_facts.ts and
 * mount_tree.ts); the tests and tools/demo.ts read it to see what a command left behind.
 *
 * @module
 */
import { readProcFile } from "../../lib/linux/proc.ts";

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
 * without --allow-all), as one moment saw them.
 *
 * A table longer than one read() comes in several reads, and mounts made or taken off in
 * between make a torn copy: a mount already gone in the first part and its successor in the
 * second show together. So the table is read until two reads in a row agree.
 */
export function readMountInfo(): MountEntry[] {
  let text = readProcFile("/proc/self/mountinfo") ?? "";
  for (let i = 0; i < 20; i++) {
    const again = readProcFile("/proc/self/mountinfo") ?? "";
    if (again === text) break;
    text = again;
  }
  return parseMountInfo(text);
}
