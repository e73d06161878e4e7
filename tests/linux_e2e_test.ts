/**
 * The Linux end-to-end suite runs in a private mount namespace, so nothing it mounts can leak
 * onto the machine. This file starts it there; where that cannot work it is reported as
 * ignored, with the reason in the test's name, never silently passed.
 *
 * The files inside run with the documented flags (`--allow-ffi --allow-read --allow-write`),
 * plus only what the tests themselves need: running mount/umount/setpriv/cp/deno and reading
 * the two variables that point them at their scratch folder. The CLI they start gets exactly
 * the documented flags.
 *
 * The parts of the Linux backend that act only on real mounts have their tests here, since
 * real mounts exist only in that namespace: lib/linux/creation.ts (with create_run.ts, the
 * state its steps share), create_paths.ts, create_checks.ts, place_checks.ts, made_paths.ts,
 * link_tree.ts, link_assembly.ts (its staging route too: e2e_nesting.ts), overlay_assembly.ts
 * and upper_layers.ts (create, e2e_in_namespace.ts, e2e_create_checks.ts, e2e_race.ts),
 * removal.ts,
 * overlay_leftovers.ts and link_state.ts (remove, e2e_nesting.ts, e2e_attacks_cleanup.ts,
 * e2e_attacks_mounts.ts), recovery.ts (e2e_recovery.ts, e2e_concurrency.ts), listing.ts,
 * dry_check.ts and failure.ts (list, --dry-run and the CLI's words, e2e_in_namespace.ts,
 * e2e_create_checks.ts, e2e_cli_messages.ts).
 */
import { fileURLToPath } from "node:url";
import { assertSuitePassed } from "./support/suite_output.ts";

function skipReason(): string | undefined {
  if (Deno.build.os !== "linux") return "Linux only";
  if (Deno.uid() !== 0) return "needs root for mounts; run the tests as root";
  try {
    new Deno.Command("unshare", { args: ["--version"], stdout: "null" }).outputSync();
  } catch {
    return "needs unshare (util-linux)";
  }
  return undefined;
}

const reason = skipReason();
const files = [
  "e2e_in_namespace.ts",
  "e2e_nesting.ts",
  "e2e_concurrency.ts",
  "e2e_recovery.ts",
  "e2e_race.ts",
  "e2e_attacks_cleanup.ts",
  "e2e_attacks_settle.ts",
  "e2e_create_checks.ts",
  "e2e_cli_messages.ts",
  "e2e_state_trust.ts",
  "e2e_utf8.ts",
  "e2e_attacks_mounts.ts",
].map((name) => fileURLToPath(new URL(`./linux/${name}`, import.meta.url)));

Deno.test({
  name: reason
    ? `Linux end-to-end suite (skipped: ${reason})`
    : "Linux end-to-end suite, CLI and library down to the kernel, in a private mount namespace",
  ignore: reason !== undefined,
  async fn() {
    const scratch = await Deno.makeTempDir({ prefix: "bindlink-e2e-" });
    const tools = [
      "mount",
      "umount",
      "setpriv",
      "chmod",
      "sh",
      "kill",
      "mknod",
      "unshare",
      "cp",
      "mv",
      "rm",
      "setsid",
      "chown",
      "ln",
      "mkdir",
      "cc",
      Deno.execPath(),
    ];
    const output = await new Deno.Command("unshare", {
      args: [
        "-m",
        "--propagation",
        "private",
        Deno.execPath(),
        "test",
        "--allow-ffi",
        "--allow-read",
        "--allow-write",
        `--allow-run=${tools.join(",")}`,
        "--allow-env=BINDLINK_E2E_IN_PRIVATE_NAMESPACE,BINDLINK_E2E_SCRATCH,BINDLINK_E2E_ONLY",
        "--no-prompt",
        ...files.filter((file) => {
          const only = Deno.env.get("BINDLINK_E2E_ONLY");
          return !only || file.includes(only);
        }),
      ],
      env: {
        NO_COLOR: "1",
        BINDLINK_E2E_IN_PRIVATE_NAMESPACE: "1",
        BINDLINK_E2E_SCRATCH: scratch,
      },
    }).output().finally(() => Deno.remove(scratch, { recursive: true }));
    assertSuitePassed(output);
  },
});
