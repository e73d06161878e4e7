/**
 * Fuzzes the BfGetMappings parser with random and mutated buffers from a fixed seed. Every
 * buffer must either parse into well-formed mappings whose strings all lie inside the answer,
 * or be refused with the listing's BindLinkError; anything else fails with the case's seed.
 *
 * Reproduce one case: `BINDLINK_FUZZ_CASE=<case seed> deno test ... mappings_fuzz_test.ts`.
 */
import assert from "node:assert/strict";
import { BindLinkError } from "../../lib/errors.ts";
import {
  MALFORMED_LISTING_HINT,
  mappingEntrySize,
  mappingsHeaderSize,
  parseMappings,
  type RawMapping,
  targetEntrySize,
} from "../../lib/windows/mappings.ts";
import { encodeMappings, type MappingToEncode, readU32 } from "../support/mappings_buffer.ts";

const SEED = 0x5EED_B1D5;
const CASES = { random: 2000, plausible: 3000, mutated: 7000 };

/** mulberry32: small, fast, and the same on every platform. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6D2B79F5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  u32(): number {
    return (this.int(0x10000) * 0x10000 + this.int(0x10000)) >>> 0;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

const PIECES = [
  "\\Device\\HarddiskVolume3",
  "\\Device\\Mup\\server\\share",
  "\\",
  "Foo",
  "bar baz",
  "é",
  "😀",
  "𝄞",
  "\uD800",
  "\uDFFF",
  "x",
];

function randomPath(rng: Rng): string {
  let text = "";
  const pieces = 1 + rng.int(5);
  for (let i = 0; i < pieces; i++) text += rng.pick(PIECES);
  return text;
}

function randomListing(rng: Rng): MappingToEncode[] {
  const listing: MappingToEncode[] = [];
  const count = rng.int(5);
  for (let m = 0; m < count; m++) {
    const targets: string[] = [];
    const targetCount = rng.pick([0, 1, 1, 1, 2, 2, 3]);
    for (let t = 0; t < targetCount; t++) targets.push(randomPath(rng));
    listing.push({
      virtualRoot: randomPath(rng),
      flags: rng.pick([0, 1, 2, 3, 0x40, 0x43, rng.u32()]),
      targets,
    });
  }
  return listing;
}

/** Values that break a count, offset or length in the interesting ways. */
function nastyU32(rng: Rng, length: number): number {
  return rng.pick([
    0,
    1,
    2,
    3,
    length - 1,
    length,
    length + 1,
    length + 2,
    0x7FFF_FFFF,
    0x8000_0000,
    0xFFFF_FFFF,
    0xFFFF_FFFE,
    0xFFFF_FFF0,
    rng.int(length + 8),
    rng.u32(),
  ]) >>> 0;
}

/** The offsets of the header's, the mapping entries' and the target entries' fields. */
function fieldOffsets(buffer: Uint8Array): number[] {
  const fields = [0, 4, 8];
  if (buffer.byteLength < mappingsHeaderSize) return fields;
  const count = readU32(buffer, 8);
  for (
    let m = 0;
    m < count && mappingsHeaderSize + (m + 1) * mappingEntrySize <= buffer.byteLength;
    m++
  ) {
    const entry = mappingsHeaderSize + m * mappingEntrySize;
    fields.push(entry, entry + 4, entry + 12, entry + 16);
    const targets = readU32(buffer, entry + 16);
    const targetCount = readU32(buffer, entry + 12);
    for (let t = 0; t < Math.min(targetCount, 4); t++) {
      const at = targets + t * targetEntrySize;
      if (at + targetEntrySize <= buffer.byteLength) fields.push(at, at + 4);
    }
  }
  return fields;
}

