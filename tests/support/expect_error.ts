/** Assertions for BindLinkError: the code is checked, and the error is returned for more. */
import assert from "node:assert/strict";
import { BindLinkError, type BindLinkErrorCode } from "../../mod.ts";

function check(error: unknown, code: BindLinkErrorCode): BindLinkError {
  assert.ok(error instanceof BindLinkError, `expected a BindLinkError, got ${error}`);
  assert.equal(error.code, code, `wrong code; message: ${error.message}`);
  return error;
}

/** Runs `fn`, which must throw a BindLinkError with `code`. */
export function throwsCode(fn: () => unknown, code: BindLinkErrorCode): BindLinkError {
  try {
    fn();
  } catch (error) {
    return check(error, code);
  }
  assert.fail(`expected a BindLinkError "${code}", but nothing was thrown`);
}

/** Awaits `promise`, which must reject with a BindLinkError with `code`. */
export async function rejectsCode(
  promise: Promise<unknown>,
  code: BindLinkErrorCode,
): Promise<BindLinkError> {
  try {
    await promise;
  } catch (error) {
    return check(error, code);
  }
  assert.fail(`expected a BindLinkError "${code}", but the promise resolved`);
}
