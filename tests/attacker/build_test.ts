import assert from "node:assert/strict";
import { buildAttacker } from "./build.ts";

Deno.test({
  name: "the exchange attacker swaps two names and counts its swaps",
  ignore: Deno.build.os !== "linux",
  fn() {
    const dir = Deno.makeTempDirSync();
    try {
      Deno.writeTextFileSync(`${dir}/a`, "A");
      Deno.mkdirSync(`${dir}/b`);
      const out = new Deno.Command(buildAttacker("exchange"), { args: [dir, "a", "b", "1"] })
        .outputSync();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      const swaps = Number(new TextDecoder().decode(out.stdout).trim());
      assert.ok(swaps > 0, `swaps: ${swaps}`);
      // An odd count leaves the names swapped, an even one as they were.
      assert.equal(Deno.statSync(`${dir}/a`).isDirectory, swaps % 2 === 1);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
