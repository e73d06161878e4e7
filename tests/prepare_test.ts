/**
 * Argument preparation through the public API with the Windows rules and the double: every
 * spelling of a link is the same link, every comparison goes through the identity, and every
 * refused form is `invalid-path` before any call into the DLL.
 */
import assert from "node:assert/strict";
import { Double } from "./support/double.ts";
import { rejectsCode, throwsCode } from "./support/expect_error.ts";
import { preparePath } from "../lib/prepare.ts";

const V = "C:\\bindlink-prepare\\v";
const B = "C:\\bindlink-prepare\\b";

Deno.test("every accepted spelling makes the link Windows makes, and reports it so", async () => {
  using double = new Double();
  const spellings = [
    V,
    `\\\\.\\${V}`,
    `\\??\\${V}`,
    `${V}.`,
    `${V} .. `,
    `//?/${V.replaceAll("\\", "/")}`,
  ];
  for (const spelling of spellings) {
    double.reset();
    const link = await double.api.createBindLink(spelling, B);
    assert.equal(link.virtualPath, V, `${spelling} is reported as ${V}`);
    assert.equal(double.lastCall().virtualPath, V, `${spelling} crosses as ${V}`);
    await link.remove();
    assert.equal(double.lastCall().result, 0, "removed under the plain spelling");
  }
});

Deno.test("an exception is below the virtual path by identity, whatever the spelling", () => {
  using double = new Double();
  double.addExisting(V);
  const link = double.api.createBindLinkSync(`${V}.`, B, {
    exceptions: [`${V}\\e`, `\\\\.\\${V.toUpperCase()}\\f\\`],
  });
  assert.deepEqual(link.exceptions, [`${V}\\e`, `${V.toUpperCase()}\\f`]);
  assert.deepEqual(double.lastCall().exceptionPaths, [`${V}\\e`, `${V.toUpperCase()}\\f`]);
});

// Each refusal at the API, with what its message says; none reaches the DLL.
const REFUSED: [string, () => unknown, RegExp][] = [
  [
    "the same place under two spellings",
    () => [V, `\\\\?\\${V}\\`],
    /virtual path and the backing path are the same place \(C:\\bindlink-prepare\\v\)/,
  ],
  ["the same place in another case", () => [V, V.toUpperCase() + "."], /are the same place/],
  ["a device name", () => ["CON", B], /"CON" is the device name CON/],
  [
    "a share as virtual path",
    () => ["\\\\srv\\share\\v", B],
    /network share.*virtual path must be local; only the backing path may be a share/,
  ],
  [
    "a drive-relative path",
    () => ["D:foo", B],
    /relative to the current folder of drive D:.*Give a full path/,
  ],
  ["a malformed verbatim path", () => ["\\\\?\\C:v", B], /no separator after the drive C:/],
  ["a verbatim UNC path without a share", () => [V, "\\\\?\\UNC\\server"], /names no share/],
  ["a raw NT path", () => ["\\Device\\HarddiskVolume1\\v", B], /raw NT device path/],
  ["a .. in a verbatim path", () => [`\\\\?\\${V}\\..\\w`, B], /has a "\.\." segment/],
  [
    "an over-long NT form",
    () => ["C:\\" + "x".repeat(32_761), B],
    /32768 characters long in its NT form/,
  ],
];

for (const [what, args, message] of REFUSED) {
  Deno.test(`create refuses ${what} before any call`, async () => {
    using double = new Double();
    const [virtualPath, backingPath] = args() as [string, string];
    const sync = throwsCode(
      () => double.api.createBindLinkSync(virtualPath, backingPath),
      "invalid-path",
    );
    assert.match(sync.message, message);
    const async = await rejectsCode(
      double.api.createBindLink(virtualPath, backingPath),
      "invalid-path",
    );
    assert.match(async.message, message);
    assert.deepEqual(double.calls(), []);
  });
}

Deno.test("an exception not strictly below by identity is refused before any call", () => {
  using double = new Double();
  const cases: [string, string, RegExp][] = [
    [V, "C:\\bindlink-prepare\\vx\\e", /exception path C:\\bindlink-prepare\\vx\\e is not below/],
    [V, `${V}.`, /exception path C:\\bindlink-prepare\\v is not below/],
    [`\\\\?\\${V}.`, `${V}\\e`, /not below the virtual path/],
    [`C:\\bindlink-prepare\\\u0131`, "C:\\bindlink-prepare\\I\\e", /not below/],
    [V, `${V}\\e\\..\\..\\w`, /not below/],
  ];
  for (const [virtualPath, exception, message] of cases) {
    const error = throwsCode(
      () => double.api.createBindLinkSync(virtualPath, B, { exceptions: [exception] }),
      "invalid-path",
    );
    assert.match(error.message, message);
  }
  const twice = throwsCode(
    () => double.api.createBindLinkSync(V, B, { exceptions: [`${V}\\e`, `${V}\\E.`] }),
    "invalid-path",
  );
  assert.match(twice.message, /exception path C:\\bindlink-prepare\\v\\E is given twice/);
  assert.deepEqual(double.calls(), []);
});

Deno.test("remove refuses the same forms before any call, and reports the link Windows has", async () => {
  using double = new Double();
  for (const bad of ["NUL", "\\\\srv\\share\\v", "C:v", "\\\\?\\C:\\a\\.\\v"]) {
    throwsCode(() => double.api.removeBindLinkSync(bad), "invalid-path");
    await rejectsCode(double.api.removeBindLink(bad), "invalid-path");
  }
  assert.deepEqual(double.calls(), []);
  const path = preparePath(double.api.platform, `${V}. `, "virtual path", "remove");
  assert.deepEqual(path, { text: V, identity: V.toUpperCase(), shown: V });
});
