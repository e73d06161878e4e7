/** Record names: one folder per name, no two paths share a record file. */
import assert from "node:assert/strict";
import { encodePath, LinkRecords } from "../../lib/linux/records.ts";

Deno.test("record files mirror the path, name by name", () => {
  const records = new LinkRecords("/run/bindlink/k/links");
  assert.equal(records.fileFor("/srv/app"), "/run/bindlink/k/links/_srv/_app/link.json");
  assert.equal(encodePath("/"), "");
  assert.equal(encodePath("/a b/link.json"), "_a b/_link.json", "a name like the record's own");
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
  const files = new Set(paths.map((p) => encodePath(p)));
  assert.equal(files.size, paths.length);
  for (const p of paths) {
    for (const name of encodePath(p).split("/")) {
      assert.ok(new TextEncoder().encode(name).length <= 255, `${name.length} bytes`);
      assert.match(name, /^[_#+]/, "every mirror name starts with its marker");
    }
  }
  assert.match(encodePath(`/${long}y`), /^#[0-9a-f]{254}(\/\+[0-9a-f]+)+$/);
});

Deno.test({
  name: "records round-trip, below() sees only what is below, delete prunes empty folders",
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
    );
  };
  write("/srv/app");
  write("/srv/app/cache/x");
  write("/srv/other");
  assert.equal(records.read("/srv/app")?.steps.link.virtualPath, "/srv/app");
  assert.equal(records.read("/srv"), undefined);
  assert.deepEqual(records.below("/srv/app").map((r) => r.steps.link.virtualPath), [
    "/srv/app/cache/x",
  ]);
  assert.deepEqual(records.below("/nowhere"), []);
  assert.equal(records.all().length, 3);
  records.delete("/srv/app/cache/x");
  assert.throws(() => Deno.statSync(`${dir}/links/_srv/_app/_cache`), Deno.errors.NotFound);
  assert.ok(Deno.statSync(`${dir}/links/_srv/_app/link.json`).isFile, "the parent's record stays");
  Deno.writeTextFileSync(records.fileFor("/srv/other"), '{"torn');
  assert.equal(records.read("/srv/other"), undefined, "a torn record reads as none");
});
