/**
 * Starts the manifest end-to-end suite (apply, status, down, run, kills) in a private mount
 * namespace, where nothing it mounts can leak onto the machine. Where that cannot work it is
 * reported as ignored, with the reason in the test's name.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

function skipReason(): string | undefined {
  if (Deno.build.os !== "linux") return "Linux only";
  if (Deno.uid() !== 0) return "needs root for mounts; run the tests as root";
  for (const tool of ["unshare", "setsid", "umount"]) {
    try {
      new Deno.Command(tool, { args: ["--version"], stdout: "null", stderr: "null" }).outputSync();
    } catch {
      return `needs ${tool} (util-linux)`;
    }
  }
  return undefined;
}

const reason = skipReason();
// The DSC resource's end-to-end file runs here too: it needs the same namespace and flags.
const inner = ["./e2e_in_namespace.ts", "../dsc/e2e_in_namespace.ts"]
  .map((file) => fileURLToPath(new URL(file, import.meta.url)));

Deno.test({
  name: reason
    ? `manifest end-to-end suite (skipped: ${reason})`
    : "manifest end-to-end suite: apply, status, down, run and kills, in a private mount namespace",
  ignore: reason !== undefined,
  async fn() {
    const scratch = await Deno.makeTempDir({ prefix: "bindlink-manifest-e2e-" });
    const { code, stdout, stderr } = await new Deno.Command("unshare", {
      args: ["-m", "--propagation", "private", Deno.execPath(), "test", "--allow-all", ...inner],
      env: {
        NO_COLOR: "1",
        BINDLINK_E2E_IN_PRIVATE_NAMESPACE: "1",
        BINDLINK_E2E_SCRATCH: scratch,
      },
      // A hang must end as a failure of this test, not as a suite that never ends.
      signal: AbortSignal.timeout(10 * 60_000),
    }).output().finally(() => Deno.remove(scratch, { recursive: true }));
    const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    console.log(text.replace(/^/gm, "    | "));
    const summary = /^(ok|FAILED) \| (\d+) passed \| (\d+) failed/m.exec(text);
    assert.ok(summary, "the end-to-end suite printed no summary");
    assert.ok(Number(summary[2]) > 0, "the end-to-end suite ran no test");
    assert.equal(code, 0, `the end-to-end suite failed: ${summary[0]}`);
  },
});
