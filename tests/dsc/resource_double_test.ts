/**
 * The DSC resource with Windows' semantics, against the native double: `dsc`'s calls replayed
 * by the harness, with the CLI run in-process (the double's links live in the process that
 * loaded it). Runs on Linux and on Windows Deno under Wine. Covers lib/cli/dsc.ts (operations,
 * exit codes 0/1/2, stderr's JSON lines), lib/dsc/instance.ts (parsing and refusing input) and
 * lib/dsc/resource.ts (get, test, set, export).
 */
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../cli.ts";
import { Double } from "../support/double.ts";
import { dependencyOrder, discover, type Executor, ResourceError } from "./harness.ts";
import { exampleDocument } from "./example_documents.ts";

const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));

async function setUp() {
  const dir = await Deno.makeTempDir({ prefix: "bindlink-dsc-" });
  const double = new Double({ recordsFolder: path.join(dir, "links") });
  const exec: Executor = async (executable, args, stdin) => {
    assert.equal(executable, "bindlink");
    let stdout = "";
    let stderr = "";
    const code = await main(args, {
      stdout: (t) => stdout += t,
      stderr: (t) => stderr += t,
      stdin: () => Promise.resolve(stdin),
      platform: double.api.platform,
      stateDir: path.join(dir, "state"),
    });
    return { code, stdout, stderr };
  };
  return {
    double,
    dir,
    resource: discover(root, "BindLink/Link", exec),
    [Symbol.asyncDispose]: async () => {
      double[Symbol.dispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

const LINK = { virtualPath: "C:\\App\\Config", backingPath: "D:\\Configs\\Staging" };

Deno.test("dsc on Windows: get, test, set, test, set again, export", async () => {
  await using t = await setUp();
  const { resource } = t;
  assert.deepEqual(await resource.get(LINK), { virtualPath: "C:\\App\\Config", _exist: false });
  assert.equal((await resource.test(LINK))._inDesiredState, false);
  const set = await resource.set({ ...LINK, readOnly: true });
  assert.equal(set.skipped, false);
  assert.deepEqual(set.before, { virtualPath: "C:\\App\\Config", _exist: false });
  assert.deepEqual(set.after, {
    virtualPath: "C:\\App\\Config",
    backingPath: "D:\\Configs\\Staging",
    readOnly: true,
    merged: false,
    exceptions: [],
    _exist: true,
  });
  assert.equal(t.double.linkCount(), 1);
  assert.equal((await resource.test({ ...LINK, readOnly: true }))._inDesiredState, true);
  // Another spelling of the same place is the same instance.
  assert.equal(
    (await resource.test({ ...LINK, virtualPath: "c:\\app\\config\\", readOnly: true }))
      ._inDesiredState,
    true,
  );
  const calls = t.double.linkCalls().length;
  const again = await resource.set({ ...LINK, readOnly: true });
  assert.equal(again.skipped, true, "in desired state: dsc skips set");
  assert.equal(t.double.linkCalls().length, calls, "nothing was called");
  assert.deepEqual(
    (await resource.export()).map((s) => [s.virtualPath, s.backingPath, s.readOnly]),
    [["C:\\App\\Config", "D:\\Configs\\Staging", true]],
  );
  assert.deepEqual(await resource.export({ virtualPath: "C:\\Other" }), []);
  assert.equal((await resource.export({ virtualPath: "c:\\APP\\config" })).length, 1);
});

Deno.test("dsc on Windows: set converges to another backing path and to other flags", async () => {
  await using t = await setUp();
  await t.resource.set(LINK);
  const moved = await t.resource.set({ ...LINK, backingPath: "C:\\Configs\\Prod", merged: true });
  assert.equal(moved.before.backingPath, "D:\\Configs\\Staging");
  assert.equal(moved.after.backingPath, "C:\\Configs\\Prod");
  assert.equal(moved.after.merged, true);
  assert.equal(t.double.linkCount(), 1, "replaced, not added");
});

Deno.test("dsc on Windows: _exist false removes the link, and twice is fine", async () => {
  await using t = await setUp();
  await t.resource.set(LINK);
  const gone = await t.resource.set({ virtualPath: LINK.virtualPath, _exist: false });
  assert.equal(gone.before._exist, true);
  assert.deepEqual(gone.after, { virtualPath: "C:\\App\\Config", _exist: false });
  assert.equal(t.double.linkCount(), 0);
  const twice = await t.resource.set({ virtualPath: LINK.virtualPath, _exist: false });
  assert.equal(twice.skipped, true);
  assert.equal(
    (await t.resource.test({ virtualPath: LINK.virtualPath, _exist: false }))._inDesiredState,
    true,
  );
});

Deno.test("dsc on Windows: bad input is exit 2 with one JSON error line, and changes nothing", async () => {
  await using t = await setUp();
  await t.resource.set(LINK);
  const before = t.double.linkCalls().length;
  const cases: [string, RegExp][] = [
    ["not json", /the input is not JSON/],
    ["[]", /one JSON object, not an array/],
    ['{"backingPath": "C:\\\\X"}', /"virtualPath" is missing/],
    ['{"virtualPath": "App\\\\Config", "backingPath": "C:\\\\X"}', /must be an absolute path/],
    ['{"virtualPath": "\\\\App", "_exist": false}', /must be an absolute path/],
    ['{"virtualPath": "C:\\\\A", "backingPath": "C:\\\\X", "readOnly": "yes"}', /true or false/],
    [
      '{"virtualPath": "C:\\\\A", "backingPath": "C:\\\\X", "readonly": true}',
      /unknown property "readonly"/,
    ],
    ['{"virtualPath": "C:\\\\A", "backingPath": "C:\\\\A\\\\X|Y"}', /"backingPath": /],
    ['{"virtualPath": "C:\\\\A"}', /"backingPath" is missing/],
  ];
  // get looks only at the virtual path; what makes a link (its backing path) is test's and set's.
  const forGet = cases.slice(0, -2);
  for (const operation of ["get", "test", "set"]) {
    for (const [input, expected] of operation === "get" ? forGet : cases) {
      let stdout = "";
      let stderr = "";
      const code = await main(["dsc", operation], {
        stdout: (s) => stdout += s,
        stderr: (s) => stderr += s,
        stdin: () => Promise.resolve(input),
        platform: t.double.api.platform,
      });
      assert.equal(code, 2, `${operation} ${input}: ${stderr}`);
      assert.equal(stdout, "");
      const lines = stderr.trim().split("\n").map((l) => JSON.parse(l));
      assert.equal(lines.length, 1);
      assert.match(lines[0].error, expected, `${operation} ${input}`);
      assert.match(lines[0].error, /nothing was changed/);
    }
  }
  assert.equal(t.double.linkCalls().length, before, "no call reached the DLL");
  assert.equal(t.double.linkCount(), 1);
  // Export: empty input is "all links"; anything else must be an instance.
  assert.equal((await t.resource.export()).length, 1);
  for (
    const [input, expected] of [["not json", /not JSON/], ['{"virtualPath": "x"}', /absolute/]]
  ) {
    let stderr = "";
    const code = await main(["dsc", "export"], {
      stdout: () => {},
      stderr: (s) => stderr += s,
      stdin: () => Promise.resolve(input as string),
      platform: t.double.api.platform,
    });
    assert.equal(code, 2, stderr);
    assert.match(JSON.parse(stderr).error, expected as RegExp);
  }
});

Deno.test("dsc on Windows: a failed set is exit 1 with the reason, and the old link stays", async () => {
  await using t = await setUp();
  await t.resource.set(LINK);
  t.double.script("create", 0x80070005); // E_ACCESSDENIED for the replacement
  const error = await t.resource.set({ ...LINK, backingPath: "C:\\Elsewhere" }).catch((e) => e);
  assert.ok(error instanceof ResourceError, String(error));
  assert.equal(error.code, 1);
  assert.match(error.meaning!, /^Error/);
  assert.match(error.errors.join("\n"), /access/i);
  assert.deepEqual(
    (await t.resource.get(LINK)).backingPath,
    "D:\\Configs\\Staging",
    "the replaced link was put back",
  );
});

Deno.test("dsc on Windows: the example document's resources, set in dependsOn order, then tested", async () => {
  await using t = await setUp();
  const document = exampleDocument("windows");
  // The double answers as bindflt does: exceptions need a virtual path that exists.
  for (const r of document.resources) {
    if ((r.properties.exceptions as string[] | undefined)?.length) {
      t.double.addExisting(r.properties.virtualPath as string);
    }
  }
  const order = dependencyOrder(document.resources);
  for (const r of order) {
    const { after } = await t.resource.set(r.properties);
    assert.equal(after._exist, true, r.name);
  }
  const created = t.double.linkCalls().filter((c) => c.fn === "CreateBindLink");
  assert.deepEqual(
    created.map((c) => c.virtualPath),
    order.map((r) => r.properties.virtualPath),
    "made in dependsOn order",
  );
  for (const r of document.resources) {
    assert.equal((await t.resource.test(r.properties))._inDesiredState, true, r.name);
  }
  assert.equal((await t.resource.export()).length, document.resources.length);
});

Deno.test("dsc on Windows: exceptions are recorded, so test sees a changed list and set applies it", async () => {
  await using t = await setUp();
  t.double.addExisting("C:\\Build\\Deps");
  const want = {
    virtualPath: "C:\\Build\\Deps",
    backingPath: "D:\\Deps\\v42",
    merged: true,
    exceptions: ["C:\\Build\\Deps\\local"],
  };
  const made = await t.resource.set(want);
  assert.deepEqual(made.after.exceptions, ["C:\\Build\\Deps\\local"]);
  assert.equal((await t.resource.test(want))._inDesiredState, true);
  const other = { ...want, exceptions: ["C:\\Build\\Deps\\cache"] };
  assert.equal((await t.resource.test(other))._inDesiredState, false, "a changed list differs");
  const changed = await t.resource.set(other);
  assert.deepEqual(changed.after.exceptions, ["C:\\Build\\Deps\\cache"]);
  const last = t.double.linkCalls().at(-1)!;
  assert.equal(last.fn, "CreateBindLink");
  assert.equal((await t.resource.test(other))._inDesiredState, true);
  // A link made by someone else (the double called directly): its exceptions are unknown.
  assert.equal(t.double.rawCreate("C:\\Other", "D:\\Data"), 0);
  assert.deepEqual((await t.resource.get({ virtualPath: "C:\\Other" })).exceptions, []);
  // Removed with _exist false: the record goes with the link.
  await t.resource.set({ virtualPath: want.virtualPath, _exist: false });
  assert.deepEqual([...Deno.readDirSync(path.join(t.dir, "links"))], []);
});
