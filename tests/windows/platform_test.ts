/**
 * Everything that crosses into bindlink.dll, checked on the native double: arguments decoded
 * from UTF-16 on the far side, flags, the exception pointer array, results and threads.
 */
import assert from "node:assert/strict";
import { BindLink, type BindLinkOptions } from "../../mod.ts";
import { Double } from "../support/double.ts";
import { rejectsCode, throwsCode } from "../support/expect_error.ts";

const V = "C:\\Foo";
const B = "C:\\Bar";

Deno.test("every flag combination with 0, 1 and many exceptions, sync and async", async () => {
  using double = new Double();
  for (const readOnly of [false, true]) {
    for (const merged of [false, true]) {
      for (const count of [0, 1, 5]) {
        for (const mode of ["sync", "async"] as const) {
          double.reset();
          const exceptions = Array.from({ length: count }, (_, i) => `${V}\\keep${i}`);
          if (count) double.addExisting(V);
          const options: BindLinkOptions = { readOnly, merged, exceptions };
          const link = mode === "sync"
            ? double.api.createBindLinkSync(V, B, options)
            : await double.api.createBindLink(V, B, options);
          const call = double.lastCall();
          const what = `${mode} readOnly=${readOnly} merged=${merged} exceptions=${count}`;
          assert.deepEqual(call, {
            fn: "CreateBindLink",
            virtualPath: V,
            backingPath: B,
            flags: (readOnly ? 1 : 0) | (merged ? 2 : 0),
            exceptionCount: count,
            exceptionPaths: count ? exceptions : null,
            unterminated: 0,
            result: 0,
            thread: call.thread,
            onLoadingThread: mode === "sync" ? 1 : 0,
          }, what);
          assert.deepEqual(
            [link.virtualPath, link.backingPath, link.readOnly, link.merged, [...link.exceptions]],
            [V, B, readOnly, merged, exceptions],
            what,
          );
          if (mode === "sync") link.removeSync();
          else await link.remove();
          assert.deepEqual(
            {
              fn: double.lastCall().fn,
              virtualPath: double.lastCall().virtualPath,
              result: double.lastCall().result,
            },
            { fn: "RemoveBindLink", virtualPath: V, result: 0 },
            what,
          );
          assert.equal(double.linkCount(), 0, what);
        }
      }
    }
  }
});

Deno.test("removeBindLink and removeBindLinkSync pass the resolved virtual path", async () => {
  using double = new Double();
  double.api.createBindLinkSync("c:/data/./x/../links/", B);
  assert.equal(double.lastCall().virtualPath, "C:\\data\\links");
  double.api.removeBindLinkSync("C:\\DATA\\LINKS");
  assert.equal(double.lastCall().virtualPath, "C:\\DATA\\LINKS");
  assert.equal(double.lastCall().result, 0, "the double compares case-insensitively, as Windows");
  await double.api.createBindLink(V, B);
  await double.api.removeBindLink(V + "\\");
  assert.deepEqual([double.lastCall().virtualPath, double.lastCall().onLoadingThread], [V, 0]);
});

Deno.test("strings cross as NUL-terminated UTF-16: non-BMP, unpaired surrogates, the longest path", () => {
  using double = new Double();
  const cases = [
    "C:\\Emoji\\\u{1F600}\\\u{1D11E}\\\u4E2D\u6587",
    "C:\\lone\\\uD800x\\\uDFFF",
    // The limit is on the NT form, which adds \\??\\ (4 units) to C:\\...
    "C:\\" + "a".repeat(32_767 - 4 - 3),
  ];
  for (const virtualPath of cases) {
    double.reset();
    const link = double.api.createBindLinkSync(virtualPath, B + "\\\u00E9\u{10FFFF}");
    const call = double.lastCall();
    // A long path goes to Windows in its \\?\ form, which lifts MAX_PATH; the text is the same.
    assert.equal(call.virtualPath?.replace(/^\\\\\?\\/, ""), virtualPath);
    assert.equal(call.backingPath, B + "\\\u00E9\u{10FFFF}");
    assert.equal(call.unterminated, 0);
    link.removeSync();
  }
  assert.equal(cases[2].length, 32_763);
  const tooLong = throwsCode(
    () => double.api.createBindLinkSync("C:\\" + "a".repeat(32_761), B),
    "invalid-path",
  );
  assert.match(tooLong.message, /Windows allows at most 32767/);
  assert.equal(double.calls().length, 2, "the over-long path never reached the DLL");
});

