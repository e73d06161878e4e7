/**
 * This process's token (lib/windows/process_token.ts), on Windows Deno (Wine here): its
 * user's SID and whether it is elevated, the same on every read.
 */
import assert from "node:assert/strict";
import { tokenElevated, tokenUserSid } from "../../lib/windows/process_token.ts";
import { withSecurityLibraries } from "../../lib/windows/security.ts";

const ignore = Deno.build.os !== "windows";

Deno.test({
  name: "Windows: the token's user is an account SID, the same on every read",
  ignore,
  fn() {
    const me = withSecurityLibraries(tokenUserSid);
    assert.match(me, /^S-1-5-\d+(-\d+)*$/);
    assert.equal(withSecurityLibraries(tokenUserSid), me);
  },
});

Deno.test({
  name: "Windows: the token's elevation is a yes or no, the same on every read",
  ignore,
  fn() {
    const elevated = withSecurityLibraries(tokenElevated);
    assert.equal(typeof elevated, "boolean");
    assert.equal(withSecurityLibraries(tokenElevated), elevated);
    console.log("Wine token elevated:", elevated);
  },
});
