/**
 * UTF-16 marshalling for Windows `PCWSTR` and `PCWSTR const*` parameters.
 *
 * @module
 */

/**
 * Encodes a string as NUL-terminated UTF-16 code units. JavaScript strings are UTF-16
 * already, so surrogate pairs cross unchanged, and so does an unpaired surrogate, which NTFS
 * allows in names.
 */
export function wideString(text: string): Uint16Array<ArrayBuffer> {
  const units = new Uint16Array(text.length + 1);
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  return units;
}

/** An array of `PCWSTR` and the buffers its raw addresses point into. */
export interface WideStringArray {
  /** `null` when empty, as the API documents, else one 64-bit address per string. */
  readonly pointers: BigUint64Array<ArrayBuffer> | null;
  /** Must stay referenced as long as native code may read `pointers`. */
  readonly strings: readonly Uint16Array<ArrayBuffer>[];
}

/** Encodes `texts` as an array of pointers to NUL-terminated UTF-16 strings. */
export function wideStringArray(texts: readonly string[]): WideStringArray {
  const strings = texts.map(wideString);
  if (strings.length === 0) return { pointers: null, strings };
  const pointers = new BigUint64Array(strings.length);
  strings.forEach((units, i) => {
    pointers[i] = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(units)));
  });
  return { pointers, strings };
}

/** Decodes UTF-16 code units up to the first NUL (or the end). */
export function fromWide(units: Uint16Array, length = units.indexOf(0)): string {
  const end = length < 0 ? units.length : length;
  let text = "";
  // Chunked so that very long strings do not overflow the argument limit of fromCharCode.
  for (let i = 0; i < end; i += 4096) {
    text += String.fromCharCode(...units.subarray(i, Math.min(end, i + 4096)));
  }
  return text;
}
