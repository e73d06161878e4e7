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
 * @module
 */
import { cString } from "./libc_ffi.ts";
import { factsAt } from "./mount_facts.ts";
import { libc } from "./syscall.ts";
import { beforeAct } from "./test_hooks.ts";

const PREFIX = "trusted.overlay.";

// llistxattr fills one buffer, decoded before the next call (calls are synchronous).
const listBuffer = new Uint8Array(4096);
const decoder = new TextDecoder();

function overlayAttributes(path: string): string[] {
  const symbols = libc();
  const name = cString(path);
  const buffer = listBuffer;
  const n = Number(symbols.llistxattr(name, buffer, BigInt(buffer.length)));
  if (n <= 0) return [];
  return decoder.decode(buffer.subarray(0, n)).split("\0")
    .filter((attribute) => attribute.startsWith(PREFIX));
}

/** What {@linkcode cleanOverlayLeftovers} took away. */
export interface LeftoverReport {
  /** Whiteouts deleted. */
  whiteouts: string[];
  /** Entries whose overlay attributes were removed. */
  attributes: string[];
}

/**
 * Deletes whiteouts and removes overlay attributes changed at or after `sinceNs` (the file
 * system's own clock, ns) below `backing` (the link is already detached).
 *
 * @example
 * ```ts
 * import { cleanOverlayLeftovers } from "./overlay_leftovers.ts";
 *
 * const { whiteouts } = cleanOverlayLeftovers("/srv/backing", 1700000000000000000n);
 * console.log(`${whiteouts.length} whiteouts deleted`);
 * ```
 */
export function cleanOverlayLeftovers(backing: string, sinceNs: bigint): LeftoverReport {
  const report: LeftoverReport = { whiteouts: [], attributes: [] };
  const symbols = libc();
  const strip = (path: string) => {
    const attributes = overlayAttributes(path);
    if (attributes.length) beforeAct("remove-attribute", path);
    for (const attribute of attributes) symbols.lremovexattr(cString(path), cString(attribute));
    if (attributes.length) report.attributes.push(path);
  };
  const visit = (folder: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(folder)];
    } catch {
      return; // gone, or not readable: nothing of ours can be in it
    }
    for (const entry of entries) {
      if (entry.isSymlink) continue;
      const path = `${folder}/${entry.name}`;
      const facts = factsAt(path);
      if (!facts) continue;
      const changed = facts.ctimeNs >= sinceNs;
      if (changed && facts.isWhiteout) {
        try {
          beforeAct("delete-whiteout", path);
          Deno.removeSync(path);
          report.whiteouts.push(path);
        } catch {
          // left as it is: the next remove of a merged link here does not see it as its own
        }
        continue;
      }
      if (changed) strip(path);
      if (entry.isDirectory) visit(path);
    }
  };
  // Overlay marks its upper layer's root too (trusted.overlay.uuid, ...).
  if ((factsAt(backing)?.ctimeNs ?? 0n) >= sinceNs) strip(backing);
  visit(backing);
  return report;
}
