/**
 * The plain functions reach this system's platform with their arguments and options. On Linux
 * only refusals are asked for, so nothing is mounted; on Windows tests/windows/loader_test.ts
 * drives them against the DLL in System32.
 */
import assert from "node:assert/strict";
import {
  createBindLink,
  createBindLinkSync,
  listBindLinks,
  listBindLinksSync,
  removeBindLink,
  removeBindLinkSync,
} from "../mod.ts";
import { rejectsCode, throwsCode } from "./support/expect_error.ts";

const ignore = Deno.build.os !== "linux";

Deno.test({
  name: "create and createBindLinkSync: Linux's refusals, with the paths and options given",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const missing = await rejectsCode(createBindLink(dir, `${dir}/missing`), "not-found");
      assert.match(missing.message, /the backing path does not exist/);
      const parent = throwsCode(() => createBindLinkSync(`${dir}/no/v`, dir), "not-found");
      assert.match(parent.message, /the virtual path's parent folder .*\/no does/);
      throwsCode(
        () => createBindLinkSync(dir, `${dir}/b`, { exceptions: ["/elsewhere"] }),
        "invalid-path",
      );
      assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing was made");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "removeBindLink and removeBindLinkSync ask Linux, which has no link at a plain folder",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const error = await rejectsCode(removeBindLink(dir), "not-found");
      assert.match(error.message, /there is no bind link at this path/);
      throwsCode(() => removeBindLinkSync(dir), "not-found");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "listBindLinks and listBindLinksSync pass their path on: an empty one is refused",
  ignore,
  async fn() {
    await rejectsCode(listBindLinks({ path: "" }), "invalid-path");
    throwsCode(() => listBindLinksSync({ path: "" }), "invalid-path");
    assert.ok(Array.isArray(await listBindLinks()));
    assert.ok(Array.isArray(listBindLinksSync()));
  },
});
