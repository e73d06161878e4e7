/**
 * The bench itself, started by main.ts inside a private mount namespace: a tmpfs over the
 * scratch folder and one over /run (the CLI's default state folder) keep every mount and
 * every record inside that namespace, gone when it ends.
 *
 * @module
 */
import { buildSharedLibrary } from "./build_c.ts";
import { CBaseline } from "./c_baseline.ts";
import { type BenchContext, errorText } from "./context.ts";
import { printReport, type Row } from "./report.ts";
import { profilePairs } from "./profile.ts";

// Mounting over /run outside a private namespace would hurt the machine; only main.ts,
// which starts this file under unshare, sets this.
if (Deno.env.get("BINDLINK_BENCH_IN_PRIVATE_NAMESPACE") !== "1") {
  throw new Error("run bench/main.ts (deno task bench), which starts this file under unshare");
}
const scratch = Deno.env.get("BINDLINK_BENCH_SCRATCH")!;

function sh(cmd: string, ...args: string[]): void {
  const out = new Deno.Command(cmd, { args, stderr: "piped" }).outputSync();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

sh("mount", "-t", "tmpfs", "bindlink-bench", scratch);
sh("mount", "-t", "tmpfs", "bindlink-bench-run", "/run");

if (Deno.args[0] === "--syscalls") {
  const [variant = "plain", pairs = "500"] = Deno.args.slice(1);
  (await import("./syscalls.ts")).countSyscalls(scratch, variant, Number(pairs));
  Deno.exit(0);
}
if (Deno.args[0] === "--profile") {
  const [variant = "plain", pairs = "2000", live = "0"] = Deno.args.slice(1);
  profilePairs(scratch, variant, Number(pairs), Number(live));
  Deno.exit(0);
}

using baseline = new CBaseline(buildSharedLibrary("baseline"), `${scratch}/c-state`);
const context: BenchContext = {
  scratch,
  baseline,
  repo: new URL("..", import.meta.url).pathname.replace(/\/$/, ""),
  deno: Deno.execPath(),
  quick: Deno.env.get("BINDLINK_BENCH_QUICK") === "1",
};

const kernel = new TextDecoder().decode(
  new Deno.Command("uname", { args: ["-r"] }).outputSync().stdout,
)
  .trim();
console.log(
  `bindlink bench: Linux ${kernel}, ${navigator.hardwareConcurrency} CPUs, Deno ${Deno.version.deno}` +
    `${context.quick ? ", QUICK counts" : ""}; medians over interleaved rounds\n`,
);

const sections = new Map<string, Row[]>();
// Sections are imported when run: a library module that does not load (a tree mid-change)
// makes its sections' rows errors, and the others still run.
const run = async (label: string, rows: () => Promise<Row[]>) => {
  const start = performance.now();
  try {
    sections.set(label, await rows());
  } catch (error) {
    sections.set(label, [{ name: "section", measured: "", error: errorText(error, scratch) }]);
  }
  console.error(`  ${label} done in ${((performance.now() - start) / 1000).toFixed(1)} s`);
};
// `--cli` runs section 4 alone (the start-up rows), `--pairs` section 1 (one pair of each
// variant against C): a look while working on them.
const only = ({ "--cli": "4 CLI", "--pairs": "1 pair" } as Record<string, string>)[Deno.args[0]];
const section = (label: string, rows: () => Promise<Row[]>) =>
  only === undefined || only === label ? run(label, rows) : Promise.resolve();
// The 3000-link section runs last: the links it leaves are torn down with the namespace.
await section("1 pair", async () => (await import("./library_pairs.ts")).pairRows(context));
await section("3 many", async () => (await import("./processes.ts")).manyLinksRows(context));
await section("4 CLI", async () => (await import("./processes.ts")).cliRows(context));
await section("5 state", async () => (await import("./state_costs.ts")).stateRows(context));
await section("2 scale", async () => (await import("./library_pairs.ts")).scaleRows(context));

const ordered = new Map([...sections].sort(([a], [b]) => a.localeCompare(b)));
console.log("");
const failures = printReport(ordered);
console.log(`\n${failures ? `${failures} target(s) not met` : "every target met"}`);
Deno.exit(failures ? 1 : 0);
