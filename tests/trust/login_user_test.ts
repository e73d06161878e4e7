/** The login user and elevation, as the trust rule sees them. */
import assert from "node:assert/strict";
import { loginUid, parseLoginUid, UNSET_LOGIN_UID } from "../../lib/trust/login_user.ts";
import { hostRule } from "../../lib/trust/host_rule.ts";

Deno.test("parseLoginUid reads a uid and treats (uid_t)-1 and junk as none", () => {
  assert.equal(parseLoginUid("1000"), 1000);
  assert.equal(parseLoginUid("0\n"), 0);
  assert.equal(parseLoginUid(String(UNSET_LOGIN_UID)), undefined);
  assert.equal(parseLoginUid(undefined), undefined);
  assert.equal(parseLoginUid("-1"), undefined);
  assert.equal(parseLoginUid("12abc"), undefined);
});

Deno.test({
  name: "loginUid reads /proc/self/loginuid through libc",
  ignore: Deno.build.os !== "linux",
  fn: () => {
    const text = new TextDecoder().decode(
      new Deno.Command("cat", { args: ["/proc/self/loginuid"] }).outputSync().stdout,
    );
    // A child inherits the login uid, so cat's is ours.
    assert.equal(loginUid(), parseLoginUid(text));
  },
});

Deno.test({
  name: "the host rule's isElevated matches the effective uid on Linux",
  ignore: Deno.build.os !== "linux",
  fn: () => {
    assert.equal(hostRule.isElevated(), Deno.uid() === 0);
    assert.equal(hostRule.admins, "root");
  },
});
