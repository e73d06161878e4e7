/** Windows path rules, the same on every host OS. */
import assert from "node:assert/strict";
import { isBelowWindows, resolveWindowsPath, upcaseOrdinal } from "../lib/windows/paths.ts";

const CWD = "C:\\Users\\me\\proj";

function resolved(input: string, cwd = CWD): string | undefined {
  return resolveWindowsPath(input, "virtual path", cwd).path;
}
function refused(input: string, cwd = CWD): string {
  const result = resolveWindowsPath(input, "backing path", cwd);
  assert.ok(
    result.problem,
    `${JSON.stringify(input)} should be refused, resolved to ${result.path}`,
  );
  return `${result.problem.summary} | ${result.problem.hint}`;
}

Deno.test("relative paths resolve against the current directory", () => {
  assert.equal(resolved("data"), "C:\\Users\\me\\proj\\data");
  assert.equal(resolved("./a/b/../c"), "C:\\Users\\me\\proj\\a\\c");
  assert.equal(resolved(".."), "C:\\Users\\me");
  assert.equal(resolved("..\\..\\..\\..\\.."), "C:\\");
});

Deno.test("forward slashes become backslashes and trailing separators go", () => {
  assert.equal(resolved("C:/Foo/Bar/"), "C:\\Foo\\Bar");
  assert.equal(resolved("C:\\Foo\\\\Bar\\\\"), "C:\\Foo\\Bar");
  assert.equal(resolved("C:\\"), "C:\\");
  assert.equal(resolved("C:/"), "C:\\");
});

Deno.test("rooted and drive-relative paths follow Windows, without the environment", () => {
  assert.equal(resolved("\\Temp\\x"), "C:\\Temp\\x");
  assert.equal(resolved("/Temp"), "C:\\Temp");
  assert.equal(resolved("c:sub"), "C:\\Users\\me\\proj\\sub", "same drive: joined to the cwd");
  assert.equal(resolved("D:sub"), "D:\\sub", "other drive: its root, never the =D: variable");
  assert.equal(resolved("\\x", "\\\\srv\\share\\dir"), "\\\\srv\\share\\x");
});

Deno.test("UNC paths are kept, verbatim paths pass unchanged", () => {
  assert.equal(resolved("\\\\server\\share\\dir\\..\\x"), "\\\\server\\share\\x");
  assert.equal(resolved("//server/share/dir"), "\\\\server\\share\\dir");
  assert.equal(resolved("\\\\?\\C:\\a\\..\\b"), "\\\\?\\C:\\a\\..\\b");
  assert.equal(resolved("\\\\?\\UNC\\srv\\share\\x"), "\\\\?\\UNC\\srv\\share\\x");
});

Deno.test("malformed paths are refused with what to do", () => {
  assert.match(
    refused("\\\\server"),
    /UNC path without a server and share name \| Write network paths/,
  );
  assert.match(refused("\\\\.\\C:\\x"), /device path/);
  assert.match(refused("\\\\?\\foo"), /names neither a drive nor a UNC share/);
  assert.match(refused("C:\\a<b"), /character <, which Windows does not allow/);
  assert.match(refused("C:\\a*"), /character \*/);
  assert.match(refused("C:\\a\u0001"), /control character U\+0001/);
  assert.match(refused("C:\\file.txt:stream"), /colon outside the drive letter/);
  assert.match(
    refused("C:\\" + "x".repeat(40_000)),
    /40003 characters long; Windows allows at most 32767/,
  );
});

Deno.test("descendants are compared case-insensitively, on component boundaries", () => {
  assert.equal(isBelowWindows("C:\\Foo\\Bar", "C:\\Foo"), true);
  assert.equal(isBelowWindows("c:\\FOO\\bar", "C:\\foo"), true);
  assert.equal(isBelowWindows("C:\\Foo", "C:\\Foo"), false);
  assert.equal(isBelowWindows("C:\\FooBar", "C:\\Foo"), false);
  assert.equal(isBelowWindows("C:\\x", "C:\\"), true);
  assert.equal(isBelowWindows("C:\\\u00C9t\u00E9\\x", "c:\\\u00E9T\u00C9"), true);
});

Deno.test("upcasing is per code unit, never changing length", () => {
  assert.equal(upcaseOrdinal("stra\u00DFe"), "STRA\u00DFE");
  assert.equal(upcaseOrdinal("\u00E9\u{1F600}"), "\u00C9\u{1F600}");
});

Deno.test("a UNC share root is written without a trailing separator", () => {
  assert.equal(resolved("\\\\srv\\share"), "\\\\srv\\share");
  assert.equal(resolved("\\\\srv\\share\\"), "\\\\srv\\share");
  assert.equal(resolved("//srv/share/dir/"), "\\\\srv\\share\\dir");
});
