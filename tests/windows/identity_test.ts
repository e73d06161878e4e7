/**
 * Path identity: the place a path leads to, as the filter names it. The logic runs everywhere
 * against a scripted file system (junctions, short names, substituted and network drives, a
 * live link's root); under Windows Deno (Wine) kernel32 itself answers for what Wine has.
 */
import assert from "node:assert/strict";
import {
  type DirectoryEntry,
  FILE_ATTRIBUTE_DIRECTORY,
  FILE_ATTRIBUTE_REPARSE_POINT,
  type FileQueries,
  IO_REPARSE_TAG_MOUNT_POINT,
  IO_REPARSE_TAG_SYMLINK,
  parseReparseBuffer,
} from "../../lib/windows/file_queries.ts";
import { pureLookup, systemLookup, withPlaceLookup } from "../../lib/windows/identity.ts";
import { resolveWindowsPath } from "../../lib/windows/paths.ts";
import type { PathRole } from "../../lib/paths.ts";

const isWindows = Deno.build.os === "windows";
const DIR = FILE_ATTRIBUTE_DIRECTORY;
const LINK = FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT;

/** A scripted file system, keyed by upcased verbatim path, that records what was asked. */
class Scripted implements FileQueries {
  readonly opened: string[] = [];
  readonly listed: string[] = [];
  readonly linksRead: string[] = [];
  finals = new Map<string, string>();
  entries = new Map<string, DirectoryEntry>();
  targets = new Map<string, string>();
  volumes = new Map<string, string[]>();
  devices = new Map<string, string>([["C:", "\\Device\\HarddiskVolume3"]]);
  types = new Map<string, number>();

  finalPath(path: string) {
    this.opened.push(path);
    return this.finals.get(path.toUpperCase());
  }
  entry(path: string) {
    this.listed.push(path);
    return this.entries.get(path.toUpperCase());
  }
  linkTarget(path: string) {
    this.linksRead.push(path);
    return this.targets.get(path.toUpperCase());
  }
  volumePaths(volume: string) {
    return this.volumes.get(volume.toUpperCase()) ?? [];
  }
  drives() {
    return [...this.devices.keys()];
  }
  dosDevice(drive: string) {
    return this.devices.get(drive);
  }
  driveType(drive: string) {
    return this.types.get(drive) ?? 3;
  }
  /** `path` is a folder that exists where it is. */
  folder(path: string, real = path) {
    this.finals.set(`\\\\?\\${path}`.toUpperCase(), `\\\\?\\${real}`);
  }
}

function resolve(fs: Scripted, input: string, role: PathRole = "virtual path") {
  return resolveWindowsPath(input, role, "C:\\", systemLookup(fs));
}

Deno.test("the deepest existing folder is asked where it leads; the rest is appended", () => {
  const fs = new Scripted();
  fs.folder("C:\\");
  fs.folder("C:\\j", "D:\\target"); // a junction on the way
  const resolved = resolve(fs, "C:\\j\\missing\\v");
  assert.equal(resolved.identity, "D:\\TARGET\\MISSING\\V");
  assert.equal(resolved.shown, "C:\\j\\missing\\v", "reported as the user wrote it");
  assert.deepEqual(fs.opened, ["\\\\?\\C:\\j\\missing", "\\\\?\\C:\\j"]);
  assert.deepEqual(fs.listed, [], "a last name under a missing folder is not looked for");
});

Deno.test("the last name comes from its folder's listing: short names become long", () => {
  const fs = new Scripted();
  fs.folder("C:\\");
  fs.entries.set("\\\\?\\C:\\PROGRA~1", { name: "Program Files", attributes: DIR, reparseTag: 0 });
  assert.equal(resolve(fs, "C:\\progra~1").identity, "C:\\PROGRAM FILES");
  assert.equal(resolve(fs, "C:\\Program Files").identity, "C:\\PROGRAM FILES");
});

Deno.test("a live link's root is never opened: its folder is, and its listing names it", () => {
  const fs = new Scripted();
  fs.folder("C:\\");
  // Opening C:\v would go through the link and answer with its backing path.
  fs.folder("C:\\v", "D:\\backing");
  fs.entries.set("\\\\?\\C:\\V", { name: "v", attributes: DIR, reparseTag: 0 });
  assert.equal(resolve(fs, "C:\\V").identity, "C:\\V");
  assert.ok(!fs.opened.includes("\\\\?\\C:\\V"), `opened: ${fs.opened}`);
  assert.deepEqual(fs.linksRead, [], "not a junction: its target is not read");
});