function mutate(rng: Rng, original: Uint8Array): Uint8Array {
  let buffer = original.slice();
  const steps = 1 + rng.int(3);
  for (let s = 0; s < steps; s++) {
    const kind = rng.int(6);
    if (kind === 0 && buffer.byteLength > 0) { // bit flips
      for (let f = 1 + rng.int(4); f > 0; f--) {
        buffer[rng.int(buffer.byteLength)] ^= 1 << rng.int(8);
      }
    } else if (kind === 1) { // truncation
      buffer = buffer.slice(0, rng.int(buffer.byteLength + 1));
    } else if (kind === 2 || kind === 3) { // a count, offset or length overwritten
      const offsets = fieldOffsets(buffer).filter((at) => at + 4 <= buffer.byteLength);
      if (offsets.length > 0) {
        new DataView(buffer.buffer).setUint32(
          rng.pick(offsets),
          nastyU32(rng, buffer.byteLength),
          true,
        );
      }
    } else if (kind === 4) { // extension, the header's size following it or not
      const longer = new Uint8Array(buffer.byteLength + 1 + rng.int(64));
      longer.set(buffer);
      for (let i = buffer.byteLength; i < longer.byteLength; i++) longer[i] = rng.int(256);
      if (rng.int(2) === 0 && longer.byteLength >= 4) {
        new DataView(longer.buffer).setUint32(0, longer.byteLength, true);
      }
      buffer = longer;
    } else if (buffer.byteLength >= 4) { // any aligned word overwritten
      const at = 4 * rng.int(Math.floor(buffer.byteLength / 4));
      new DataView(buffer.buffer).setUint32(at, nastyU32(rng, buffer.byteLength), true);
    }
  }
  return buffer;
}

function randomBytes(rng: Rng, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = rng.int(256);
  return bytes;
}

/** Random bytes under a header that passes, with small fields, so the entries get read. */
function plausible(rng: Rng): Uint8Array {
  const length = mappingsHeaderSize + rng.int(240);
  const bytes = randomBytes(rng, length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, rng.int(4) === 0 ? rng.int(length + 1) : length, true);
  view.setUint32(4, rng.int(8) === 0 ? rng.u32() : 0, true);
  view.setUint32(8, rng.int(6), true);
  for (let at = mappingsHeaderSize; at + 4 <= length; at += 4) {
    if (rng.int(3) !== 0) view.setUint32(at, rng.int(length + 4), true);
  }
  return bytes;
}

/** Whether `text`'s UTF-16LE bytes occur in `bytes[0, end)`. */
function occursIn(bytes: Uint8Array, end: number, text: string): boolean {
  const need = 2 * text.length;
  outer: for (let start = 0; start + need <= end; start++) {
    for (let i = 0; i < text.length; i++) {
      const unit = bytes[start + 2 * i] | (bytes[start + 2 * i + 1] << 8);
      if (unit !== text.charCodeAt(i)) continue outer;
    }
    return true;
  }
  return false;
}

function checkParsed(bytes: Uint8Array, mappings: RawMapping[]): void {
  const size = readU32(bytes, 0);
  assert.ok(size <= bytes.byteLength && size >= mappingsHeaderSize, `accepted size ${size}`);
  assert.equal(readU32(bytes, 4), 0, "accepted a failure status");
  assert.ok(Array.isArray(mappings));
  assert.ok(mappingsHeaderSize + mappings.length * mappingEntrySize <= size, "entries fit");
  let decoded = 0;
  for (const mapping of mappings) {
    assert.deepEqual(Object.keys(mapping).sort(), ["flags", "targets", "virtualRoot"]);
    assert.ok(Number.isInteger(mapping.flags) && mapping.flags >= 0 && mapping.flags < 2 ** 32);
    assert.ok(Array.isArray(mapping.targets));
    for (const text of [mapping.virtualRoot, ...mapping.targets]) {
      assert.equal(typeof text, "string");
      assert.ok(text.length > 0 && !text.includes("\0"), "a nonempty path without NUL");
      // Nothing came from outside the answer: every string is a run of the answer's bytes.
      assert.ok(occursIn(bytes, size, text), `${JSON.stringify(text)} is not in the answer`);
      decoded += 2 * text.length;
    }
  }
  assert.ok(decoded <= 2 * size, `decoded ${decoded} bytes from a ${size}-byte answer`);
}

