/**
 * A file's security descriptor (lib/windows/file_security.ts): the final path's prefixes
 * everywhere, and on Windows Deno (Wine here) a real file's owner and ACEs read through its
 * handle, agreeing with the read by path.
 */
import assert from "node:assert/strict";
import { openAndRead, plainFinalPath, securityOfPath } from "../../lib/windows/file_security.ts";
import { Win32Error, withSecurityLibraries } from "../../lib/windows/security.ts";

const ignore = Deno.build.os !== "windows";

Deno.test("plainFinalPath strips the \\\\?\\ and \\\\?\\UNC\\ prefixes and nothing else", () => {
  assert.equal(plainFinalPath("\\\\?\\C:\\a"), "C:\\a");
  assert.equal(plainFinalPath("\\\\?\\UNC\\srv\\share\\a"), "\\\\srv\\share\\a");
  assert.equal(plainFinalPath("C:\\a"), "C:\\a");
  assert.equal(plainFinalPath("\\\\srv\\share\\a"), "\\\\srv\\share\\a");
});

Deno.test({
  name: "Windows: a file's descriptor read through its handle matches the one read by path",
  ignore,
  fn() {
    const dir = Deno.makeTempDirSync({ prefix: "bindlink-file-security-" });
    try {
      const file = `${dir}\\record.json`;
      Deno.writeTextFileSync(file, "{}");
      const names = new Map<string, string>();
      const { opened, byPath } = withSecurityLibraries((libs) => ({
        opened: openAndRead(libs, file, names),
        byPath: securityOfPath(libs, file, new Map()),
      }));
      assert.equal(opened.realPath.toLowerCase(), Deno.realPathSync(file).toLowerCase());
      assert.ok(!opened.realPath.startsWith("\\\\?\\"), opened.realPath);
      assert.match(opened.security.owner, /^S-1-\d+(-\d+)+$/);
      assert.deepEqual(opened.security, byPath);
      for (const ace of opened.security.allowed) {
        assert.match(ace.sid, /^S-1-\d+(-\d+)+$/);
        assert.ok(Number.isInteger(ace.mask) && ace.mask !== 0, JSON.stringify(ace));
      }
      console.log("Wine descriptor:", JSON.stringify(opened.security), [...names]);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "Windows: opening a file that is not there is a Win32Error naming CreateFileW",
  ignore,
  fn() {
    const dir = Deno.makeTempDirSync({ prefix: "bindlink-file-security-" });
    try {
      assert.throws(
        () => withSecurityLibraries((libs) => openAndRead(libs, `${dir}\\none`, new Map())),
        (error) => error instanceof Win32Error && error.call === "CreateFileW" && error.code === 2,
      );
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
