/** The platform loaded on demand is this OS's, and sees the links the blocking one sees. */
import assert from "node:assert/strict";
import { loadDefaultPlatform } from "../lib/load_platform.ts";
import { defaultPlatform } from "../mod.ts";

Deno.test("the loaded platform follows the OS Deno was built for", async () => {
  const platform = await loadDefaultPlatform();
  const expected: Record<string, string> = { windows: "windows", linux: "linux" };
  assert.equal(platform.name, expected[Deno.build.os] ?? "unsupported");
  platform.close();
});

Deno.test({
  name: "on Linux it lists what the blocking platform lists, and paths follow Linux's rules",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const loaded = await loadDefaultPlatform();
    const blocking = defaultPlatform();
    try {
      assert.deepEqual(await loaded.list(), blocking.listSync());
      assert.ok(!loaded.paths.same("/srv/A", "/srv/a"), "names differ by case");
    } finally {
      loaded.close();
      blocking.close();
    }
  },
});
