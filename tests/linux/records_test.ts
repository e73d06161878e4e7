/** Record names: one folder per name, no two paths share a record file. */
import assert from "node:assert/strict";
import { encodePath, LinkRecords } from "../../lib/linux/records.ts";

Deno.test("record files mirror the path, name by name", () => {
  const records = new LinkRecords("/run/bindlink/k/links");
  assert.equal(records.fileFor("/srv/app"), "/run/bindlink/k/links/_srv/=app");
  assert.equal(records.folderFor("/srv/app"), "/run/bindlink/k/links/_srv/_app");
  assert.equal(records.fileFor("/app"), "/run/bindlink/k/links/=app");
  assert.equal(encodePath("/"), "");
  assert.equal(encodePath("/a b/=c"), "_a b/_=c", "a name like a record's own");
  const long = "x".repeat(255);
  assert.match(
    records.fileFor(`/srv/${long}`),
    /^\/run\/bindlink\/k\/links\/_srv\/#[0-9a-f]{254}(\/\+[0-9a-f]+)+\/=$/,
    "a name too long for a marker: the record is = in its own folder",
  );
});

Deno.test("paths that FNV or truncation would confuse get different record files", () => {
  const long = "x".repeat(254);
  const paths = [
    "/a/b",
    "/a_b",
    "/a/_b",
    `/${long}`,
    `/${long}y`, // 255 bytes: too long for "_" + name, so hex in chunks
    `/${long}z`,
    `/${"é".repeat(127)}a`,
    `/${long}y/c`,
    "/+ab",
    "/#ab",
  ];
  const folders = new Set(paths.map((p) => encodePath(p)));
  assert.equal(folders.size, paths.length);
  const records = new LinkRecords("/s");
  const files = new Set(paths.map((p) => records.fileFor(p)));
  assert.equal(files.size, paths.length, "no two paths share a record file");
  for (const p of paths) {
    assert.ok(!folders.has(records.fileFor(p).slice(3)), "a record file is never a folder");
  }
  for (const p of paths) {
    for (const name of encodePath(p).split("/")) {
      assert.ok(new TextEncoder().encode(name).length <= 255, `${name.length} bytes`);
      assert.match(name, /^[_#+]/, "every mirror name starts with its marker");
    }
  }
  assert.match(encodePath(`/${long}y`), /^#[0-9a-f]{254}(\/\+[0-9a-f]+)+$/);
});

Deno.test({
  name: "records round-trip, below() sees only what is below, delete keeps the folders",
  ignore: Deno.build.os !== "linux", // records are read through libc
}, () => {
  const dir = Deno.makeTempDirSync();
  const records = new LinkRecords(`${dir}/links`);
  const write = (at: string) => {
    const file = records.prepare(at);
    const link = {
      virtualPath: at,
      backingPath: "/b",
      readOnly: false,
      merged: false,
      exceptions: [],
      createdAt: 0,
    };
    Deno.writeTextFileSync(
      file,
      JSON.stringify({
        version: 1,
        id: "i",
        operation: "create",
        pid: 1,
        start: "1",
        bootId: "b",
        startedAt: "",
        steps: { link, made: [] },
      }),
      { mode: 0o600 },
    );
  };
  const long = "y".repeat(255);
  write("/srv/app");
  write("/srv/app/cache/x");
  write("/srv/other");
  write(`/srv/app/${long}`);
  write(`/srv/app/${long}/z`);
  assert.equal(records.read("/srv/app")?.steps.link.virtualPath, "/srv/app");
  assert.equal(records.read("/srv"), undefined);
  assert.equal(records.read(`/srv/app/${long}`)?.steps.link.virtualPath, `/srv/app/${long}`);
  const below = (at: string) => records.below(at).map((r) => r.steps.link.virtualPath).sort();
  assert.deepEqual(below("/srv/app"), [
    "/srv/app/cache/x",
    `/srv/app/${long}`,
    `/srv/app/${long}/z`,
  ]);
  assert.deepEqual(below(`/srv/app/${long}`), [`/srv/app/${long}/z`], "not its own record");
  assert.deepEqual(below("/nowhere"), []);
  assert.equal(records.all().length, 5);
  records.delete("/srv/app/cache/x");
  assert.equal(records.read("/srv/app/cache/x"), undefined);
  assert.deepEqual(Deno.readDirSync(`${dir}/links/_srv/_app/_cache`).toArray(), [], "kept, empty");
  assert.ok(Deno.statSync(`${dir}/links/_srv/=app`).isFile, "the parent's record stays");
  Deno.writeTextFileSync(records.fileFor("/srv/other"), '{"torn');
  assert.equal(records.read("/srv/other"), undefined, "a torn record reads as none");
});
