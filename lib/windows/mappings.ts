/**
 * Reads the answer of `BfGetMappings` (bindfltapi.dll): the links rooted on one volume, as NT
 * device paths. The layout is undocumented, and the answer is read from memory Windows filled,
 * so every count, offset and length is checked against the bytes actually held before a single
 * code unit is read: a malformed answer becomes a {@linkcode BindLinkError}, never an
 * out-of-bounds read, a RangeError or a runaway allocation.
 *
 * Layout (little endian; lengths in bytes; offsets from the start of the buffer; strings
 * UTF-16 without a NUL):
 *
 * - header, 12 bytes: `u32 size, u32 status, u32 mappingCount`
 * - `mappingCount` entries of 20 bytes: `u32 virtualRootLength, u32 virtualRootOffset,
 *   u32 flags, u32 targetCount, u32 targetEntriesOffset`
 * - per mapping, `targetCount` target entries of 8 bytes: `u32 length, u32 offset`
 *
 * @module
 */
import { BindLinkError } from "../errors.ts";
import { fromWide } from "./wide.ts";

/** Bytes in the header: `size`, `status`, `mappingCount`. */
export const mappingsHeaderSize = 12;
/** Bytes in one mapping entry. */
export const mappingEntrySize = 20;
/** Bytes in one target entry. */
export const targetEntrySize = 8;

/** The filter's flag bit of a read-only link. */
export const READ_ONLY = 0x1;
/** The filter's flag bit of a merged link (the virtual root's own entries stay visible). */
export const MERGED = 0x2;

/** The hint of every error about an unreadable listing. */
export const MALFORMED_LISTING_HINT =
  "Windows returned a listing bindlink cannot read; report this with the message.";

/**
 * One mapping as Windows reports it, before any path translation.
 *
 * @example
 * ```ts
 * const link: RawMapping = {
 *   virtualRoot: "\\Device\\HarddiskVolume3\\Foo",
 *   flags: READ_ONLY,
 *   targets: ["\\Device\\Mup\\server\\share\\dir"],
 * };
 * ```
 */
export interface RawMapping {
  /** Where the link appears, as an NT device path (`\Device\HarddiskVolume3\Foo`). */
  virtualRoot: string;
  /** The filter's flag bits, unsigned; see {@linkcode linkFlags}. */
  flags: number;
  /**
   * The targets, as NT device paths (`\Device\Mup\server\share\dir` for a share). The first
   * is the backing path; a merged link adds the virtual root's own on-disk path second.
   */
  targets: string[];
}

/** The flags a bind link user cares about. */
export interface LinkFlags {
  /** Writes through the link are refused. */
  readOnly: boolean;
  /** The virtual path's own entries stay visible. */
  merged: boolean;
}

/**
 * Reads the read-only and merged bits of a mapping's flags, ignoring the filter's other bits
 * (0x40 no-multiple-targets and the like mean nothing to a bind link user).
 *
 * @example
 * ```ts
 * linkFlags(0x43); // { readOnly: true, merged: true }
 * ```
 */
export function linkFlags(flags: number): LinkFlags {
  return { readOnly: (flags & READ_ONLY) !== 0, merged: (flags & MERGED) !== 0 };
}

function hex(value: number): string {
  return "0x" + (value >>> 0).toString(16).toUpperCase().padStart(8, "0");
}

/** Reads one answer; `limit` is the header's size once it has been checked. */
class MappingsReader {
  readonly #view: DataView;
  readonly #bufferLength: number;
  #limit: number;
  /** Decoded string bytes so far, so that aliased strings cannot multiply the output. */
  #decodedBytes = 0;

  constructor(buffer: Uint8Array) {
    this.#view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    this.#bufferLength = buffer.byteLength;
    this.#limit = buffer.byteLength;
  }

  fail(what: string, hresult?: number): never {
    const size = this.#limit === this.#bufferLength ? "" : `; the header's size is ${this.#limit}`;
    throw new BindLinkError({
      code: "unknown",
      operation: "list",
      summary: `the listing from BfGetMappings is malformed: ${what} ` +
        `(buffer of ${this.#bufferLength} bytes${size})`,
      hint: MALFORMED_LISTING_HINT,
      hresult,
    });
  }

  /** A field of the answer; callers have checked that `offset + 4` fits. */
  u32(offset: number): number {
    return this.#view.getUint32(offset, true);
  }

  header(): number {
    if (this.#bufferLength < mappingsHeaderSize) {
      this.fail(`it is shorter than its ${mappingsHeaderSize}-byte header`);
    }
    const size = this.u32(0);
    if (size > this.#bufferLength) {
      this.fail(`the header's size ${size} is larger than the buffer`);
    }
    if (size < mappingsHeaderSize) {
      this.fail(`the header's size ${size} is smaller than the ${mappingsHeaderSize}-byte header`);
    }
    this.#limit = size;
    const status = this.u32(4);
    if (status !== 0) this.fail(`the header's status is ${hex(status)}, not success`, status);
    const count = this.u32(8);
    const end = mappingsHeaderSize + count * mappingEntrySize;
    if (end > this.#limit) {
      this.fail(
        `the header's mappingCount ${count} needs ${end} bytes for its entries, more than the ` +
          "answer holds",
      );
    }
    return count;
  }