Deno.test("the exception array is NULL when empty and holds each string otherwise", async () => {
  using double = new Double();
  double.addExisting(V);
  const exceptions = Array.from({ length: 40 }, (_, i) => `${V}\\dir ${i}\\\u{1F4C1}`);
  await double.api.createBindLink(V, B, { exceptions });
  assert.deepEqual(double.lastCall().exceptionPaths, exceptions);
  await double.api.removeBindLink(V);
  await double.api.createBindLink(V, B, { exceptions: [] });
  assert.equal(double.lastCall().exceptionPaths, null);
  assert.equal(double.lastCall().exceptionCount, 0);
});

Deno.test("a slow call runs off the event loop", async () => {
  using double = new Double();
  double.setDelay(1000);
  let settled = false;
  const pending = double.api.createBindLink(V, B).then((link) => {
    settled = true;
    return link;
  });
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(settled, false, "a timer ran while the native call was still sleeping");
  const link = await pending;
  assert.equal(double.lastCall().onLoadingThread, 0);
  double.setDelay(0);
  await link.remove();
});

Deno.test("buffers stay alive while a nonblocking call is in flight", async () => {
  using double = new Double();
  double.addExisting(V);
  double.setDelay(300);
  const exceptions = Array.from(
    { length: 64 },
    (_, i) => `${V}\\${"x".repeat(i + 1)}\\${Math.random()}`,
  );
  const pending = double.api.createBindLink(V, B, { exceptions: exceptions.map((e) => e.slice()) });
  // Churn the heap while the double sleeps before reading its arguments.
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let round = 0; round < 20; round++) {
    Array.from({ length: 5000 }, (_, i) => new Uint16Array(64).fill(i));
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await pending;
  assert.deepEqual(double.lastCall().exceptionPaths, exceptions);
});

Deno.test("the double's table: duplicates, unknown links, nesting, anchorless exceptions", async () => {
  using double = new Double();
  await double.api.createBindLink(V, B);
  const duplicate = await rejectsCode(
    double.api.createBindLink("c:\\foo", "C:\\Other"),
    "already-exists",
  );
  assert.equal(duplicate.hresult, 0x80070057, "build 26100 answers a duplicate with E_INVALIDARG");
  assert.match(
    duplicate.message,
    /^Could not create the bind link C:\\foo -> C:\\Other: a bind link already exists at C:\\Foo: it shows C:\\Bar\./,
  );
  assert.match(duplicate.message, /HRESULT 0x80070057/);
  assert.match(duplicate.message, /bindlink remove/);

  const missing = await rejectsCode(double.api.removeBindLink("C:\\Nothing"), "not-found");
  assert.equal(missing.hresult, 0x80070057);
  assert.match(missing.message, /there is no bind link at this path/);

  await double.api.createBindLink(V + "\\Nested", "C:\\Elsewhere");
  const busy = await rejectsCode(double.api.removeBindLink(V), "busy");
  assert.match(busy.message, /Remove the links nested below it first/);
  await double.api.removeBindLink(V + "\\Nested");
  await double.api.removeBindLink(V);

  const anchorless = throwsCode(
    () => double.api.createBindLinkSync("C:\\NotOnDisk", B, { exceptions: ["C:\\NotOnDisk\\x"] }),
    "invalid-argument",
  );
  assert.match(anchorless.message, /anchorless/);
  assert.match(anchorless.message, /Create the virtual folder first, or drop the exceptions/);
  assert.equal(double.linkCount(), 0);
});

