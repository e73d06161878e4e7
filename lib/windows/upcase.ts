/**
 * Case folding as NTFS does it: one UTF-16 code unit at a time through a 65,536-entry upcase
 * table, so a name never changes length and two names are "the same" exactly when their
 * upcased units are equal.
 *
 * The table is built from JavaScript's `toUpperCase` applied to each code unit alone, with
 * the places where NTFS's own table (`$UpCase`, written by Windows when it formats a volume)
 * is known to differ:
 *
 * - a unit whose upper case is longer than one unit (`ß` becomes `SS`, `ŉ` becomes `ʼN`) maps
 *   to itself: the table is one-to-one per unit;
 * - a lone surrogate maps to itself (`toUpperCase` of half a pair is the same half anyway);
 * - `ı` (U+0131, dotless i) and `ſ` (U+017F, long s) map to themselves. JavaScript maps them
 *   to ASCII `I` and `S`, which would make `C:\ıdir` and `C:\Idir` one place; on NTFS they
 *   are two folders. They are the only non-ASCII units JavaScript maps into ASCII.
 *
 * Letters whose upper case Unicode added after the table Windows writes (Georgian Mtavruli,
 * Cherokee small letters) follow JavaScript here; a volume's table can differ from another's
 * for those, and no bind link path in practice depends on them.
 *
 * @module
 */

/** Units NTFS leaves alone although JavaScript upper-cases them. */
const NTFS_KEEPS: readonly number[] = [0x0131, 0x017F];

let table: Uint16Array | undefined;

function buildTable(): Uint16Array {
  const built = new Uint16Array(0x1_0000);
  for (let unit = 0; unit < built.length; unit++) {
    const upper = String.fromCharCode(unit).toUpperCase();
    built[unit] = upper.length === 1 ? upper.charCodeAt(0) : unit;
  }
  for (const unit of NTFS_KEEPS) built[unit] = unit;
  return built;
}

/**
 * The upper case of one UTF-16 code unit by the NTFS-style table.
 *
 * @example
 * ```ts
 * import { upcaseUnit } from "./upcase.ts";
 * upcaseUnit(0x61); // 0x41 ("a" -> "A")
 * upcaseUnit(0x131); // 0x131 (dotless i stays)
 * ```
 */
export function upcaseUnit(unit: number): number {
  table ??= buildTable();
  return table[unit & 0xFFFF];
}

/**
 * Upper-cases `text` one UTF-16 code unit at a time, as NTFS compares names: the result has
 * the same length, and `ı`, `ſ` and `ß` stay as they are.
 *
 * @example
 * ```ts
 * import { upcaseOrdinal } from "./upcase.ts";
 * upcaseOrdinal("C:\\Straße\\ıdir"); // "C:\\STRAßE\\ıDIR"
 * ```
 */
export function upcaseOrdinal(text: string): string {
  table ??= buildTable();
  let out = "";
  let plain = true;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const upper = table[unit];
    if (upper !== unit) plain = false;
    out += String.fromCharCode(upper);
  }
  return plain ? text : out;
}
