/** The parser of BfGetMappings answers: well-formed listings, and each way one can be broken. */
import assert from "node:assert/strict";
import { BindLinkError } from "../../lib/errors.ts";
import {
  linkFlags,
  MALFORMED_LISTING_HINT,
  MERGED,
  parseMappings,
  READ_ONLY,
} from "../../lib/windows/mappings.ts";
import {
  encodeMappings,
  HEADER,
  mappingField,
  readU32,
  targetField,
  writeU32,
} from "../support/mappings_buffer.ts";

const VOLUME = "\\Device\\HarddiskVolume3";
const PLAIN = { virtualRoot: `${VOLUME}\\Foo`, flags: 0, targets: [`${VOLUME}\\Bar`] };
const MERGED_LINK = {
  virtualRoot: `${VOLUME}\\Merged`,
  flags: MERGED | 0x40,
  targets: [`${VOLUME}\\Backing`, `${VOLUME}\\Merged`],
};

/**
 * Runs `fn`, which must throw a BindLinkError with `code`. (Not tests/support/expect_error.ts:
 * that goes through mod.ts, and the parser's tests need nothing but the parser.)
 */
function throwsCode(fn: () => unknown, code: string): BindLinkError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof BindLinkError, `expected a BindLinkError, got ${error}`);
    assert.equal(error.code, code, `wrong code; message: ${error.message}`);
    return error;
  }
  assert.fail(`expected a BindLinkError "${code}", but nothing was thrown`);
}

/** Parses `buffer`, which must be refused; checks the error's fixed parts and returns it. */
function refused(buffer: Uint8Array, ...mentions: string[]): BindLinkError {
  const error = throwsCode(() => parseMappings(buffer), "unknown");
  assert.equal(error.operation, "list");
  assert.equal(error.hint, MALFORMED_LISTING_HINT);
  assert.ok(error.message.startsWith("Could not list the bind links: the listing"), error.message);
  for (const text of [`buffer of ${buffer.byteLength} bytes`, ...mentions]) {
    assert.ok(error.summary.includes(text), `"${text}" missing from: ${error.summary}`);
  }
  return error;
}

Deno.test("an empty listing has no mappings", () => {
  const buffer = encodeMappings([]);
  assert.equal(buffer.byteLength, 12);
  assert.deepEqual(parseMappings(buffer), []);
  // A larger buffer than the answer, as Windows fills one: the bytes past size are ignored.
  assert.deepEqual(parseMappings(encodeMappings([], { slack: 64 })), []);
});

Deno.test("one plain link, laid out by hand with strings before the tables", () => {
  // Strings first, then the target entry, then nothing: the parser must follow the offsets,
  // not assume the encoder's order.
  const root = "\\Device\\HarddiskVolume3\\Foo";
  const target = "\\Device\\HarddiskVolume3\\Bar";
  const bytes = new Uint8Array(12 + 20 + 2 * root.length + 2 * target.length + 8);
  const view = new DataView(bytes.buffer);
  const rootAt = 32;
  const targetAt = rootAt + 2 * root.length;
  const entriesAt = targetAt + 2 * target.length;
  [...root].forEach((c, i) => view.setUint16(rootAt + 2 * i, c.charCodeAt(0), true));
  [...target].forEach((c, i) => view.setUint16(targetAt + 2 * i, c.charCodeAt(0), true));
  view.setUint32(0, bytes.byteLength, true);
  view.setUint32(8, 1, true);
  view.setUint32(12, 2 * root.length, true);
  view.setUint32(16, rootAt, true);
  view.setUint32(20, READ_ONLY, true);
  view.setUint32(24, 1, true);
  view.setUint32(28, entriesAt, true);
  view.setUint32(entriesAt, 2 * target.length, true);
  view.setUint32(entriesAt + 4, targetAt, true);
  assert.deepEqual(parseMappings(bytes), [{ virtualRoot: root, flags: 1, targets: [target] }]);
});

Deno.test("plain, merged and UNC links come back as encoded, in order", () => {
  const unc = {
    virtualRoot: `${VOLUME}\\Share`,
    flags: READ_ONLY,
    targets: ["\\Device\\Mup\\server\\share\\dir"],
  };
  const listing = [PLAIN, MERGED_LINK, unc];
  const parsed = parseMappings(encodeMappings(listing));
  assert.deepEqual(parsed, listing);
  assert.equal(parsed[1].targets.length, 2, "a merged link reports its two targets");
  assert.equal(parsed[1].targets[0], `${VOLUME}\\Backing`, "the backing path comes first");
  assert.equal(parsed[2].targets[0], "\\Device\\Mup\\server\\share\\dir");
});

