/**
 * `deno task bench --profile <variant> [pairs] [live]`: one loop of library create+remove
 * pairs (bench/children/pair_loop.ts) under `deno run --cpu-prof`, then where its time went.
 * Runs inside the bench's private mount namespace, like the bench.
 *
 * @module
 */
import { printProfile, summarizeProfile } from "./cpu_profile.ts";

/** Profiles `pairs` pairs of `variant` with `live` other links, in `scratch`, and prints it. */
export function profilePairs(scratch: string, variant: string, pairs: number, live: number): void {
  const repo = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const dir = `${scratch}/profile`;
  Deno.mkdirSync(dir, { recursive: true });
  const loop = new URL("./children/pair_loop.ts", import.meta.url).pathname;
  if (live > 0) {
    // The live links are made by another process, so the profile shows the loop alone.
    const fill = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", loop, `${dir}/work`, variant, "0", String(live)],
      stdout: "inherit",
      stderr: "inherit",
    }).outputSync();
    if (!fill.success) throw new Error("making the live links failed");
  }
  const out = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--cpu-prof",
      `--cpu-prof-dir=${dir}/out`,
      "--cpu-prof-interval=100",
      loop,
      `${dir}/work`,
      variant,
      String(pairs),
      "0",
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).outputSync();
  if (!out.success) throw new Error("the profiled loop failed");
  const [file] = [...Deno.readDirSync(`${dir}/out`)].map((e) => `${dir}/out/${e.name}`);
  console.log(
    `(the profile covers the loop's whole process, start-up included; ${live} live links)`,
  );
  printProfile(summarizeProfile(file, repo), pairs, "pair");
}
