/**
 * Starts the manifest end-to-end suite (apply, status, down, run, kills) in a private mount
 * namespace, where nothing it mounts can leak onto the machine. Where that cannot work it is
 * reported as ignored, with the reason in the test's name.
 *
 * `bindlink run` is tested here, in a real namespace: lib/manifest/run.ts with
 * lib/linux/terminal.ts (Ctrl+C through a pseudo-terminal) and lib/linux/parent_death.ts (the
 * command ends when bindlink is killed) in run_signals_in_namespace.ts.
 */
import { fileURLToPath } from "node:url";
import { assertSuitePassed } from "../support/suite_output.ts";

function missingTool(tools: readonly string[]): string | undefined {
  for (const tool of tools) {
    try {
      new Deno.Command(tool, { args: ["--version"], stdout: "null", stderr: "null" }).outputSync();
    } catch {
      return `needs ${tool} (util-linux)`;
    }
  }
  return undefined;
}

function skipReason(): string | undefined {
  if (Deno.build.os !== "linux") return "Linux only";
  if (Deno.uid() !== 0) return "needs root for mounts; run the tests as root";
  return missingTool(["unshare", "setsid", "umount"]);
}

const reason = skipReason();

/** The suites, each run in a namespace and on a scratch folder of its own. */
const SUITES = [
  {
    file: "./e2e_in_namespace.ts",
    what: "apply, status, down, run and kills",
    tools: [],
  },
  {
    file: "./run_signals_in_namespace.ts",
    what: "run's Ctrl+C through a terminal, kill -INT and kill -9",
    tools: ["script", "setpriv"],
  },
  {
    file: "./dry_run_in_namespace.ts",
    what: "apply --dry-run failing as apply fails",
    tools: ["setpriv"],
  },
  {
    file: "../dsc/e2e_in_namespace.ts",
    what: "the DSC resource as dsc calls it",
    tools: [],
  },
];

for (const suite of SUITES) {
  const inner = fileURLToPath(new URL(suite.file, import.meta.url));
  const why = reason ?? missingTool(suite.tools);
  Deno.test({
    name: why
      ? `manifest end-to-end suite, ${suite.what} (skipped: ${why})`
      : `manifest end-to-end suite: ${suite.what}, in a private mount namespace`,
    ignore: why !== undefined,
    async fn() {
      const scratch = await Deno.makeTempDir({ prefix: "bindlink-manifest-e2e-" });
      const output = await new Deno.Command("unshare", {
        args: ["-m", "--propagation", "private", Deno.execPath(), "test", "--allow-all", inner],
        env: {
          NO_COLOR: "1",
          BINDLINK_E2E_IN_PRIVATE_NAMESPACE: "1",
          BINDLINK_E2E_SCRATCH: scratch,
        },
        // A hang must end as a failure of this test, not as a suite that never ends.
        signal: AbortSignal.timeout(10 * 60_000),
      }).output().finally(() => Deno.remove(scratch, { recursive: true }));
      assertSuitePassed(output);
    },
  });
}
