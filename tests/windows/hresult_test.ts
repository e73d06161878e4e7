/** HRESULT decoding and the messages built from it. */
import assert from "node:assert/strict";
import { BindLinkError, formatHresult } from "../../mod.ts";
import { explainHresult, hresultFromWin32, win32ErrorOf } from "../../lib/windows/hresult.ts";
import { englishText } from "../../lib/windows/system_text.ts";
import { Double } from "../support/double.ts";
import { rejectsCode } from "../support/expect_error.ts";

Deno.test("HRESULTs split into their Win32 error, signed or not", () => {
  assert.equal(win32ErrorOf(0x80070005), 5);
  assert.equal(win32ErrorOf(0x80070005 | 0), 5, "as the i32 the FFI returns");
  assert.equal(win32ErrorOf(0x800700B7 | 0), 183);
  assert.equal(win32ErrorOf(0x80004005 | 0), undefined, "E_FAIL is not FACILITY_WIN32");
  assert.equal(hresultFromWin32(87), 0x80070057);
  assert.equal(formatHresult(0x80070005 | 0), "0x80070005");
  assert.equal(formatHresult(1), "0x00000001");
});

Deno.test("each documented failure maps to its code", () => {
  const table: [number, string][] = [
    [0x80070005, "access-denied"],
    [0x80070002, "not-found"],
    [0x80070003, "not-found"],
    [0x80070035, "not-found"],
    [0x800700B7, "already-exists"],
    [0x80070050, "already-exists"],
    [0x80070057, "invalid-argument"],
    [0x8007007B, "invalid-path"],
    [0x80070032, "not-supported"],
    [0x800700AA, "busy"],
    [0x8007FFFF, "unknown"],
    [0x80041234, "unknown"],
  ];
  for (const [hresult, code] of table) {
    assert.equal(explainHresult(hresult | 0, "create", false).code, code, formatHresult(hresult));
  }
});

Deno.test("the remove and create wording differ where the situation does", () => {
  assert.match(
    explainHresult(0x80070002 | 0, "remove", false).summary,
    /no bind link at this path/,
  );
  assert.match(
    explainHresult(0x80070002 | 0, "create", false).summary,
    /backing path does not exist/,
  );
  assert.match(explainHresult(0x80070057 | 0, "create", true).summary, /anchorless/);
  assert.doesNotMatch(explainHresult(0x80070057 | 0, "create", false).summary, /anchorless/);
});

Deno.test("every code the double can return yields the system text and a next step", async () => {
  using double = new Double();
  const codes = [
    0x80070005,
    0x80070002,
    0x80070003,
    0x800700B7,
    0x80070057,
    0x8007007B,
    0x80070035,
    0x80070032,
  ];
  for (const hresult of codes) {
    double.script("create", hresult);
    const error = await double.api.createBindLink("C:\\Foo", "\\\\srv\\share").catch((e) => e);
    assert.ok(error instanceof BindLinkError);
    assert.equal(error.hresult, hresult);
    assert.ok(error.systemMessage && error.systemMessage.length > 3, formatHresult(hresult));
    if (Deno.build.os !== "windows") assert.equal(error.systemMessage, englishText(hresult));
    assert.ok(
      error.message.includes(`HRESULT ${formatHresult(hresult)}: "${error.systemMessage}"`),
      error.message,
    );
    assert.ok(error.message.endsWith(error.hint));
    assert.equal(error.backingPath, "\\\\srv\\share");
  }
});

Deno.test("an unknown HRESULT is shown in hex, with no made-up text", async () => {
  using double = new Double();
  double.script("remove", 0x8007FFFF);
  const error = await rejectsCode(double.api.removeBindLink("C:\\Foo"), "unknown");
  assert.equal(error.hresult, 0x8007FFFF);
  assert.equal(error.systemMessage, undefined);
  assert.match(error.message, /HRESULT 0x8007FFFF \(it has no description for it\)/);
  assert.match(error.message, /Look up the HRESULT/);
  assert.deepEqual(JSON.parse(JSON.stringify(error)).hresult, "0x8007FFFF");
});

Deno.test("success codes other than S_OK count as success", async () => {
  using double = new Double();
  double.script("create", 1); // S_FALSE
  const link = await double.api.createBindLink("C:\\Foo", "C:\\Bar");
  assert.equal(link.removed, false);
});