Deno.test("a last name that is a junction or directory link is followed, without opening it", () => {
  const fs = new Scripted();
  fs.folder("C:\\");
  fs.folder("C:\\data");
  fs.folder("D:\\");
  fs.entries.set("\\\\?\\C:\\J", {
    name: "j",
    attributes: LINK,
    reparseTag: IO_REPARSE_TAG_MOUNT_POINT,
  });
  fs.targets.set("\\\\?\\C:\\J", "\\??\\D:\\Real");
  fs.entries.set("\\\\?\\C:\\DATA\\S", {
    name: "s",
    attributes: LINK,
    reparseTag: IO_REPARSE_TAG_SYMLINK,
  });
  fs.targets.set("\\\\?\\C:\\DATA\\S", "..\\j");
  assert.equal(resolve(fs, "C:\\J").identity, "D:\\REAL");
  assert.equal(resolve(fs, "C:\\data\\s").identity, "D:\\REAL", "relative target, then a junction");
  assert.ok(!fs.opened.includes("\\\\?\\C:\\J") && !fs.opened.includes("\\\\?\\C:\\data\\s"));
  // A file symbolic link is not a folder the filter follows.
  fs.entries.set("\\\\?\\C:\\F", {
    name: "f",
    attributes: FILE_ATTRIBUTE_REPARSE_POINT,
    reparseTag: IO_REPARSE_TAG_SYMLINK,
  });
  fs.targets.set("\\\\?\\C:\\F", "\\??\\D:\\file");
  assert.equal(resolve(fs, "C:\\f").identity, "C:\\F");
});

Deno.test("a junction loop ends", () => {
  const fs = new Scripted();
  fs.folder("C:\\");
  fs.entries.set("\\\\?\\C:\\A", {
    name: "a",
    attributes: LINK,
    reparseTag: IO_REPARSE_TAG_MOUNT_POINT,
  });
  fs.targets.set("\\\\?\\C:\\A", "\\??\\C:\\a");
  assert.equal(resolve(fs, "C:\\a").identity, "C:\\A");
});

Deno.test("a substituted drive and a volume are named by the drive they lead to", () => {
  const fs = new Scripted();
  fs.folder("S:\\", "C:\\real");
  fs.folder("C:\\");
  const guid = "\\\\?\\Volume{0123abcd-89ab-cdef-0123-456789abcdef}";
  fs.volumes.set(`${guid}\\`.toUpperCase(), ["D:\\mnt\\", "E:\\"]);
  assert.equal(resolve(fs, "S:\\v").identity, "C:\\REAL\\V");
  const volume = resolve(fs, `${guid}\\v`);
  assert.deepEqual([volume.text, volume.identity], ["E:\\v", "E:\\V"]);
  const noLetter = resolve(fs, "\\\\?\\Volume{11111111-89ab-cdef-0123-456789abcdef}\\v");
  assert.equal(noLetter.text, "\\\\?\\Volume{11111111-89ab-cdef-0123-456789abcdef}\\v");
});

Deno.test("GLOBALROOT paths are mapped to their drive letter, or refused", () => {
  const fs = new Scripted();
  const mapped = resolve(fs, "\\\\?\\GLOBALROOT\\Device\\HarddiskVolume3\\v");
  assert.equal(mapped.text, "C:\\v");
  assert.equal(resolve(fs, "\\\\.\\GLOBALROOT\\device\\harddiskvolume3\\x\\..\\v").text, "C:\\v");
  const unknown = resolve(fs, "\\\\?\\GLOBALROOT\\Device\\HarddiskVolume9\\v");
  assert.match(
    unknown.problem?.summary ?? "",
    /\\Device\\HarddiskVolume9\\v, which is no volume with a drive letter/,
  );
  assert.match(unknown.problem?.hint ?? "", /drive letter/);
  const offWindows = resolveWindowsPath(
    "\\\\?\\GLOBALROOT\\Device\\HarddiskVolume3\\v",
    "virtual path",
    "C:\\",
    pureLookup,
  );
  assert.ok(offWindows.problem, "off Windows nothing can map it");
});

Deno.test("network drives and links to shares cannot hold a virtual path", () => {
  const fs = new Scripted();
  fs.types.set("N:", 4);
  fs.folder("C:\\");
  // C:\toshare is a directory symbolic link to a share.
  fs.finals.set("\\\\?\\C:\\TOSHARE", "\\\\?\\UNC\\srv\\share\\dir");
  assert.match(
    resolve(fs, "N:\\v").problem?.summary ?? "",
    /"N:\\v" is on N:, a mapped network drive/,
  );
  assert.match(
    resolve(fs, "N:\\v").problem?.hint ?? "",
    /virtual path must be local; only the backing path may be a share/,
  );
  assert.equal(resolve(fs, "N:\\b", "backing path").identity, "N:\\B");
  assert.deepEqual(
    fs.opened.filter((p) => p.startsWith("\\\\?\\N:")),
    [],
    "a network drive is not asked",
  );
  assert.match(
    resolve(fs, "C:\\toshare\\v").problem?.summary ?? "",
    /leads to the network share \\\\srv\\share\\dir/,
  );
  assert.equal(resolve(fs, "C:\\toshare\\b", "backing path").identity, "\\\\SRV\\SHARE\\DIR\\B");
});

