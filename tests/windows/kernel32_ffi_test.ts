/**
 * kernel32's table (lib/windows/kernel32_ffi.ts): the handle test every CreateFileW and
 * FindFirstFileW caller shares. The calls themselves run under Wine (file_security_test,
 * record_files_test, and identity_test, which reaches file_queries.ts).
 */
import assert from "node:assert/strict";
import { isValidHandle } from "../../lib/windows/kernel32_ffi.ts";

Deno.test("isValidHandle: NULL and INVALID_HANDLE_VALUE are not handles, anything else is", () => {
  assert.equal(isValidHandle(null), false);
  assert.equal(isValidHandle(Deno.UnsafePointer.create(0xFFFF_FFFF_FFFF_FFFFn)), false);
  assert.equal(isValidHandle(Deno.UnsafePointer.create(0x44n)), true);
});
