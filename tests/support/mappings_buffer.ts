/**
 * Builds `BfGetMappings` answers for tests, in the layout lib/windows/mappings.ts reads:
 * header, mapping entries, every mapping's target entries, then the strings (UTF-16LE, no
 * NUL). Field offsets are exported so that tests can break one field at a time.
 */
import {
  mappingEntrySize,
  mappingsHeaderSize,
  targetEntrySize,
} from "../../lib/windows/mappings.ts";

/** A mapping to encode (a `RawMapping` is one); `flags` defaults to 0. */
export interface MappingToEncode {
  /** The virtual root, an NT device path. */
  virtualRoot: string;
  /** The filter's flag bits. */
  flags?: number;
  /** The targets, backing path first. */
  targets: readonly string[];
}

/** How to build the answer. */
export interface EncodeOptions {
  /** The header's status (default 0, success). */
  status?: number;
  /** The header's size (default: the bytes the answer takes). */
  size?: number;
  /** Zero bytes after the answer, as in a buffer larger than needed (default 0). */
  slack?: number;
}

/** Byte offsets of the header's fields. */
export const HEADER = { size: 0, status: 4, mappingCount: 8 } as const;

/** Byte offsets of a mapping entry's fields, from the entry's start. */
export const MAPPING_FIELD = {
  virtualRootLength: 0,
  virtualRootOffset: 4,
  flags: 8,
  targetCount: 12,
  targetEntriesOffset: 16,
} as const;

/** Byte offsets of a target entry's fields, from the entry's start. */
export const TARGET_FIELD = { length: 0, offset: 4 } as const;

/** Where field `field` of mapping entry `index` lies. */
export function mappingField(index: number, field: keyof typeof MAPPING_FIELD): number {
  return mappingsHeaderSize + index * mappingEntrySize + MAPPING_FIELD[field];
}

/** Where field `field` of target `target` of mapping `index` lies in `buffer`. */
export function targetField(
  buffer: Uint8Array,
  index: number,
  target: number,
  field: keyof typeof TARGET_FIELD,
): number {
  const entries = readU32(buffer, mappingField(index, "targetEntriesOffset"));
  return entries + target * targetEntrySize + TARGET_FIELD[field];
}

/** Reads a little-endian u32. */
export function readU32(buffer: Uint8Array, offset: number): number {
  return new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength).getUint32(offset, true);
}

/** Writes a little-endian u32 (the value is taken modulo 2^32). */
export function writeU32(buffer: Uint8Array, offset: number, value: number): void {
  new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    .setUint32(offset, value >>> 0, true);
}

/**
 * Encodes `mappings` as Windows lays out a `BfGetMappings` answer.
 *
 * @example
 * ```ts
 * const buffer = encodeMappings([
 *   { virtualRoot: "\\Device\\HarddiskVolume3\\Foo", targets: ["\\Device\\HarddiskVolume3\\Bar"] },
 * ]);
 * ```
 */
export function encodeMappings(
  mappings: readonly MappingToEncode[],
  options: EncodeOptions = {},
): Uint8Array<ArrayBuffer> {
  let targetTotal = 0;
  let stringBytes = 0;
  for (const mapping of mappings) {
    targetTotal += mapping.targets.length;
    stringBytes += 2 * mapping.virtualRoot.length;
    for (const target of mapping.targets) stringBytes += 2 * target.length;
  }
  const tablesEnd = mappingsHeaderSize + mappings.length * mappingEntrySize +
    targetTotal * targetEntrySize;
  const answerLength = tablesEnd + stringBytes;
  const buffer = new Uint8Array(answerLength + (options.slack ?? 0));
  const view = new DataView(buffer.buffer);

  let stringAt = tablesEnd;
  const putString = (text: string): [length: number, offset: number] => {
    const offset = stringAt;
    for (let i = 0; i < text.length; i++) view.setUint16(offset + 2 * i, text.charCodeAt(i), true);
    stringAt += 2 * text.length;
    return [2 * text.length, offset];
  };

  view.setUint32(HEADER.size, options.size ?? answerLength, true);
  view.setUint32(HEADER.status, (options.status ?? 0) >>> 0, true);
  view.setUint32(HEADER.mappingCount, mappings.length, true);
  let targetEntryAt = mappingsHeaderSize + mappings.length * mappingEntrySize;
  mappings.forEach((mapping, index) => {
    const entry = mappingsHeaderSize + index * mappingEntrySize;
    const [rootLength, rootOffset] = putString(mapping.virtualRoot);
    view.setUint32(entry + MAPPING_FIELD.virtualRootLength, rootLength, true);
    view.setUint32(entry + MAPPING_FIELD.virtualRootOffset, rootOffset, true);
    view.setUint32(entry + MAPPING_FIELD.flags, (mapping.flags ?? 0) >>> 0, true);
    view.setUint32(entry + MAPPING_FIELD.targetCount, mapping.targets.length, true);
    view.setUint32(entry + MAPPING_FIELD.targetEntriesOffset, targetEntryAt, true);
    for (const target of mapping.targets) {
      const [length, offset] = putString(target);
      view.setUint32(targetEntryAt + TARGET_FIELD.length, length, true);
      view.setUint32(targetEntryAt + TARGET_FIELD.offset, offset, true);
      targetEntryAt += targetEntrySize;
    }
  });
  return buffer;
}
