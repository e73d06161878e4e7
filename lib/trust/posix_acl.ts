/**
 * POSIX ACLs as the kernel keeps them (`system.posix_acl_access`, `system.posix_acl_default`)
 * and who they let write: the part of the Linux trust rule that mode bits cannot show. An
 * entry `user:nobody:rw-` on a root-owned 0644 file only turns its group bits into the mask
 * (0664), which the owner-and-mode rule would take for the root group's right.
 *
 * @module
 */

/** The ACL xattr format the kernel reads and writes (`POSIX_ACL_XATTR_VERSION`). */
export const ACL_VERSION = 2;

/** ACL entry tags (`ACL_USER_OBJ` ... `ACL_OTHER`). */
export const ACL_TAG = {
  USER_OBJ: 0x01,
  USER: 0x02,
  GROUP_OBJ: 0x04,
  GROUP: 0x08,
  MASK: 0x10,
  OTHER: 0x20,
} as const;

/** One entry: its tag, its permission bits (r=4, w=2, x=1) and, for named entries, the id. */
export interface AclEntry {
  readonly tag: number;
  readonly perm: number;
  readonly id: number;
}

const HEADER = 4;
const ENTRY = 8;
const WRITE = 2;

/**
 * Parses the xattr value: a little-endian u32 version (2), then entries of u16 tag, u16 perm,
 * u32 id. Throws on anything else, so the rule never judges an ACL it misread.
 *
 * @example
 * ```ts
 * import { parseAcl } from "./posix_acl.ts";
 * const value = new Uint8Array([2, 0, 0, 0, 1, 0, 6, 0, 255, 255, 255, 255]);
 * parseAcl(value); // [{ tag: 1, perm: 6, id: 4294967295 }]
 * ```
 */
export function parseAcl(value: Uint8Array): AclEntry[] {
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  if (value.length < HEADER || (value.length - HEADER) % ENTRY !== 0) {
    throw new Error(`a POSIX ACL of ${value.length} bytes, not 4 + 8 per entry`);
  }
  const version = view.getUint32(0, true);
  if (version !== ACL_VERSION) throw new Error(`a POSIX ACL of version ${version}, not 2`);
  const entries: AclEntry[] = [];
  for (let at = HEADER; at < value.length; at += ENTRY) {
    entries.push({
      tag: view.getUint16(at, true),
      perm: view.getUint16(at + 2, true),
      id: view.getUint32(at + 4, true),
    });
  }
  return entries;
}

/**
 * Encodes entries in the xattr format {@linkcode parseAcl} reads (what `setfacl` writes).
 *
 * @example
 * ```ts
 * import { ACL_TAG, encodeAcl } from "./posix_acl.ts";
 * const value = encodeAcl([{ tag: ACL_TAG.USER_OBJ, perm: 6, id: 0xffffffff }]);
 * ```
 */
export function encodeAcl(entries: readonly AclEntry[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(HEADER + ENTRY * entries.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, ACL_VERSION, true);
  entries.forEach((entry, i) => {
    view.setUint16(HEADER + ENTRY * i, entry.tag, true);
    view.setUint16(HEADER + ENTRY * i + 2, entry.perm, true);
    view.setUint32(HEADER + ENTRY * i + 4, entry.id, true);
  });
  return out;
}

/** A named entry that lets someone untrusted write. */
export interface AclWriter {
  readonly kind: "user" | "group";
  readonly id: number;
  /** The entry's own bits and what the mask leaves of them, as `rwx` text. */
  readonly perm: string;
  readonly effective: string;
}

/** `rw-` for 6. */
export function permText(perm: number): string {
  return (perm & 4 ? "r" : "-") + (perm & 2 ? "w" : "-") + (perm & 1 ? "x" : "-");
}

/** The mask entry's bits: what named entries and the owning group may use at most. */
function maskOf(entries: readonly AclEntry[]): number {
  return entries.find((e) => e.tag === ACL_TAG.MASK)?.perm ?? 7;
}

/**
 * Whether the owning group can write under this ACL: its own entry and the mask. (With a
 * mask, the mode's group bits show the mask, not the group's right.) Undefined without a
 * GROUP_OBJ entry, when the mode bits decide.
 *
 * @example
 * ```ts
 * import { ACL_TAG, groupOwnerWrites } from "./posix_acl.ts";
 * groupOwnerWrites([{ tag: ACL_TAG.GROUP_OBJ, perm: 4, id: 0 }, { tag: ACL_TAG.MASK, perm: 6, id: 0 }]); // false
 * ```
 */
export function groupOwnerWrites(entries: readonly AclEntry[]): boolean | undefined {
  const group = entries.find((e) => e.tag === ACL_TAG.GROUP_OBJ);
  return group ? (group.perm & maskOf(entries) & WRITE) !== 0 : undefined;
}

/**
 * The named entries whose effective right (entry AND mask) includes write, for users other
 * than root and `user`, and groups other than gid 0.
 *
 * @example
 * ```ts
 * import { ACL_TAG, untrustedWriters } from "./posix_acl.ts";
 * const entries = [{ tag: ACL_TAG.USER, perm: 6, id: 65534 }, { tag: ACL_TAG.MASK, perm: 4, id: 0 }];
 * untrustedWriters(entries, undefined); // [] : the mask takes the write away
 * ```
 */
export function untrustedWriters(
  entries: readonly AclEntry[],
  user: number | undefined,
): AclWriter[] {
  const mask = maskOf(entries);
  const writers: AclWriter[] = [];
  for (const entry of entries) {
    const kind = entry.tag === ACL_TAG.USER ? "user" : entry.tag === ACL_TAG.GROUP ? "group" : "";
    if (!kind || !(entry.perm & mask & WRITE) || entry.id === 0) continue;
    if (kind === "user" && entry.id === user) continue;
    writers.push({
      kind,
      id: entry.id,
      perm: permText(entry.perm),
      effective: permText(entry.perm & mask),
    });
  }
  return writers;
}
