/**
 * The record files of lib/windows/record_files.ts, called directly: through kernel32 on
 * Windows (under Wine here), through Deno's file API off Windows. Each name is read, written
 * whole and deleted; a folder that cannot be made is a BindLinkError that says so.
 */
import assert from "node:assert/strict";
import { BindLinkError } from "../../mod.ts";
import {
  folderRecordFiles,
  kernel32RecordFiles,
  type RecordFiles,
} from "../../lib/windows/record_files.ts";

const isWindows = Deno.build.os === "windows";

/** This OS's record files in a fresh temporary folder's `links`, which does not exist yet. */
function setUp() {
  const dir = Deno.makeTempDirSync({ prefix: "bindlink-record-files-" });
  const separator = isWindows ? "\\" : "/";
  const folder = `${dir}${separator}links`;
  const files: RecordFiles = (isWindows ? kernel32RecordFiles : folderRecordFiles)(folder);
  return {
    dir,
    folder,
    files,
    names: () => [...Deno.readDirSync(folder)].map((entry) => entry.name).sort(),
    [Symbol.dispose]: () => Deno.removeSync(dir, { recursive: true }),
  };
}

Deno.test("a record file is written whole, read back, replaced and deleted by name", () => {
  using t = setUp();
  assert.equal(t.files.read("a.json"), undefined, "none yet, and no folder");
  t.files.write("a.json", '{"first":1}');
  assert.equal(t.files.read("a.json"), '{"first":1}');
  t.files.write("a.json", '{"second":"longer than the first"}');
  assert.equal(t.files.read("a.json"), '{"second":"longer than the first"}');
  t.files.write("b.json", "ünïcode ✓");
  assert.equal(t.files.read("b.json"), "ünïcode ✓");
  assert.deepEqual(t.names(), ["a.json", "b.json"], "no temporary file is left behind");
  t.files.remove("a.json");
  assert.equal(t.files.read("a.json"), undefined);
  assert.deepEqual(t.names(), ["b.json"]);
  t.files.remove("a.json"); // none is fine
});

Deno.test("a records folder that cannot be made is a BindLinkError about the record", () => {
  using t = setUp();
  Deno.writeTextFileSync(t.folder, "a file where the folder should be");
  const error = (() => {
    try {
      t.files.write("a.json", "{}");
    } catch (error) {
      return error;
    }
  })();
  assert.ok(error instanceof BindLinkError, String(error));
  assert.equal(error.operation, "create");
  assert.match(error.message, /record of the link's exceptions/);
  assert.equal(t.files.read("a.json"), undefined);
});
