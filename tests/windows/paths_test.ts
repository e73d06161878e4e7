/**
 * Windows paths as Windows reads them: every accepted spelling with its text for Windows, its
 * identity and its reported form; every refused spelling with its message. Runs on Linux
 * (nothing can be asked: identities are computed from the text) and under Wine (kernel32 is
 * asked; the folders used here do not exist, so the answers must agree). Covers
 * lib/windows/paths.ts and lib/windows/path_syntax.ts (how Win32 reads a spelling: prefixes,
 * folding, devices, and the quoting of a path in a message).
 */
import assert from "node:assert/strict";
import {
  identifyWindowsPath,
  isBelowWindows,
  resolveWindowsPath,
  windowsPathRules,
} from "../../lib/windows/paths.ts";
import { upcaseOrdinal, upcaseUnit } from "../../lib/windows/upcase.ts";
import type { PathRole } from "../../lib/paths.ts";

const CWD = "C:\\Users\\me";
const NX = "C:\\bindlink-no-such-folder";
const GUID = "Volume{0123abcd-89ab-cdef-0123-456789abcdef}";

interface Accepted {
  input: string;
  role?: PathRole;
  text: string;
  identity: string;
  shown?: string;
}

// Each spelling Windows accepts, with what bindlink makes of it.
const ACCEPTED: Accepted[] = [
  { input: `${NX}\\v`, text: `${NX}\\v`, identity: "C:\\BINDLINK-NO-SUCH-FOLDER\\V" },
  { input: `\\\\?\\${NX}\\v`, text: `${NX}\\v`, identity: "C:\\BINDLINK-NO-SUCH-FOLDER\\V" },
  { input: `\\\\.\\${NX}\\v`, text: `${NX}\\v`, identity: "C:\\BINDLINK-NO-SUCH-FOLDER\\V" },
  { input: `\\??\\${NX}\\v`, text: `${NX}\\v`, identity: "C:\\BINDLINK-NO-SUCH-FOLDER\\V" },
  {
    input: "//?/C:/bindlink-no-such-folder/v",
    text: `${NX}\\v`,
    identity: "C:\\BINDLINK-NO-SUCH-FOLDER\\V",
  },
  {
    input: "c:\\BINDLINK-no-such-folder\\V\\",
    text: "C:\\BINDLINK-no-such-folder\\V",
    identity: "C:\\BINDLINK-NO-SUCH-FOLDER\\V",
  },
  {
    input: `${NX}\\a\\.\\b\\..\\..\\v`,
    text: `${NX}\\v`,
    identity: "C:\\BINDLINK-NO-SUCH-FOLDER\\V",
  },
  // Win32 trims the last name's trailing dots and spaces...
  { input: `${NX}\\v.`, text: `${NX}\\v`, identity: "C:\\BINDLINK-NO-SUCH-FOLDER\\V" },
  { input: `${NX}\\v .. `, text: `${NX}\\v`, identity: "C:\\BINDLINK-NO-SUCH-FOLDER\\V" },
  { input: `${NX}\\v\\...`, text: `${NX}\\v`, identity: "C:\\BINDLINK-NO-SUCH-FOLDER\\V" },
  // ...not a verbatim path's, nor a name followed by a separator: those name a folder "v.".
  {
    input: `\\\\?\\${NX}\\v.`,
    text: `\\\\?\\${NX}\\v.`,
    identity: "C:\\BINDLINK-NO-SUCH-FOLDER\\V.",
  },
  {
    input: `${NX}\\v.\\`,
    text: `\\\\?\\${NX}\\v.`,
    identity: "C:\\BINDLINK-NO-SUCH-FOLDER\\V.",
  },
  { input: "C:\\", text: "C:\\", identity: "C:\\" },
  { input: "\\\\?\\C:\\", text: "C:\\", identity: "C:\\" },
  // Relative to the current folder, and rooted on its drive.
  { input: "v", text: `${CWD}\\v`, identity: "C:\\USERS\\ME\\V" },
  { input: ".\\x\\..\\v", text: `${CWD}\\v`, identity: "C:\\USERS\\ME\\V" },
  { input: "..\\..\\..\\v", text: "C:\\v", identity: "C:\\V" },
  {
    input: "\\bindlink-no-such-folder\\v",
    text: `${NX}\\v`,
    identity: "C:\\BINDLINK-NO-SUCH-FOLDER\\V",
  },
  {
    input: "/bindlink-no-such-folder/v",
    text: `${NX}\\v`,
    identity: "C:\\BINDLINK-NO-SUCH-FOLDER\\V",
  },
  // Reserved names inside a longer path are folders on Windows 11.
  {
    input: `${NX}\\COM1`,
    text: `${NX}\\COM1`,
    identity: "C:\\BINDLINK-NO-SUCH-FOLDER\\COM1",
  },
  { input: ".\\CON", text: `${CWD}\\CON`, identity: "C:\\USERS\\ME\\CON" },
  // NTFS's upcase table: per unit, and ı, ſ, ß stay.
  {
    input: `${NX}\\ıſßé`,
    text: `${NX}\\ıſßé`,
    identity: "C:\\BINDLINK-NO-SUCH-FOLDER\\ıſßÉ",
  },
  // Shares, for backing paths.
  {
    input: "\\\\srv\\share\\dir\\..\\x",
    role: "backing path",
    text: "\\\\srv\\share\\x",
    identity: "\\\\SRV\\SHARE\\X",
  },
  {
    input: "\\\\?\\UNC\\srv\\share\\x",
    role: "backing path",
    text: "\\\\srv\\share\\x",
    identity: "\\\\SRV\\SHARE\\X",
  },
  {
    input: "//srv/share/",
    role: "backing path",
    text: "\\\\srv\\share",
    identity: "\\\\SRV\\SHARE",
  },
  {
    input: "\\\\?\\GLOBALROOT\\Device\\Mup\\srv\\share\\x",
    role: "backing path",
    text: "\\\\srv\\share\\x",
    identity: "\\\\SRV\\SHARE\\X",
  },
  // A volume with no drive letter keeps its volume path.
  {
    input: `\\\\?\\${GUID}\\v`,
    text: `\\\\?\\${GUID}\\v`,
    identity: `\\\\?\\${GUID.toUpperCase()}\\V`,
  },
  {
    input: `\\\\.\\${GUID}\\a\\..\\v.`,
    text: `\\\\?\\${GUID}\\v`,
    identity: `\\\\?\\${GUID.toUpperCase()}\\V`,
  },
];

