/**
 * Strings handed to libc: NUL-terminated UTF-8, cut from a shared arena.
 *
 * @module
 */
const encoder = new TextEncoder();

// C strings are cut from a shared arena, never reused: a view on a large buffer goes to libc
// as it is, while a small typed array of its own lives in V8's heap and must be moved out
// (an allocation and a copy) on every call that passes it. A view keeps its arena alive.
const ARENA_BYTES = 65536;
let arena = new Uint8Array(ARENA_BYTES);
let arenaUsed = 0;

/**
 * Encodes a string as a NUL-terminated UTF-8 C string.
 *
 * @example
 * ```ts
 * import { cString } from "./c_string.ts";
 * cString("/run").length; // 5: four bytes and the NUL
 * ```
 */
export function cString(text: string): Uint8Array<ArrayBuffer> {
  const most = text.length * 3 + 1;
  if (most > ARENA_BYTES / 8) {
    const out = new Uint8Array(most);
    const { written } = encoder.encodeInto(text, out);
    return out.subarray(0, written + 1) as Uint8Array<ArrayBuffer>;
  }
  if (arenaUsed + most > ARENA_BYTES) {
    arena = new Uint8Array(ARENA_BYTES);
    arenaUsed = 0;
  }
  // The arena is zeroed and never written twice: the byte after the text is its NUL.
  const { written } = encoder.encodeInto(text, arena.subarray(arenaUsed, arenaUsed + most - 1));
  const out = arena.subarray(arenaUsed, arenaUsed + written + 1);
  arenaUsed += written + 1;
  return out as Uint8Array<ArrayBuffer>;
}
