/**
 * The bind link library one Windows platform calls (lib/windows/bind_link_library.ts), on the
 * native double: a library named by a relative path is refused, one that cannot be loaded is
 * worded for the call that needed it, listing goes through it on the drives asked, a failed
 * call's HRESULT becomes the BindLinkError the live links explain, and closing lets a later
 * call load it again.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { BindLinkError, type LinkSpec } from "../../mod.ts";
import { BindLinkLibrary } from "../../lib/windows/bind_link_library.ts";
import { wideString } from "../../lib/windows/wide.ts";
import { Double, LINUX_VOLUMES } from "../support/double.ts";

const isWindows = Deno.build.os === "windows";
const E_INVALIDARG = 0x80070057;
const V = "C:\\Foo";
const B = "C:\\Bar";

function spec(virtualPath: string, backingPath: string): LinkSpec {
  return { virtualPath, backingPath, readOnly: false, merged: false, exceptions: [] };
}

/** A library on the double's file, with the drives the double pretends to have off Windows. */
function onDouble(double: Double): BindLinkLibrary {
  return new BindLinkLibrary(double.path, isWindows ? undefined : LINUX_VOLUMES);
}

Deno.test("a library named by a relative path is refused before anything is loaded", () => {
  for (const name of ["bindlink_double.dll", ".\\bindfltapi.dll", "lib/x.so"]) {
    assert.throws(
      () => new BindLinkLibrary(name, undefined),
      (error) =>
        error instanceof TypeError && /must be an absolute path or a file: URL/.test(error.message),
      name,
    );
  }
});

Deno.test("a library that cannot be loaded is a BindLinkError worded for the call", () => {
  const dir = Deno.makeTempDirSync({ prefix: "bindlink-library-" });
  try {
    using library = new BindLinkLibrary(path.join(dir, "none.dll"), []);
    const error = (() => {
      try {
        library.load({ operation: "remove", virtualPath: V });
      } catch (error) {
        return error;
      }
    })();
    assert.ok(error instanceof BindLinkError, String(error));
    assert.equal(error.operation, "remove");
    assert.equal(error.virtualPath, V);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("listing goes through the library on the drives asked, sync and async", async () => {
  using double = new Double();
  using library = onDouble(double);
  const symbols = library.load({ operation: "create" });
  assert.equal(symbols.CreateBindLink(wideString(V), wideString(B), 0, 0, null), 0);
  const link = { virtualPath: V, backingPath: B, readOnly: false, merged: false, exceptions: [] };
  assert.deepEqual(library.listSyncOn(["C:"]), [link]);
  assert.deepEqual(await library.listOn(["C:"]), [link]);
  assert.deepEqual(await library.listOn(), [link], "every local volume");
  assert.deepEqual(library.listSyncOn(["D:"]), [], "another drive");
});

Deno.test("a failed call's HRESULT is worded with what the live links show", async () => {
  using double = new Double();
  using library = onDouble(double);
  assert.equal(double.rawCreate(V, B), 0);
  const again = double.rawCreate(V, "C:\\Other");
  assert.equal(again >>> 0, E_INVALIDARG, "the double answers a duplicate as Windows does");
  const exists = library.failureSync(library.createFailure(spec(V, "C:\\Other"), again));
  assert.equal(exists.code, "already-exists");
  assert.equal(exists.hresult, E_INVALIDARG);
  assert.match(exists.message, /a bind link already exists at C:\\Foo: it shows C:\\Bar/);

  const gone = double.rawRemove("C:\\Nothing");
  const missing = await library.failure(library.removeFailure("C:\\Nothing", gone));
  assert.equal(missing.code, "not-found");
  assert.match(missing.message, /there is no bind link at this path/);
  assert.ok(library.systemText(0x80070005), "access denied has a text");
});

Deno.test("closing the API releases the library and a later call loads it again", async () => {
  using double = new Double();
  await double.api.createBindLink(V, B);
  double.api.close();
  await double.api.removeBindLink(V);
  assert.equal(double.linkCount(), 0);
});