Deno.test("dispose removes the link at the end of the scope, also on an exception", async () => {
  using double = new Double();
  {
    await using link = await double.api.createBindLink(V, B);
    assert.equal(link.removed, false);
    assert.equal(double.linkCount(), 1);
  }
  assert.equal(double.linkCount(), 0);
  assert.equal(double.lastCall().fn, "RemoveBindLink");

  await assert.rejects(async () => {
    await using _link = await double.api.createBindLink(V, B);
    throw new Error("the build failed");
  }, /the build failed/);
  assert.equal(double.linkCount(), 0, "the link went although the scope threw");

  assert.throws(() => {
    using _link = double.api.createBindLinkSync(V, B);
    throw new Error("sync scope failed");
  }, /sync scope failed/);
  assert.equal(double.linkCount(), 0);
});

Deno.test("remove is idempotent once it succeeded, and retries after a failure", async () => {
  using double = new Double();
  const link = await double.api.createBindLink(V, B);
  assert.ok(link instanceof BindLink);
  double.script("remove", 0x80070005);
  await rejectsCode(link.remove(), "access-denied");
  assert.equal(link.removed, false);
  await link.remove();
  assert.equal(link.removed, true);
  const calls = double.calls().length;
  await link.remove();
  link.removeSync();
  assert.equal(double.calls().length, calls, "no second RemoveBindLink");
  assert.deepEqual(JSON.parse(JSON.stringify(link)).removed, true);
});

Deno.test("a failed create returns no link and changes nothing", async () => {
  using double = new Double();
  double.script("create", 0x80070005);
  const error = await rejectsCode(double.api.createBindLink(V, B), "access-denied");
  assert.equal(double.linkCount(), 0);
  assert.equal(error.virtualPath, V);
  assert.equal(error.backingPath, B);
  assert.equal(error.operation, "create");
  assert.match(error.message, /run from an elevated prompt/);
});

Deno.test("bad input is refused before anything crosses into the DLL", async () => {
  using double = new Double();
  const cases: [() => unknown, string, RegExp][] = [
    [() => double.api.createBindLinkSync("", B), "invalid-path", /the virtual path is empty/],
    [() => double.api.createBindLinkSync(V, "  "), "invalid-path", /the backing path is empty/],
    [
      () => double.api.createBindLinkSync("C:\\a\0b", B),
      "invalid-path",
      /NUL character at position 4/,
    ],
    [() => double.api.createBindLinkSync(V, "C:\\foo"), "invalid-path", /are the same place/],
    [() => double.api.createBindLinkSync(V, "C:\\x|y"), "invalid-path", /character \|/],
    [
      () => double.api.createBindLinkSync(V, B, { exceptions: ["C:\\Other\\x"] }),
      "invalid-path",
      /is not below the virtual path/,
    ],
    [
      () => double.api.createBindLinkSync(V, B, { exceptions: [V] }),
      "invalid-path",
      /is not below the virtual path/,
    ],
    [
      () => double.api.createBindLinkSync(V, B, { exceptions: [V + "\\a", "c:\\FOO\\A"] }),
      "invalid-path",
      /given twice/,
    ],
    [
      () => double.api.createBindLinkSync(V, B, { readonly: true } as BindLinkOptions),
      "invalid-argument",
      /unknown option "readonly"/,
    ],
    [
      () => double.api.createBindLinkSync(V, B, { merged: "yes" } as unknown as BindLinkOptions),
      "invalid-argument",
      /merged must be true or false/,
    ],
    [
      () =>
        double.api.createBindLinkSync(
          V,
          B,
          { exceptions: "C:\\Foo\\x" } as unknown as BindLinkOptions,
        ),
      "invalid-argument",
      /array of paths/,
    ],
    [
      () => double.api.createBindLinkSync(42 as unknown as string, B),
      "invalid-path",
      /must be a string, not number/,
    ],
    [() => double.api.removeBindLinkSync(""), "invalid-path", /the virtual path is empty/],
  ];
  for (const [fn, code, message] of cases) {
    const error = throwsCode(fn, code as "invalid-path");
    assert.match(error.message, message);
  }
  await rejectsCode(double.api.createBindLink(V, B, { exceptions: ["D:\\x"] }), "invalid-path");
  await rejectsCode(double.api.removeBindLink("C:\\a\0"), "invalid-path");
  assert.equal(double.calls().length, 0);
});
