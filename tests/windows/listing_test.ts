/**
 * Listing links through BfGetMappings, on the native double: the filter's layout with NT
 * device paths, translated back to drive letters and UNC paths; short buffers grown and
 * retried; malformed answers refused; and the lookups that word E_INVALIDARG truthfully
 * (lib/windows/describe_error.ts: a link there, none there, or the lookup failed; sync and
 * async). Covers lib/windows/listing.ts and lib/windows/describe_error.ts.
 */
import assert from "node:assert/strict";
import type { BindLinkInfo, LinkSpec } from "../../mod.ts";
import { kernel32Symbols } from "../../lib/windows/kernel32_ffi.ts";
import { localDrives, MAX_ATTEMPTS, win32Path } from "../../lib/windows/listing.ts";
import { system32Path } from "../../lib/windows/system_root.ts";
import { readVolumes } from "../../lib/windows/volumes.ts";
import { Double, LINUX_VOLUMES } from "../support/double.ts";
import { encodeMappings, mappingField, writeU32 } from "../support/mappings_buffer.ts";
import { rejectsCode, throwsCode } from "../support/expect_error.ts";

const isWindows = Deno.build.os === "windows";
const ERROR_INSUFFICIENT_BUFFER = 0x8007007A;
const ERROR_MORE_DATA = 0x800700EA;

function info(
  virtualPath: string,
  backingPath: string,
  readOnly = false,
  merged = false,
): BindLinkInfo {
  return { virtualPath, backingPath, readOnly, merged, exceptions: [] };
}

function spec(virtualPath: string, backingPath: string, extra: Partial<LinkSpec> = {}): LinkSpec {
  return { virtualPath, backingPath, readOnly: false, merged: false, exceptions: [], ...extra };
}

function byPath(links: BindLinkInfo[]): BindLinkInfo[] {
  return [...links].sort((a, b) => a.virtualPath < b.virtualPath ? -1 : 1);
}

Deno.test("list after create shows each link with drive-letter and UNC paths and its flags", async () => {
  using double = new Double();
  double.addExisting("C:\\Merged");
  await double.api.createBindLink("C:\\Plain", "C:\\Backing");
  double.api.createBindLinkSync("C:\\ReadOnly", "C:\\Backing\\sub", { readOnly: true });
  await double.api.createBindLink("C:\\Merged", "\\\\server\\share\\dir", {
    merged: true,
    readOnly: true,
  });
  const expected = [
    info("C:\\Merged", "\\\\server\\share\\dir", true, true),
    info("C:\\Plain", "C:\\Backing"),
    info("C:\\ReadOnly", "C:\\Backing\\sub", true, false),
  ];
  assert.deepEqual(byPath(await double.api.listBindLinks()), expected);
  assert.deepEqual(byPath(double.api.listBindLinksSync()), expected);
  assert.deepEqual(
    double.api.listBindLinksSync({ path: "c:\\merged" }),
    [expected[0]],
    "list [path] keeps the link at that path, compared as Windows compares",
  );

  await double.api.removeBindLink("C:\\Plain");
  double.api.removeBindLinkSync("C:\\ReadOnly");
  assert.deepEqual(await double.api.listBindLinks(), [expected[0]]);
  await double.api.removeBindLink("C:\\Merged");
  assert.deepEqual(await double.api.listBindLinks(), []);
});

Deno.test("every local volume is asked once, with the volume flag, and no network drive", async () => {
  using double = new Double();
  await double.api.listBindLinks();
  const asked = double.calls().filter((call) => call.fn === "BfGetMappings");
  assert.ok(asked.every((call) => call.flags === 1 && call.result === 0), JSON.stringify(asked));
  const paths = asked.map((call) => call.path);
  if (isWindows) {
    assert.ok(paths.includes("C:\\"), `Wine's C: was asked: ${paths}`);
  } else {
    assert.deepEqual(paths, ["C:\\", "D:\\", "Z:\\"], "N: is a network drive");
  }
  assert.equal(new Set(paths).size, paths.length);
});

Deno.test("a merged link's first target is its backing path", () => {
  using double = new Double();
  double.addExisting("C:\\Foo");
  double.api.createBindLinkSync("C:\\Foo", "D:\\Bar", { merged: true });
  const [link] = double.api.listBindLinksSync();
  assert.deepEqual(link, info("C:\\Foo", "D:\\Bar", false, true));
});