function reparseBuffer(tag: number, target: string, relative = false): Uint8Array<ArrayBuffer> {
  const header = tag === IO_REPARSE_TAG_SYMLINK ? 20 : 16;
  const bytes = new Uint8Array(header + target.length * 2 + 4);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, tag, true);
  view.setUint16(4, bytes.length - 8, true);
  view.setUint16(8, 0, true); // substitute name offset
  view.setUint16(10, target.length * 2, true);
  if (tag === IO_REPARSE_TAG_SYMLINK) view.setUint32(16, relative ? 1 : 0, true);
  for (let i = 0; i < target.length; i++) {
    view.setUint16(header + 2 * i, target.charCodeAt(i), true);
  }
  return bytes;
}

Deno.test("reparse buffers are read within their bounds", () => {
  const junction = reparseBuffer(IO_REPARSE_TAG_MOUNT_POINT, "\\??\\D:\\Real");
  assert.equal(parseReparseBuffer(junction, junction.length), "\\??\\D:\\Real");
  const symlink = reparseBuffer(IO_REPARSE_TAG_SYMLINK, "..\\x", true);
  assert.equal(parseReparseBuffer(symlink, symlink.length), "..\\x");
  assert.equal(parseReparseBuffer(junction, 12), undefined, "shorter than its header");
  assert.equal(parseReparseBuffer(junction, junction.length + 1), undefined, "past the buffer");
  const tooLong = junction.slice();
  new DataView(tooLong.buffer).setUint16(10, 0xFFFE, true);
  assert.equal(parseReparseBuffer(tooLong, tooLong.length), undefined, "a name past the end");
  const odd = junction.slice();
  new DataView(odd.buffer).setUint16(10, 3, true);
  assert.equal(parseReparseBuffer(odd, odd.length), undefined, "an odd byte length");
  const other = reparseBuffer(0x8000_0017, "x");
  assert.equal(parseReparseBuffer(other, other.length), undefined, "not a link");
});

Deno.test({
  name: "on Windows, kernel32 says where folders lead and how they are spelled on disk",
  ignore: !isWindows,
  fn() {
    const tmp = Deno.makeTempDirSync({ prefix: "bindlink-identity-" });
    try {
      Deno.mkdirSync(`${tmp}\\Real`);
      const lower = resolveWindowsPath(`${tmp}\\real\\x`, "virtual path", undefined);
      const upper = resolveWindowsPath(`${tmp.toUpperCase()}\\REAL\\X`, "virtual path", undefined);
      assert.equal(lower.identity, upper.identity);
      assert.equal(lower.shown, `${tmp}\\real\\x`, "reported as written");
      const existing = resolveWindowsPath(`${tmp}\\real`, "virtual path", undefined);
      assert.equal(existing.identity, `${tmp}\\Real`.toUpperCase());
      // The repository, on Wine's Z: drive (or wherever the suite runs from).
      const here = resolveWindowsPath(".\\tests\\windows", "virtual path", Deno.cwd());
      assert.equal(here.identity, `${Deno.cwd()}\\tests\\windows`.toUpperCase());
      // Drive letters and their NT devices: GLOBALROOT maps back to the same place.
      const device = withPlaceLookup((lookup) =>
        lookup.placeOfDevicePath("\\Device\\Mup\\srv\\share\\x")
      );
      assert.deepEqual(device, { kind: "unc", root: "\\\\srv\\share", names: ["x"] });
      const drive = tmp.slice(0, 2).toUpperCase();
      const nt = withPlaceLookup((lookup) => {
        for (let n = 1; n < 64; n++) {
          const place = lookup.placeOfDevicePath(`\\Device\\HarddiskVolume${n}\\v`);
          if (place?.root === drive) return `\\Device\\HarddiskVolume${n}`;
        }
        return undefined;
      });
      if (nt !== undefined) {
        const viaRoot = resolveWindowsPath(
          `\\\\?\\GLOBALROOT${nt}${tmp.slice(2)}\\real`,
          "virtual path",
          undefined,
        );
        assert.equal(viaRoot.identity, existing.identity);
        assert.equal(viaRoot.shown, `${tmp}\\real`);
      }
      assert.equal(withPlaceLookup((lookup) => lookup.isRemoteDrive(drive)), false);
    } finally {
      Deno.removeSync(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name: "the host's lookup keeps one kernel32 for every comparison, not one per call",
  ignore: Deno.build.os !== "windows",
  fn() {
    const first = withPlaceLookup((lookup) => lookup);
    const second = withPlaceLookup((lookup) => lookup);
    assert.notEqual(first, pureLookup, "on Windows the system is asked");
    // The same lookup, over the same kernel32 handle: a second comparison opens nothing.
    assert.equal(second, first);
    assert.equal(second.isRemoteDrive("C:"), false);
  },
});
