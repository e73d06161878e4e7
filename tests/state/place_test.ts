/**
 * lib/state/place.ts and lib/manifest/session.ts: the manifest commands ask the platform where its state lives and
 * whether `run` gets a private namespace, never its name, so a third platform needs no edits
 * in lib/manifest/. Runs on the native double, on Linux and under Windows Deno.
 */
import assert from "node:assert/strict";
import { applyBindLinks } from "../../lib/manifest/apply.ts";
import { pruneBindLinks } from "../../lib/manifest/prune.ts";
import { runWithBindLinks } from "../../lib/manifest/run.ts";
import { folderStatePlace } from "../../lib/state/place.ts";
import { Double } from "../support/double.ts";
import { rejectsCode } from "../support/expect_error.ts";
import { overriding, spec, threeLinks } from "../manifest/support.ts";

Deno.test("a platform of another name keeps its lock and records where its statePlace says", async () => {
  using double = new Double();
  const dir = await Deno.makeTempDir({ prefix: "bindlink-third-" });
  try {
    const asked: string[] = [];
    const platform = overriding(double.api.platform, {
      name: "third",
      statePlace: async (request) => {
        asked.push(`${request.operation}:${request.forChange}:${request.stateDir}`);
        const place = await folderStatePlace(dir, request);
        return {
          ...place,
          prefix: `${request.recordPrefix}third.`,
          settle: () => Promise.resolve([{ path: `${dir}/made`, why: "the third platform's own" }]),
        };
      },
    });
    const applied = await applyBindLinks(threeLinks(), { platform });
    assert.equal(applied.changed, true);
    assert.ok(Deno.statSync(`${dir}/lock`).isFile, "the lock is in the platform's folder");
    const pruned = await pruneBindLinks({ platform, dryRun: true });
    assert.deepEqual(pruned.deleted, [{ path: `${dir}/made`, why: "the third platform's own" }]);
    // A dry prune looks once: the records and the leftovers come from one state place.
    assert.deepEqual(asked, ["apply:true:undefined", "prune:false:undefined"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a platform without a state place of its own needs stateDir, and says so", async () => {
  using double = new Double();
  const platform = overriding(double.api.platform, { name: "third", statePlace: undefined });
  const error = await rejectsCode(applyBindLinks(threeLinks(), { platform }), "not-supported");
  assert.match(error.message, /no state folder is set up for the third platform/);
  assert.equal(double.linkCalls().length, 0, "nothing was made");
});

Deno.test("run makes its links in place when the platform has no private namespace, whatever its name", async () => {
  using double = new Double();
  const stateDir = await Deno.makeTempDir({ prefix: "bindlink-run-" });
  try {
    const platform = overriding(double.api.platform, { name: "linux", privateRun: false });
    const code = await runWithBindLinks(
      [spec("C:\\Run", "D:\\Data")],
      [Deno.execPath(), "eval", "Deno.exit(3)"],
      platform,
      { stateDir },
    );
    assert.equal(code, 3);
    assert.deepEqual(
      double.linkCalls().map((c) => `${c.fn} ${c.virtualPath}`),
      ["CreateBindLink C:\\Run", "RemoveBindLink C:\\Run"],
    );
  } finally {
    await Deno.remove(stateDir, { recursive: true });
  }
});
