/**
 * `deno task bench`: builds the C baselines, then runs the bench as root inside
 * `unshare -m --propagation private` on a fresh tmpfs, so nothing it mounts can reach the
 * machine's mounts. Prints one table; exits 1 when a target fails.
 *
 * Set BINDLINK_BENCH_QUICK=1 for smaller counts (a quick look, not the numbers to quote).
 *
 * `deno task bench --profile <plain|merged|exceptions> [pairs] [live links]` instead runs one
 * loop of library pairs under `--cpu-prof` and prints where its time goes, by function;
 * `deno task bench --syscalls <variant> [pairs]` counts a pair's system calls, library and C;
 * `deno task bench --cli` runs section 4 (the CLI's start-up) alone, `--pairs` section 1.
 *
 * @module
 */
import { buildSharedLibrary } from "./build_c.ts";

function refuse(reason: string): never {
  console.error(`bench: ${reason}`);
  Deno.exit(2);
}

if (Deno.build.os !== "linux") refuse("the bench measures the Linux backend; run it on Linux");
if (Deno.uid() !== 0) refuse("mounting needs root; run it as root");
buildSharedLibrary("baseline");
const scratch = Deno.makeTempDirSync({ prefix: "bindlink-bench-" });
try {
  const inner = new URL("./in_namespace.ts", import.meta.url).pathname;
  const { code } = new Deno.Command("unshare", {
    args: [
      ...["-m", "--propagation", "private", Deno.execPath(), "run", "--allow-all", inner],
      ...Deno.args,
    ],
    env: { BINDLINK_BENCH_IN_PRIVATE_NAMESPACE: "1", BINDLINK_BENCH_SCRATCH: scratch },
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).outputSync();
  Deno.exitCode = code;
} catch (error) {
  if (error instanceof Deno.errors.NotFound) refuse("needs unshare (util-linux)");
  throw error;
} finally {
  Deno.removeSync(scratch, { recursive: true });
}