Deno.test("flags: read-only and merged bits, other filter bits ignored", () => {
  assert.deepEqual(linkFlags(0), { readOnly: false, merged: false });
  assert.deepEqual(linkFlags(READ_ONLY), { readOnly: true, merged: false });
  assert.deepEqual(linkFlags(MERGED), { readOnly: false, merged: true });
  assert.deepEqual(linkFlags(0x40), { readOnly: false, merged: false });
  assert.deepEqual(linkFlags(0x43), { readOnly: true, merged: true });
  assert.deepEqual(linkFlags(0xFFFF_FFFC), { readOnly: false, merged: false });
  const [parsed] = parseMappings(encodeMappings([{ ...PLAIN, flags: 0xFFFF_FFFF }]));
  assert.equal(parsed.flags, 0xFFFF_FFFF, "flags are unsigned");
  assert.deepEqual(linkFlags(parsed.flags), { readOnly: true, merged: true });
});

Deno.test("non-BMP characters and lone surrogates cross unchanged", () => {
  const emoji = `${VOLUME}\\data 😀\\𝄞 notes`;
  const lone = `${VOLUME}\\odd\uD800name\uDC00`;
  const listing = [{ virtualRoot: emoji, flags: 0, targets: [lone] }];
  const [parsed] = parseMappings(encodeMappings(listing));
  assert.equal(parsed.virtualRoot, emoji);
  assert.equal(parsed.targets[0].length, lone.length);
  assert.equal(parsed.targets[0].charCodeAt(lone.indexOf("\uD800")), 0xD800, "not U+FFFD");
  assert.equal(parsed.targets[0], lone);
});

Deno.test("a view into a larger buffer is read within its own bounds", () => {
  const answer = encodeMappings([PLAIN]);
  const backing = new Uint8Array(answer.byteLength + 10).fill(0x41);
  backing.set(answer, 3);
  const view = backing.subarray(3, 3 + answer.byteLength);
  assert.deepEqual(parseMappings(view), [PLAIN]);
  // A target that would end in the bytes after the view (which hold valid 'A' units) is
  // refused: the view's length is the limit, not the underlying ArrayBuffer's.
  writeU32(
    view,
    targetField(view, 0, 0, "length"),
    readU32(view, targetField(view, 0, 0, "length")) + 4,
  );
  refused(view, "target 0 of 1", "offset", "past the end");
});

Deno.test("a mapping without targets is returned as it is", () => {
  const listing = [{ virtualRoot: `${VOLUME}\\Lonely`, flags: 0, targets: [] }];
  const buffer = encodeMappings(listing);
  writeU32(buffer, mappingField(0, "targetEntriesOffset"), 0xFFFF_FFFF); // never read
  assert.deepEqual(parseMappings(buffer), listing);
});

Deno.test("refused: a header cut short", () => {
  refused(new Uint8Array(0), "shorter than its 12-byte header");
  refused(encodeMappings([]).subarray(0, 11), "shorter than its 12-byte header");
  refused(encodeMappings([PLAIN]).subarray(0, 8), "buffer of 8 bytes");
});

Deno.test("refused: a header size larger than the buffer, or smaller than the header", () => {
  const buffer = encodeMappings([PLAIN]);
  refused(buffer.subarray(0, buffer.byteLength - 2), `size ${buffer.byteLength}`, "larger");
  refused(encodeMappings([PLAIN], { size: 0xFFFF_FFFF }), "size 4294967295 is larger");
  refused(encodeMappings([], { size: 4 }), "size 4 is smaller than the 12-byte header");
});

Deno.test("refused: strings beyond the header's size, though inside the buffer", () => {
  const full = encodeMappings([PLAIN]);
  const buffer = encodeMappings([PLAIN], { size: full.byteLength - 2 });
  refused(buffer, `the header's size is ${full.byteLength - 2}`, "mapping 0 of 1, target 0 of 1");
});

Deno.test("refused: a nonzero status in the header, with the HRESULT", () => {
  const error = refused(encodeMappings([PLAIN], { status: 0x8007_001F }), "status is 0x8007001F");
  assert.equal(error.hresult, 0x8007_001F);
  assert.match(error.message, /HRESULT 0x8007001F/);
  refused(encodeMappings([], { status: 1 }), "status is 0x00000001");
});