/**
 * Parses `bytes` from inside a larger buffer whose other bytes spell a path, so that a read
 * past the view would produce a string the checks reject.
 */
function exercise(bytes: Uint8Array, rng: Rng): "parsed" | "refused" {
  const before = 1 + rng.int(8);
  const host = new Uint8Array(before + bytes.byteLength + 32);
  for (let i = 0; i < host.byteLength; i += 2) host[i] = 0x41; // 'A' at either alignment
  host.set(bytes, before);
  const view = host.subarray(before, before + bytes.byteLength);
  let mappings: RawMapping[];
  try {
    mappings = parseMappings(view);
  } catch (error) {
    if (!(error instanceof BindLinkError)) throw error;
    assert.equal(error.code, "unknown");
    assert.equal(error.operation, "list");
    assert.equal(error.hint, MALFORMED_LISTING_HINT);
    assert.ok(error.summary.includes(`buffer of ${bytes.byteLength} bytes`), error.summary);
    return "refused";
  }
  checkParsed(bytes, mappings);
  return "parsed";
}

type Kind = keyof typeof CASES;

function runCase(kind: Kind, caseSeed: number): "parsed" | "refused" {
  const rng = new Rng(caseSeed);
  if (kind === "random") return exercise(randomBytes(rng, rng.int(200)), rng);
  if (kind === "plausible") return exercise(plausible(rng), rng);
  const listing = randomListing(rng);
  const valid = encodeMappings(listing, { slack: rng.pick([0, 0, 4, 33]) });
  assert.deepEqual(parseMappings(valid), listing.map((m) => ({ flags: 0, ...m })));
  return exercise(mutate(rng, valid), rng);
}

function caseSeedOf(kind: Kind, iteration: number): number {
  const salt = { random: 1, plausible: 2, mutated: 3 }[kind];
  return (SEED ^ Math.imul(iteration + 1, 0x9E3779B9) ^ Math.imul(salt, 0x85EBCA6B)) >>> 0;
}

function run(kind: Kind): Record<"parsed" | "refused", number> {
  const tally = { parsed: 0, refused: 0 };
  for (let i = 0; i < CASES[kind]; i++) {
    const caseSeed = caseSeedOf(kind, i);
    try {
      tally[runCase(kind, caseSeed)]++;
    } catch (error) {
      throw new Error(
        `${kind} case ${i} failed (seed ${SEED}, case seed ${caseSeed}; rerun it with ` +
          `BINDLINK_FUZZ_CASE=${kind}:${caseSeed}): ${error}`,
        { cause: error },
      );
    }
  }
  return tally;
}

const only = (() => {
  try {
    return Deno.env.get("BINDLINK_FUZZ_CASE");
  } catch {
    return undefined; // no --allow-env: run the full fixed-seed set
  }
})();

if (only) {
  Deno.test(`fuzz: the single case ${only}`, () => {
    const [kind, seed] = only.split(":");
    console.log(runCase(kind as Kind, Number(seed)));
  });
}

Deno.test("fuzz: random bytes are refused cleanly, never crash", () => {
  const tally = run("random");
  assert.equal(tally.parsed + tally.refused, CASES.random);
  assert.ok(tally.refused > CASES.random / 2, `refused ${tally.refused}`);
});

Deno.test("fuzz: random entries under a passing header reach the entry checks", () => {
  const tally = run("plausible");
  // Both outcomes must occur, or this would only be testing the header.
  assert.ok(tally.parsed > 50, `parsed ${tally.parsed}`);
  assert.ok(tally.refused > 50, `refused ${tally.refused}`);
});

Deno.test("fuzz: mutated valid answers parse well-formed or are refused", () => {
  const tally = run("mutated");
  assert.ok(tally.parsed > 100, `parsed ${tally.parsed}`);
  assert.ok(tally.refused > CASES.mutated / 4, `refused ${tally.refused}`);
});
