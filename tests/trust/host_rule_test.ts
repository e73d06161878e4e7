/**
 * The host's trust rule (lib/trust/host_rule.ts): Linux's (lib/trust/linux_rule.ts) on Linux,
 * judging through descriptors with root as the administrator, and how Windows' rule
 * (windowsRule in lib/trust/windows_trust.ts) reads its own errors.
 */
import assert from "node:assert/strict";
import { hostRule } from "../../lib/trust/host_rule.ts";
import { linuxRule } from "../../lib/trust/linux_rule.ts";
import { windowsRule } from "../../lib/trust/windows_trust.ts";
import { Win32Error } from "../../lib/windows/security.ts";
import { WIN32 } from "../../lib/windows/hresult.ts";

const linuxRoot = Deno.build.os === "linux" && Deno.uid() === 0;

Deno.test({
  name: "on Linux the host's rule is Linux's: root, '/', elevated as the effective uid says",
  ignore: Deno.build.os !== "linux",
  fn() {
    assert.equal(hostRule, linuxRule);
    assert.equal(hostRule.admins, "root");
    assert.equal(hostRule.separator, "/");
    assert.equal(hostRule.isElevated(), Deno.uid() === 0);
  },
});

Deno.test({
  name: "Linux's rule passes root's file in root's folder, and names a folder every user can write",
  ignore: !linuxRoot,
  fn() {
    const dir = Deno.makeTempDirSync();
    try {
      Deno.chmodSync(dir, 0o755);
      Deno.writeTextFileSync(`${dir}/m.json`, "{}");
      Deno.chmodSync(`${dir}/m.json`, 0o644);
      const trusted = linuxRule.judge(`${dir}/m.json`, { allowUser: false, read: true });
      assert.deepEqual(trusted.findings, []);
      assert.equal(trusted.realPath, Deno.realPathSync(`${dir}/m.json`));
      assert.deepEqual(trusted.bytes, new TextEncoder().encode("{}"));
      Deno.chmodSync(dir, 0o777);
      const open = linuxRule.judge(`${dir}/m.json`, { allowUser: false });
      assert.equal(open.findings.length, 1, JSON.stringify(open.findings));
      assert.equal(open.findings[0].kind, "folder");
      assert.equal(open.findings[0].path, Deno.realPathSync(dir));
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test("Windows' rule reads missing and denied from its own errors, and nothing else", () => {
  const failure = (code: number) => windowsRule.failure(new Win32Error("CreateFileW", code));
  assert.equal(failure(WIN32.ERROR_FILE_NOT_FOUND), "not-found");
  assert.equal(failure(WIN32.ERROR_PATH_NOT_FOUND), "not-found");
  assert.equal(failure(WIN32.ERROR_ACCESS_DENIED), "access-denied");
  assert.equal(failure(WIN32.ERROR_INVALID_PARAMETER), undefined);
  assert.equal(windowsRule.failure(new Deno.errors.NotFound("x")), undefined);
  assert.equal(linuxRule.failure(new Error("x")), undefined);
  assert.equal(windowsRule.admins, "SYSTEM and Administrators");
  assert.equal(windowsRule.separator, "\\");
});