Deno.test("refused: a mapping count whose entries cannot fit", () => {
  const buffer = encodeMappings([PLAIN]);
  const count = Math.ceil(buffer.byteLength / 20); // 12 + 20 * count bytes > the buffer
  writeU32(buffer, HEADER.mappingCount, count);
  refused(buffer, `mappingCount ${count} needs ${12 + 20 * count} bytes`);
  writeU32(buffer, HEADER.mappingCount, 0xFFFF_FFFF);
  refused(buffer, "mappingCount 4294967295");
});

Deno.test("refused: a virtual root offset past the end", () => {
  const buffer = encodeMappings([PLAIN]);
  writeU32(buffer, mappingField(0, "virtualRootOffset"), buffer.byteLength);
  refused(buffer, "mapping 0 of 1", `virtualRootOffset ${buffer.byteLength}`, "past the end");
});

Deno.test("refused: target entries past the end, or more than fit", () => {
  const buffer = encodeMappings([PLAIN, MERGED_LINK]);
  const entries = mappingField(1, "targetEntriesOffset");
  writeU32(buffer, entries, buffer.byteLength - 4);
  refused(buffer, "mapping 1 of 2", `targetEntriesOffset ${buffer.byteLength - 4}`, "past the end");

  const absurd = encodeMappings([PLAIN]);
  writeU32(absurd, mappingField(0, "targetCount"), 0xFFFF_FFFF);
  refused(absurd, "mapping 0 of 1", "targetCount 4294967295", "more than the");
});

Deno.test("refused: a target offset past the end", () => {
  const buffer = encodeMappings([MERGED_LINK]);
  writeU32(buffer, targetField(buffer, 0, 1, "offset"), buffer.byteLength - 2);
  refused(buffer, "mapping 0 of 1, target 1 of 2", `offset ${buffer.byteLength - 2}`);
});

Deno.test("refused: odd lengths", () => {
  const root = encodeMappings([PLAIN]);
  writeU32(root, mappingField(0, "virtualRootLength"), 7);
  refused(root, "mapping 0 of 1", "virtualRootLength 7 is odd");
  const target = encodeMappings([PLAIN]);
  writeU32(target, targetField(target, 0, 0, "length"), 3);
  refused(target, "mapping 0 of 1, target 0 of 1", "length 3 is odd");
});

Deno.test("refused: offset + length wrapping around 2^32", () => {
  // In 32-bit arithmetic 0xFFFFFFF0 + 0x20 is 0x10, inside the buffer: it must not pass.
  const root = encodeMappings([PLAIN]);
  writeU32(root, mappingField(0, "virtualRootOffset"), 0xFFFF_FFF0);
  writeU32(root, mappingField(0, "virtualRootLength"), 0x20);
  refused(root, "virtualRootOffset 4294967280 (0xFFFFFFF0)", "ends at byte 4294967312");
  const target = encodeMappings([PLAIN]);
  writeU32(target, targetField(target, 0, 0, "offset"), 0xFFFF_FFFE);
  writeU32(target, targetField(target, 0, 0, "length"), 4);
  refused(target, "target 0 of 1", "offset 4294967294", "ends at byte 4294967298");
});

Deno.test("refused: empty paths and NUL characters inside a path", () => {
  const root = encodeMappings([PLAIN]);
  writeU32(root, mappingField(0, "virtualRootLength"), 0);
  refused(root, "mapping 0 of 1", "virtualRootLength is 0");
  const target = encodeMappings([PLAIN]);
  writeU32(target, targetField(target, 0, 0, "length"), 0);
  refused(target, "target 0 of 1", "length is 0");
  refused(
    encodeMappings([{ ...PLAIN, targets: [`${VOLUME}\\Bar\0`] }]),
    "target 0 of 1",
    "NUL character at unit 27",
  );
});

Deno.test("refused: strings aliased into more output than the answer", () => {
  // Every target entry points at the same long string: each entry is in bounds, but together
  // they would decode to far more than the buffer holds.
  const long = `${VOLUME}\\${"x".repeat(200)}`;
  const buffer = encodeMappings([{ ...PLAIN, targets: [long, "a", "b", "c", "d", "e"] }]);
  const first = targetField(buffer, 0, 0, "offset");
  for (let t = 1; t < 6; t++) {
    writeU32(buffer, targetField(buffer, 0, t, "offset"), readU32(buffer, first));
    writeU32(buffer, targetField(buffer, 0, t, "length"), 2 * long.length);
  }
  refused(buffer, "more than twice the answer");
});

Deno.test("refused: something other than a byte buffer", () => {
  const error = throwsCode(
    () => parseMappings(new ArrayBuffer(12) as unknown as Uint8Array),
    "unknown",
  );
  assert.match(error.summary, /not a byte buffer/);
});
