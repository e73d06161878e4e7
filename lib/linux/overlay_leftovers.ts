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
import { libc } from "./syscall.ts";

const PREFIX = "trusted.overlay.";

function overlayAttributes(path: string): string[] {
  const symbols = libc();
  const name = cString(path);
  const buffer = new Uint8Array(4096);
  const n = Number(symbols.llistxattr(name, buffer, BigInt(buffer.length)));
  if (n <= 0) return [];
  return new TextDecoder().decode(buffer.subarray(0, n)).split("\0")
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
 * Deletes whiteouts and removes overlay attributes changed at or after `sinceMs` below
 * `backing` (the link is already detached).
 */
export function cleanOverlayLeftovers(backing: string, sinceMs: number): LeftoverReport {
  const report: LeftoverReport = { whiteouts: [], attributes: [] };
  const symbols = libc();
  const visit = (folder: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(folder)];
    } catch {
      return; // gone, or not readable: nothing of ours can be in it
    }
    for (const entry of entries) {
      const path = `${folder}/${entry.name}`;
      if (entry.isSymlink) continue;
      let info: Deno.FileInfo;
      try {
        info = Deno.lstatSync(path);
      } catch {
        continue;
      }
      const changed = (info.ctime?.getTime() ?? 0) >= sinceMs;
      if (changed && info.isCharDevice && info.rdev === 0) {
        try {
          Deno.removeSync(path);
          report.whiteouts.push(path);
        } catch { /* left as it is; it is reported by nobody, but harmless to retry */ }
        continue;
      }
      if (changed) {
        const attributes = overlayAttributes(path);
        for (const attribute of attributes) symbols.lremovexattr(cString(path), cString(attribute));
        if (attributes.length) report.attributes.push(path);
      }
      if (entry.isDirectory) visit(path);
    }
  };
  // Overlay marks its upper layer's root too (trusted.overlay.uuid, ...).
  const rootChanged = (Deno.lstatSync(backing).ctime?.getTime() ?? 0) >= sinceMs;
  const own = rootChanged ? overlayAttributes(backing) : [];
  for (const attribute of own) symbols.lremovexattr(cString(backing), cString(attribute));
  if (own.length) report.attributes.push(backing);
  visit(backing);
  return report;
}
