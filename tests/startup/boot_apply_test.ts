/** The boot apply over the native double: success, and a failing link named in the log. */
import assert from "node:assert/strict";
import { bootApply } from "../../lib/startup/boot_apply.ts";
import { readBootLog } from "../../lib/startup/boot_log.ts";
import type { LinkSpec } from "../../lib/platform.ts";
import { Double } from "../support/double.ts";

const E_ACCESSDENIED = 0x80070005;

function spec(virtualPath: string, backingPath: string): LinkSpec {
  return { virtualPath, backingPath, readOnly: false, merged: false, exceptions: [] };
}

async function withSetUp(fn: (t: { double: Double; dir: string }) => Promise<void>) {
  const double = new Double();
  const dir = await Deno.makeTempDir({ prefix: "bindlink-bootapply-" });
  try {
    await fn({ double, dir });
  } finally {
    double[Symbol.dispose]();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("boot apply makes the links and logs success", () =>
  withSetUp(async ({ double, dir }) => {
    const log = await bootApply(
      { file: "C:\\ProgramData\\bindlink\\startup.json", links: [spec("C:\\A", "C:\\B")] },
      {
        platform: double.api.platform,
        logFile: `${dir}/boot-log.json`,
        stateDir: `${dir}/state`,
        reachable: () => true,
      },
    );
    assert.equal(log.exitCode, 0);
    assert.deepEqual(
      double.linkCalls().filter((c) => c.fn === "CreateBindLink").map((c) => c.virtualPath),
      ["C:\\A"],
    );
    assert.equal(readBootLog(`${dir}/boot-log.json`).state, "succeeded");
  }));

Deno.test("a link that fails at boot is named with its error; the others are marked not made", () =>
  withSetUp(async ({ double, dir }) => {
    double.script("create", E_ACCESSDENIED);
    const log = await bootApply(
      { file: "startup.json", links: [spec("C:\\A", "C:\\B"), spec("C:\\C", "C:\\D")] },
      {
        platform: double.api.platform,
        logFile: `${dir}/boot-log.json`,
        stateDir: `${dir}/state`,
        reachable: () => true,
      },
    );
    assert.equal(log.exitCode, 1);
    const byPath = Object.fromEntries(log.failed.map((f) => [f.virtual, f]));
    assert.equal(byPath["C:\\A"].code, "access-denied");
    assert.equal(byPath["C:\\C"].code, "not-made");
    assert.match(byPath["C:\\C"].message, /C:\\A failed/);
    assert.equal(double.linkCount(), 0, "all or nothing: nothing is left");
  }));