for (const { input, role = "virtual path", text, identity, shown } of ACCEPTED) {
  Deno.test(`accepted: ${JSON.stringify(input)} as ${role}`, () => {
    const resolved = resolveWindowsPath(input, role, CWD);
    assert.equal(resolved.problem, undefined, resolved.problem?.summary);
    assert.deepEqual(
      { text: resolved.text, identity: resolved.identity, shown: resolved.shown },
      { text, identity, shown: shown ?? text },
    );
  });
}

// Each spelling Windows reads as something else, or not at all, with what the message says.
const REFUSED: [string, PathRole, RegExp][] = [
  [
    "CON",
    "virtual path",
    /"CON" is the device name CON.*\\\\\.\\CON.*full path, such as C:\\Users\\me\\CON\./,
  ],
  ["nul", "backing path", /device name NUL/],
  ["Com7", "virtual path", /device name COM7/],
  ["conout$", "virtual path", /device name CONOUT\$/],
  ["LPT1 .", "virtual path", /device name LPT1/],
  [
    "\\\\srv\\share\\v",
    "virtual path",
    /is on a network share \(\\\\srv\\share\).*virtual path must be local; only the backing path may be a share/,
  ],
  ["\\\\?\\UNC\\srv\\share\\v", "virtual path", /network share.*must be local/],
  [
    "D:foo",
    "virtual path",
    /"D:foo" is relative to the current folder of drive D:.*Give a full path, such as D:\\foo/,
  ],
  ["d:", "backing path", /drive D:.*Give a full path/],
  [
    "\\\\?\\C:v",
    "virtual path",
    /"\\\\\?\\C:v" is a verbatim path with no separator after the drive C:.*Write \\\\\?\\C:\\v/,
  ],
  ["\\\\?\\UNC\\server", "backing path", /names no share.*\\\\\?\\UNC\\server\\share\\folder/],
  ["\\\\?\\UNC\\server\\", "backing path", /names no share/],
  ["\\\\?\\C:", "virtual path", /names the volume C: itself.*Write \\\\\?\\C:\\ for its root/],
  ["\\\\?\\foo\\bar", "virtual path", /names no drive, share or volume/],
  [
    "\\\\?\\C:\\a\\..\\v",
    "virtual path",
    /has a "\.\." segment; a verbatim .*Drop the \\\\\?\\ prefix/,
  ],
  ["\\??\\C:\\a\\.\\v", "virtual path", /has a "\." segment/],
  ["\\\\?\\C:\\a\\\\v", "virtual path", /empty name.*\\\\\?\\C:\\a\\v\./],
  ["\\\\?\\C:\\a/v", "virtual path", /character \//],
  [
    "\\Device\\HarddiskVolume1\\v",
    "virtual path",
    /raw NT device path.*ERROR_PATH_NOT_FOUND.*\\\\\?\\GLOBALROOT\\Device\\HarddiskVolume1\\v/,
  ],
  ["\\\\.\\CON", "virtual path", /names the device CON, not a folder/],
  ["\\\\.\\C:", "virtual path", /names the device C:/],
  ["\\\\.\\PhysicalDrive0", "backing path", /names the device PhysicalDrive0/],
  [
    "\\\\server",
    "backing path",
    /UNC path without a server and share name.*\\\\server\\share\\folder/,
  ],
  ["C:\\a<b", "virtual path", /character <, which Windows does not allow/],
  ["C:\\a*", "virtual path", /character \*/],
  // The message shows the control character escaped, never raw.
  [
    "C:\\a\u0001",
    "virtual path",
    /^the virtual path "C:\\a\\u0001" contains the control character U\+0001/,
  ],
  ["C:\\file.txt:stream", "backing path", /colon outside the drive letter/],
  [
    "C:\\" + "x".repeat(32_761),
    "virtual path",
    /32768 characters long in its NT form.*at most 32767/,
  ],
  ["\\\\s\\h\\" + "x".repeat(32_756), "backing path", /32768 characters long in its NT form/],
];

for (const [input, role, message] of REFUSED) {
  Deno.test(`refused: ${JSON.stringify(input.slice(0, 40))} as ${role}`, () => {
    const resolved = resolveWindowsPath(input, role, CWD);
    assert.ok(resolved.problem, `${JSON.stringify(input)} was accepted as ${resolved.text}`);
    assert.match(`${resolved.problem.summary} | ${resolved.problem.hint}`, message);
  });
}

Deno.test("a relative path with no usable current folder asks for a full path", () => {
  const resolved = resolveWindowsPath("v", "virtual path", undefined);
  assert.match(
    resolved.problem?.summary ?? "",
    /is relative, and there is no current Windows folder/,
  );
  const odd = resolveWindowsPath("v", "virtual path", "/home/me");
  assert.match(odd.problem?.summary ?? "", /the current folder is "\/home\/me"/);
});

Deno.test("a share as current folder: rooted paths stay on the share", () => {
  const resolved = resolveWindowsPath("\\x", "backing path", "\\\\srv\\share\\dir");
  assert.equal(resolved.text, "\\\\srv\\share\\x");
});

Deno.test("the limit counts the NT form: 32,767 units with \\??\\ is still accepted", () => {
  const atLimit = resolveWindowsPath("C:\\" + "x".repeat(32_760), "virtual path", CWD);
  assert.equal(atLimit.problem, undefined);
  assert.equal(atLimit.text?.length, 4 + 3 + 32_760, "sent as \\\\?\\C:\\...");
});

Deno.test("a NUL is refused with its position", () => {
  const resolved = resolveWindowsPath("C:\\v\0x", "virtual path", CWD);
  assert.match(resolved.problem?.summary ?? "", /NUL character at position 4/);
});

Deno.test("long paths go to Windows verbatim, and are reported the same way", () => {
  const long = `${NX}\\${"n".repeat(300)}`;
  const resolved = resolveWindowsPath(long, "virtual path", CWD);
  assert.equal(resolved.text, `\\\\?\\${long}`);
  assert.equal(resolved.shown, long);
});

Deno.test("same place and below compare identities, for strings and resolved paths", () => {
  const spellings = [
    `${NX}\\v`,
    `\\\\.\\c:\\bindlink-no-such-folder\\V\\`,
    `${NX}\\v. `,
    `\\\\?\\${NX}\\v`,
  ];
  for (const a of spellings) {
    for (const b of spellings) assert.ok(windowsPathRules.same(a, b), `${a} = ${b}`);
  }
  assert.ok(!windowsPathRules.same(`${NX}\\v`, `\\\\?\\${NX}\\v.`), "v. is another folder");
  assert.ok(!windowsPathRules.same(`${NX}\\ıdir`, `${NX}\\Idir`), "ı is not I on NTFS");
  assert.ok(!windowsPathRules.same(`${NX}\\ſ`, `${NX}\\S`), "ſ is not S on NTFS");
  assert.ok(windowsPathRules.same(`${NX}\\é`, `${NX}\\É`));
  const v = resolveWindowsPath(`${NX}\\v.`, "virtual path", CWD);
  const e = resolveWindowsPath(`\\\\.\\${NX}\\V\\e`, "exception path", CWD);
  assert.ok(!v.problem && !e.problem);
  assert.ok(windowsPathRules.isBelow(e, v));
  assert.ok(isBelowWindows(`${NX}\\v\\e`, `${NX}\\v.`));
  assert.ok(!isBelowWindows(`${NX}\\v`, `${NX}\\v`), "strictly below");
  assert.ok(!isBelowWindows(`${NX}\\vx\\e`, `${NX}\\v`), "on name boundaries");
  assert.ok(isBelowWindows("C:\\x", "C:\\"));
  assert.equal(identifyWindowsPath("not a path at all"), "NOT A PATH AT ALL");
});

Deno.test("the upcase table: one unit to one unit, NTFS's exceptions kept", () => {
  assert.equal(upcaseUnit(0x61), 0x41);
  assert.equal(upcaseUnit(0xE9), 0xC9);
  assert.equal(upcaseUnit(0x131), 0x131, "dotless i stays");
  assert.equal(upcaseUnit(0x17F), 0x17F, "long s stays");
  assert.equal(upcaseUnit(0xDF), 0xDF, "sharp s has no one-unit upper case");
  assert.equal(upcaseUnit(0xD800), 0xD800, "a lone surrogate stays");
  assert.equal(upcaseOrdinal("stra\u00DFe\u{1F600}\u0131"), "STRA\u00DFE\u{1F600}\u0131");
  for (let unit = 0; unit < 0x10000; unit++) {
    const upper = upcaseUnit(unit);
    assert.ok(upper >= 0 && upper <= 0xFFFF);
    if (unit >= 0x80 && upper < 0x80) assert.fail(`U+${unit.toString(16)} maps into ASCII`);
  }
});
