import assert from "node:assert/strict";
import { pathExists } from "../lib/path_exists.ts";

Deno.test("pathExists: a file and a folder exist, a missing name does not", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/f,ro`, "");
    assert.equal(pathExists(dir), true);
    assert.equal(pathExists(`${dir}/f,ro`), true);
    assert.equal(pathExists(`${dir}/missing`), false);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