Deno.test("the double compares paths as the filter does: one link under every spelling", () => {
  using double = new Double();
  const platform = double.api.platform;
  assert.equal(double.rawCreate("\\\\.\\C:\\v\\", "C:\\b"), 0);
  assert.deepEqual(platform.listSync(), [info("C:\\v", "C:\\b")], "listed as the filter keeps it");
  for (
    const spelling of [
      "C:\\v",
      "\\\\?\\c:\\V\\",
      "\\\\.\\C:\\v",
      "C:\\v. .",
      "//?/c:/v/",
      "C:\\x\\..\\v",
    ]
  ) {
    assert.equal(double.rawCreate(spelling, "C:\\other") >>> 0, 0x80070057, spelling);
  }
  const error = throwsCode(() => platform.createSync(spec("C:\\V", "C:\\other")), "already-exists");
  assert.match(error.message, /a bind link already exists at C:\\v: it shows C:\\b/);
  // Verbatim paths are taken literally: \\?\C:\v. names a folder called "v.".
  assert.equal(double.rawCreate("\\\\?\\C:\\v.", "C:\\dotted"), 0);
  assert.deepEqual(byPath(platform.listSync()), [
    info("C:\\v", "C:\\b"),
    info("C:\\v.", "C:\\dotted"),
  ]);
  assert.equal(double.rawRemove("\\\\?\\c:\\V\\"), 0);
  assert.equal(double.rawRemove("\\??\\C:\\v."), 0);
  assert.deepEqual(platform.listSync(), []);
  assert.equal(double.linkCount(), 0);
});

Deno.test("a duplicate create is already-exists, naming what the existing link shows", async () => {
  using double = new Double();
  await double.api.createBindLink("C:\\Foo", "\\\\nas\\media\\films", { readOnly: true });
  for (
    const attempt of [
      () => double.api.createBindLink("c:/foo/", "C:\\Other"),
      () => Promise.resolve().then(() => double.api.createBindLinkSync("C:\\FOO", "C:\\Other")),
    ]
  ) {
    const error = await rejectsCode(attempt(), "already-exists");
    assert.equal(error.hresult, 0x80070057, "Windows' own answer is kept");
    assert.equal(error.backingPath, "C:\\Other");
    assert.match(
      error.message,
      /a bind link already exists at C:\\Foo: it shows \\\\nas\\media\\films \(read-only\)/,
    );
    assert.match(error.message, /Remove it first \(bindlink remove C:\\Foo\)/);
  }
  assert.equal(double.linkCount(), 1);
});

Deno.test("E_INVALIDARG with no link there stays invalid-argument, or is not-found for remove", async () => {
  using double = new Double();
  const anchorless = await rejectsCode(
    double.api.createBindLink("C:\\NotOnDisk", "C:\\B", { exceptions: ["C:\\NotOnDisk\\x"] }),
    "invalid-argument",
  );
  assert.match(anchorless.message, /anchorless/);
  assert.match(anchorless.message, /Create the virtual folder first, or drop the exceptions/);

  double.script("create", 0x80070057);
  const plain = throwsCode(
    () => double.api.createBindLinkSync("C:\\X", "C:\\B"),
    "invalid-argument",
  );
  assert.match(plain.message, /Windows rejected the arguments/);

  const missing = await rejectsCode(double.api.removeBindLink("C:\\Nothing"), "not-found");
  assert.equal(missing.hresult, 0x80070057);
  assert.match(missing.message, /there is no bind link at this path/);
  throwsCode(() => double.api.removeBindLinkSync("C:\\Nothing"), "not-found");
});

Deno.test("when the lookup itself fails, the error says so and keeps Windows' answer", async () => {
  using double = new Double();
  await double.api.createBindLink("C:\\Foo", "C:\\Bar");
  double.scriptMappings(0x80070005, 0);
  const error = await rejectsCode(
    double.api.createBindLink("C:\\Foo", "C:\\Baz"),
    "invalid-argument",
  );
  assert.match(error.message, /bindlink could not check the live links/);
  assert.match(error.message, /Windows also answers this way when a link already exists/);
});

Deno.test("a short buffer is grown to what Windows asks and the call retried", async () => {
  using double = new Double();
  await double.api.createBindLink("C:\\Foo", "C:\\Bar");
  for (const mode of ["async", "sync"] as const) {
    double.reset();
    double.api.createBindLinkSync("C:\\Foo", "C:\\Bar");
    double.scriptMappings(ERROR_INSUFFICIENT_BUFFER, 40_000);
    double.scriptMappings(ERROR_MORE_DATA, 100_000);
    const links = mode === "async"
      ? await double.api.listBindLinks()
      : double.api.listBindLinksSync();
    assert.deepEqual(links, [info("C:\\Foo", "C:\\Bar")], mode);
    const sizes = double.calls().filter((call) => call.fn === "BfGetMappings")
      .slice(0, 3).map((call) => [call.bufferSize, call.result]);
    assert.deepEqual(sizes, [
      [16_384, ERROR_INSUFFICIENT_BUFFER],
      [40_000, ERROR_MORE_DATA],
      [100_000, 0],
    ], mode);
  }
});

