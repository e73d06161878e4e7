/** lib/state/state_files.ts: the record file operations through Deno, missing files as answers. */
import assert from "node:assert/strict";
import { denoStateFiles as files } from "../../lib/state/state_files.ts";

Deno.test("denoStateFiles writes, reads, renames, lists and removes records", () => {
  const dir = Deno.makeTempDirSync();
  try {
    assert.equal(files.read(`${dir}/a.json`), undefined, "a missing record is an answer");
    files.writeText(`${dir}/a.tmp`, "{}");
    if (Deno.build.os !== "windows") {
      assert.equal(Deno.statSync(`${dir}/a.tmp`).mode! & 0o077, 0, "no one else may read it");
    }
    files.rename(`${dir}/a.tmp`, `${dir}/a.json`);
    assert.equal(files.read(`${dir}/a.json`), "{}");
    assert.deepEqual(files.names(dir), ["a.json"]);
    assert.equal(files.remove(`${dir}/a.json`), true);
    assert.equal(files.remove(`${dir}/a.json`), false, "nothing left to remove");
    assert.deepEqual(files.names(`${dir}/none`), [], "a missing folder has no names");
    let missing: unknown;
    try {
      files.rename(`${dir}/none.tmp`, `${dir}/none.json`);
    } catch (error) {
      missing = error;
    }
    assert.ok(files.isNotFound(missing), "a rename of nothing is told as not found");
    assert.equal(files.isNotFound(new Error("other")), false);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