  /** Throws unless `[offset, offset + length)` lies within the answer. */
  span(where: string, offsetField: string, offset: number, length: number, what: string): void {
    // Numbers, not u32 arithmetic: offset + length cannot wrap around 2^32 here.
    const end = offset + length;
    if (end > this.#limit) {
      this.fail(
        `${where}: ${offsetField} ${offset} (${hex(offset)}) with ${what} ends at byte ${end}, ` +
          "past the end of the answer",
      );
    }
  }

  string(where: string, lengthField: string, offsetField: string, entry: number): string {
    const length = this.u32(entry);
    const offset = this.u32(entry + 4);
    if (length === 0) this.fail(`${where}: ${lengthField} is 0, an empty path`);
    if (length % 2 !== 0) {
      this.fail(`${where}: ${lengthField} ${length} is odd, not a whole number of UTF-16 units`);
    }
    this.span(where, offsetField, offset, length, `${lengthField} ${length}`);
    this.#decodedBytes += length;
    if (this.#decodedBytes > 2 * this.#limit) {
      this.fail(
        `${where}: the strings overlap so much that they add up to more than twice the answer`,
      );
    }
    const units = new Uint16Array(length / 2);
    for (let i = 0; i < units.length; i++) units[i] = this.#view.getUint16(offset + 2 * i, true);
    const nul = units.indexOf(0);
    if (nul !== -1) this.fail(`${where}: the path holds a NUL character at unit ${nul}`);
    // fromWide keeps every code unit, lone surrogates included: NTFS names may hold them.
    return fromWide(units, units.length);
  }

  mappings(count: number): RawMapping[] {
    // Target entries cannot share bytes with the header, the mapping entries or each other
    // without being nonsense, so together they must fit in what is left.
    const room = Math.floor(
      (this.#limit - mappingsHeaderSize - count * mappingEntrySize) / targetEntrySize,
    );
    let targetsSoFar = 0;
    const mappings: RawMapping[] = [];
    for (let m = 0; m < count; m++) {
      const entry = mappingsHeaderSize + m * mappingEntrySize;
      const where = `mapping ${m} of ${count}`;
      const virtualRoot = this.string(where, "virtualRootLength", "virtualRootOffset", entry);
      const flags = this.u32(entry + 8);
      const targetCount = this.u32(entry + 12);
      const targetEntriesOffset = this.u32(entry + 16);
      targetsSoFar += targetCount;
      if (targetsSoFar > room) {
        this.fail(
          `${where}: targetCount ${targetCount} brings the target entries to ${targetsSoFar}, ` +
            `more than the ${room} that fit after the mapping entries`,
        );
      }
      if (targetCount > 0) {
        this.span(
          where,
          "targetEntriesOffset",
          targetEntriesOffset,
          targetCount * targetEntrySize,
          `targetCount ${targetCount} (${targetEntrySize} bytes each)`,
        );
      }
      const targets: string[] = [];
      for (let t = 0; t < targetCount; t++) {
        targets.push(
          this.string(
            `${where}, target ${t} of ${targetCount}`,
            "length",
            "offset",
            targetEntriesOffset + t * targetEntrySize,
          ),
        );
      }
      mappings.push({ virtualRoot, flags, targets });
    }
    return mappings;
  }
}

/**
 * Parses the buffer `BfGetMappings` filled. Pass exactly the bytes Windows may have written
 * (the buffer given to it, or less); the header's `size` says how many of them are the answer.
 * A mapping with no target is returned as it is (`targets: []`): deciding what it means is the
 * caller's job.
 *
 * @throws {BindLinkError} code `unknown`, operation `list`, when anything in the buffer is
 * malformed: a short header, a size larger than the buffer, a failure status, a count, offset
 * or length that reaches past the answer, an odd or zero length, a NUL inside a path. The
 * summary names the entry, the field, its value and the buffer's length.
 *
 * @example
 * ```ts
 * const answer = new Uint8Array(12);
 * new DataView(answer.buffer).setUint32(0, 12, true); // size; status 0; no mappings
 * parseMappings(answer); // []
 * ```
 */
export function parseMappings(buffer: Uint8Array): RawMapping[] {
  if (!(buffer instanceof Uint8Array)) {
    throw new BindLinkError({
      code: "unknown",
      operation: "list",
      summary: "the listing from BfGetMappings is not a byte buffer",
      hint: MALFORMED_LISTING_HINT,
    });
  }
  const reader = new MappingsReader(buffer);
  return reader.mappings(reader.header());
}