Deno.test("a buffer that never suffices is given up after a bounded number of tries", async () => {
  using double = new Double();
  for (let i = 0; i < MAX_ATTEMPTS; i++) double.scriptMappings(ERROR_MORE_DATA, 20_000 + i * 4);
  const error = await rejectsCode(double.api.listBindLinks(), "unknown");
  assert.equal(error.operation, "list");
  assert.match(error.message, new RegExp(`after ${MAX_ATTEMPTS} tries`));
  assert.equal(double.calls().length, MAX_ATTEMPTS);

  double.reset();
  double.scriptMappings(ERROR_INSUFFICIENT_BUFFER, 0xFFFF_FFFF);
  const huge = throwsCode(() => double.api.listBindLinksSync(), "unknown");
  assert.match(huge.message, /asked for 4294967295 bytes/);
});

Deno.test("a failing BfGetMappings is an error; a volume without mappings is empty", async () => {
  using double = new Double();
  double.scriptMappings(0x80070005, 0);
  const denied = await rejectsCode(double.api.listBindLinks(), "unknown");
  assert.equal(denied.hresult, 0x80070005);
  assert.match(denied.message, /run from an elevated prompt/);
  double.reset();
  double.scriptMappings(0x80070490, 0); // ERROR_NOT_FOUND
  assert.deepEqual(await double.api.listBindLinks(), []);
});

Deno.test("malformed answers are BindLinkErrors, never a crash", async () => {
  using double = new Double();
  const volume = isWindows ? undefined : LINUX_VOLUMES[0].device;
  const root = (volume ?? "\\Device\\HarddiskVolume1") + "\\Foo";
  const good = () => encodeMappings([{ virtualRoot: root, flags: 1, targets: [root + "x"] }]);
  const broken: [string, Uint8Array<ArrayBuffer>][] = [
    ["a truncated header", good().slice(0, 7)],
    [
      "a count past the end",
      (() => {
        const b = good();
        writeU32(b, 8, 1000);
        return b;
      })(),
    ],
    [
      "an offset past the end",
      (() => {
        const b = good();
        writeU32(b, mappingField(0, "virtualRootOffset"), 0xFFFF_FFF0);
        return b;
      })(),
    ],
    [
      "an odd length",
      (() => {
        const b = good();
        writeU32(b, mappingField(0, "virtualRootLength"), 7);
        return b;
      })(),
    ],
    [
      "target entries past the end",
      (() => {
        const b = good();
        writeU32(b, mappingField(0, "targetEntriesOffset"), b.length - 4);
        return b;
      })(),
    ],
  ];
  for (const [what, bytes] of broken) {
    double.reset();
    double.scriptMappingsRaw(bytes);
    const error = await rejectsCode(double.api.listBindLinks(), "unknown");
    assert.equal(error.operation, "list", what);
    assert.match(error.message, /malformed/, what);
    double.reset();
    double.scriptMappingsRaw(bytes);
    throwsCode(() => double.api.listBindLinksSync(), "unknown");
  }
  double.reset();
  double.scriptMappingsRaw(good());
  const [link] = await double.api.listBindLinks();
  assert.equal(link.readOnly, true);
  assert.match(link.virtualPath, /^[A-Z]:\\Foo$/);
});

Deno.test("NT paths become drive-letter and UNC paths", () => {
  const volumes = [
    { drive: "C:", device: "\\Device\\HarddiskVolume1" },
    { drive: "D:", device: "\\Device\\HarddiskVolume10" },
  ];
  const cases: [string, string][] = [
    ["\\Device\\HarddiskVolume1\\Foo", "C:\\Foo"],
    ["\\device\\harddiskvolume1\\Foo", "C:\\Foo"],
    ["\\Device\\HarddiskVolume10\\Foo", "D:\\Foo"],
    ["\\Device\\HarddiskVolume1", "C:\\"],
    ["\\Device\\HarddiskVolume11\\x", "\\\\?\\GLOBALROOT\\Device\\HarddiskVolume11\\x"],
    ["\\Device\\Mup\\server\\share\\dir", "\\\\server\\share\\dir"],
    ["\\??\\C:\\x", "C:\\x"],
    ["\\??\\UNC\\srv\\s\\x", "\\\\srv\\s\\x"],
  ];
  for (const [nt, win32] of cases) assert.equal(win32Path(nt, volumes), win32, nt);
  assert.deepEqual(
    localDrives([...volumes, { drive: "n:", device: "\\Device\\X", local: false }, volumes[0]]),
    ["C:", "D:"],
  );
});

Deno.test({
  name: "the drive table comes from kernel32: letters, their NT devices, and which are local",
  ignore: !isWindows,
  fn() {
    const kernel32 = Deno.dlopen(system32Path("kernel32.dll"), kernel32Symbols);
    try {
      const volumes = readVolumes(kernel32.symbols);
      const c = volumes.find((volume) => volume.drive === "C:");
      assert.ok(c, JSON.stringify(volumes));
      assert.match(c.device, /^\\Device\\/);
      assert.equal(c.local, true);
      assert.equal(win32Path(`${c.device}\\Users`, volumes), "C:\\Users");
    } finally {
      kernel32.close();
    }
  },
});
