/**
 * The native boundary: `windowsPlatform()` is public, so each of its calls checks what it is
 * handed right before encoding. Refused paths are `invalid-path` and the double sees no call.
 */
import assert from "node:assert/strict";
import type { LinkSpec } from "../../mod.ts";
import { checkBoundaryPath, checkCreateAtBoundary } from "../../lib/windows/boundary.ts";
import { tableLookup } from "../../lib/windows/identity.ts";
import { Double } from "../support/double.ts";
import { rejectsCode, throwsCode } from "../support/expect_error.ts";

const V = "C:\\bindlink-boundary\\v";
const B = "C:\\bindlink-boundary\\b";

function spec(change: Partial<LinkSpec>): LinkSpec {
  return {
    virtualPath: V,
    backingPath: B,
    readOnly: false,
    merged: false,
    exceptions: [],
    ...change,
  };
}

// Each create the platform must refuse, with what its message must say.
const BAD_CREATES: [string, Partial<LinkSpec>, RegExp][] = [
  [
    "a NUL in the virtual path",
    { virtualPath: "C:\\v\0\\x" },
    /virtual path contains a NUL character at position 4/,
  ],
  ["a NUL in the backing path", { backingPath: "C:\\b\0" }, /backing path contains a NUL/],
  ["a NUL in an exception", { exceptions: [`${V}\\e\0`] }, /exception path contains a NUL/],
  ["a relative virtual path", { virtualPath: "v" }, /virtual path "v" is not absolute/],
  ["a relative backing path", { backingPath: "..\\b" }, /backing path "\.\.\\b" is not absolute/],
  ["a rooted virtual path", { virtualPath: "\\v" }, /is not absolute/],
  ["a drive-relative virtual path", { virtualPath: "C:v" }, /is not absolute/],
  ["a .. segment", { virtualPath: "C:\\a\\..\\v" }, /has a "\.\." segment/],
  ["a . segment", { backingPath: "C:\\b\\.\\c" }, /has a "\." segment/],
  [
    "a .. segment in a verbatim path",
    { virtualPath: "\\\\?\\C:\\a\\..\\v" },
    /has a "\.\." segment/,
  ],
  ["a forward slash", { virtualPath: "C:/v" }, /contains \/, which Windows reads as \\/],
  [
    "a trailing dot",
    { virtualPath: "C:\\v." },
    /not in the form Windows reads it in.*Windows would read it as C:\\v\./,
  ],
  ["a trailing separator", { virtualPath: "C:\\v\\" }, /Windows would read it as C:\\v\./],
  ["a doubled separator", { backingPath: "C:\\a\\\\b" }, /Windows would read it as C:\\a\\b\./],
  ["a device path", { virtualPath: "\\\\.\\C:\\v" }, /is a device path, not a resolved one/],
  ["a share as virtual path", { virtualPath: "\\\\srv\\share\\v" }, /network share.*must be local/],
  ["a raw NT path", { virtualPath: "\\Device\\HarddiskVolume1\\v" }, /is not absolute/],
  ["a malformed verbatim path", { virtualPath: "\\\\?\\C:v" }, /no separator after the drive/],
  [
    "an over-long path",
    { virtualPath: "C:\\" + "a".repeat(32_761) },
    /32768 characters long in its NT form/,
  ],
  [
    "an exception outside the virtual path",
    { exceptions: ["C:\\elsewhere"] },
    /exception path "C:\\elsewhere" is not below the virtual path/,
  ],
  ["the virtual path as its own exception", { exceptions: [V] }, /is not below the virtual path/],
  ["an exception beside it with a shared prefix", { exceptions: [`${V}x\\e`] }, /is not below/],
];

for (const [what, change, message] of BAD_CREATES) {
  Deno.test(`the platform refuses ${what}, and nothing reaches the DLL`, async () => {
    using double = new Double();
    const platform = double.api.platform;
    const sync = throwsCode(() => platform.createSync(spec(change)), "invalid-path");
    assert.match(sync.message, message);
    assert.equal(sync.operation, "create");
    const async = await rejectsCode(platform.create(spec(change)), "invalid-path");
    assert.match(async.message, message);
    assert.deepEqual(double.calls(), [], "the double saw no call");
  });
}

const BAD_REMOVES: [string, RegExp][] = [
  ["v", /virtual path "v" is not absolute/],
  ["C:\\v\0", /NUL character at position 4/],
  ["C:\\a\\..\\v", /has a "\.\." segment/],
  ["C:\\v ", /Windows would read it as C:\\v\./],
  ["\\\\srv\\share\\v", /must be local/],
  ["", /is not absolute/],
];

for (const [path, message] of BAD_REMOVES) {
  Deno.test(`the platform refuses to remove ${JSON.stringify(path)}, and nothing reaches the DLL`, async () => {
    using double = new Double();
    const platform = double.api.platform;
    assert.match(throwsCode(() => platform.removeSync(path), "invalid-path").message, message);
    assert.match((await rejectsCode(platform.remove(path), "invalid-path")).message, message);
    assert.deepEqual(double.calls(), [], "the double saw no call");
  });
}

Deno.test("resolved paths in every accepted form pass the boundary and reach the DLL", async () => {
  using double = new Double();
  const platform = double.api.platform;
  double.addExisting(V);
  const forms: LinkSpec[] = [
    spec({ exceptions: [`${V}\\e`, `\\\\?\\${V}\\f.`] }),
    spec({ virtualPath: `\\\\?\\${V}.`, backingPath: "\\\\srv\\share\\b" }),
    spec({ virtualPath: "C:\\", backingPath: "\\\\?\\UNC\\srv\\share\\b" }),
    spec({ virtualPath: `\\\\?\\${"C:\\" + "a".repeat(32_759)}` }),
  ];
  for (const form of forms) {
    double.reset();
    double.addExisting(form.virtualPath);
    platform.createSync(form);
    assert.equal(double.lastCall().virtualPath, form.virtualPath);
    assert.equal(double.lastCall().backingPath, form.backingPath);
    await platform.remove(form.virtualPath);
    assert.equal(double.lastCall().fn, "RemoveBindLink");
  }
});

Deno.test("an exception is compared by identity: case, trailing dots, verbatim", () => {
  const ok = (exceptions: string[]) => checkCreateAtBoundary(spec({ exceptions }));
  ok(["c:\\BINDLINK-BOUNDARY\\V\\e"]);
  ok([`\\\\?\\${V}\\e`]);
  assert.throws(() => ok([`\\\\?\\${V}.\\e`]), /not below/, "v. is another folder");
  assert.throws(() => ok([`C:\\bindlink-boundary\\\u0131\\e`]), /not below/);
});

Deno.test("with a platform's drive table, a virtual path on its network drive is refused", () => {
  const lookup = tableLookup([{ drive: "N:", device: "\\Device\\Mup\\nas\\media", local: false }]);
  const scope = <T>(use: (l: typeof lookup) => T) => use(lookup);
  assert.throws(
    () => checkCreateAtBoundary(spec({ virtualPath: "N:\\v" }), scope),
    /is on N:, a mapped network drive/,
  );
  checkCreateAtBoundary(spec({ backingPath: "N:\\b" }), scope);
  const resolved = checkBoundaryPath("create", "backing path", "N:\\b", {}, lookup);
  assert.equal(resolved.identity, "N:\\B");
});
