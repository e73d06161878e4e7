/**
 * The trust rule on Windows: the judgement of owners and ACEs, and a real descriptor (under
 * Windows Deno it is read through lib/windows/advapi32_ffi.ts: the token's user,
 * GetSecurityInfo on the file's handle).
 */
import assert from "node:assert/strict";
import {
  ADMIN_SIDS,
  checkWindowsFile,
  FILE_RIGHTS,
  FOLDER_RIGHTS,
  judgeSecurity,
  windowsFoldersAbove,
} from "../../lib/trust/windows_trust.ts";

const USERS = "S-1-5-32-545";
const AUTHENTICATED = "S-1-5-11";
const ME = "S-1-5-21-1-2-3-1001";
const trusted = new Set([...Object.keys(ADMIN_SIDS), ME]);
const names = new Map([[USERS, "BUILTIN\\Users"]]);

Deno.test("an admin-owned file whose DACL grants others only reading is trusted", () => {
  const findings = judgeSecurity(
    "C:\\x\\m.json",
    "file",
    {
      owner: "S-1-5-32-544",
      nullDacl: false,
      allowed: [
        { sid: "S-1-5-18", mask: 0x1f01ff },
        { sid: USERS, mask: 0x1200a9 }, // read and execute
        { sid: ME, mask: 0x1f01ff },
      ],
    },
    FILE_RIGHTS,
    trusted,
    names,
  );
  assert.deepEqual(findings, []);
});

Deno.test("write data, delete, WRITE_DAC or an untrusted owner make a file untrusted", () => {
  const findings = judgeSecurity(
    "C:\\x\\m.json",
    "file",
    {
      owner: "S-1-5-21-9-9-9-1002",
      nullDacl: false,
      allowed: [
        { sid: USERS, mask: 0x2 }, // FILE_WRITE_DATA
        { sid: AUTHENTICATED, mask: 0x1_0000 | 0x4_0000 }, // DELETE, WRITE_DAC
      ],
    },
    FILE_RIGHTS,
    trusted,
    names,
  );
  assert.equal(findings.length, 3);
  assert.match(findings[0].who, /its owner, S-1-5-21-9-9-9-1002/);
  assert.match(findings[0].fix, /setowner/);
  assert.equal(findings[1].who, "BUILTIN\\Users (write data)");
  assert.equal(findings[2].who, "S-1-5-11 (delete, change permissions)");
  assert.match(findings[2].fix, /\/remove:g \*S-1-5-11/);
});

Deno.test("on a folder, adding entries does not count; FILE_DELETE_CHILD does", () => {
  const addOnly = judgeSecurity(
    "C:\\ProgramData",
    "folder",
    {
      owner: "S-1-5-18",
      nullDacl: false,
      allowed: [{ sid: USERS, mask: 0x2 | 0x4 | 0x10 | 0x100 }], // add file/subfolder, EA, attributes
    },
    FOLDER_RIGHTS,
    trusted,
    names,
  );
  assert.deepEqual(addOnly, []);
  const deleteChild = judgeSecurity(
    "C:\\tools",
    "folder",
    {
      owner: "S-1-5-18",
      nullDacl: false,
      allowed: [{ sid: USERS, mask: 0x40 }],
    },
    FOLDER_RIGHTS,
    trusted,
    names,
  );
  assert.equal(deleteChild[0].who, "BUILTIN\\Users (delete what it holds)");
});

Deno.test("no DACL at all means everyone: untrusted", () => {
  const findings = judgeSecurity(
    "C:\\x",
    "folder",
    {
      owner: "S-1-5-18",
      nullDacl: true,
      allowed: [],
    },
    FOLDER_RIGHTS,
    trusted,
    names,
  );
  assert.match(findings[0].who, /everyone/);
});

Deno.test("the folders above a real path, up to the drive or share root", () => {
  assert.deepEqual(windowsFoldersAbove("C:\\a\\b\\f.json"), ["C:\\a\\b", "C:\\a", "C:\\"]);
  assert.deepEqual(windowsFoldersAbove("\\\\srv\\share\\d\\f.json"), [
    "\\\\srv\\share\\d",
    "\\\\srv\\share\\",
  ]);
  // A file at a root has only the root above it.
  assert.deepEqual(windowsFoldersAbove("C:\\f.json"), ["C:\\"]);
  assert.deepEqual(windowsFoldersAbove("\\\\srv\\share\\f.json"), ["\\\\srv\\share\\"]);
});

Deno.test({
  name: "Windows: a real file's descriptor is read through its handle, with its final path",
  ignore: Deno.build.os !== "windows",
  fn: () => {
    const dir = Deno.makeTempDirSync({ prefix: "bindlink-trust-" });
    try {
      const file = `${dir}\\bindlink.json`;
      Deno.writeTextFileSync(file, "{}");
      const result = checkWindowsFile(file, { allowUser: true });
      assert.equal(result.realPath.toLowerCase(), Deno.realPathSync(file).toLowerCase());
      for (const finding of result.findings) {
        assert.ok(finding.path && finding.who && finding.fix, JSON.stringify(finding));
      }
      console.log("Wine findings:", JSON.stringify(result.findings));
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
