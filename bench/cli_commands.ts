/**
 * Section 4's command rows: `list` (nothing to list), `status` (one live link), `create` and
 * `remove`, each a whole `deno run` of cli.ts against an empty `deno run` with the same flags,
 * interleaved, with each process's peak memory beside the empty run's.
 *
 * @module
 */
import { buildExecutable } from "./build_c.ts";
import { type BenchContext, errorText } from "./context.ts";
import { interleaveSteps } from "./processes.ts";
import { median } from "./measure.ts";
import { ms, type Row } from "./report.ts";

function mib(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}

/** The median over `runs` of `argv`'s peak resident set, in KiB, through bench/c/peak_rss.c. */
function peakKiB(argv: readonly string[], runs = 3): number {
  const peak = buildExecutable("peak_rss");
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = new Deno.Command(peak, { args: [...argv], stdout: "piped", stderr: "piped" })
      .outputSync();
    if (!out.success) throw new Error(`${argv.slice(1).join(" ")} exited ${out.code}`);
    samples.push(Number(new TextDecoder().decode(out.stdout).trim()));
  }
  return median(samples);
}

/** The rows, measured with `flags` (the documented ones, or --allow-all when they fail). */
export function commandRows(
  context: BenchContext,
  flags: readonly string[],
  rounds: number,
): Row[] {
  const deno = [context.deno, "run", ...flags];
  const cli = `${context.repo}/cli.ts`;
  const empty = new URL("./children/empty.ts", import.meta.url).pathname;
  const modules = new URL("./children/command_modules.ts", import.meta.url).pathname;
  const dir = `${context.scratch}/cli-commands/${flags.length}`;
  const rows: Row[] = [];
  try {
    Deno.mkdirSync(`${dir}/virtual`, { recursive: true });
    Deno.mkdirSync(`${dir}/backing`);
    Deno.mkdirSync(`${dir}/manifest/app`, { recursive: true });
    Deno.mkdirSync(`${dir}/manifest/release`);
    const manifest = `${dir}/manifest/bindlink.json`;
    Deno.writeTextFileSync(
      manifest,
      JSON.stringify({ links: [{ virtual: "app", backing: "release" }] }),
    );
    // list first, while bindlink has nothing to list; the manifest's link then stays live
    // for status, which exits 0 only when every link is as described.
    const before = interleaveSteps(context, rounds, {
      empty: [[...deno, empty]],
      list: [[...deno, cli, "list"]],
      listModules: [[...deno, modules, "list"]],
    });
    const { code, stderr } = new Deno.Command(context.deno, {
      args: ["run", ...flags, cli, "apply", "-f", manifest],
      stdout: "null",
      stderr: "piped",
    }).outputSync();
    if (code !== 0) throw new Error(`apply: ${new TextDecoder().decode(stderr).trim()}`);
    const after = interleaveSteps(context, rounds, {
      empty: [[...deno, empty]],
      status: [[...deno, cli, "status", "-f", manifest]],
      change: [
        [...deno, cli, "create", `${dir}/virtual`, `${dir}/backing`],
        [...deno, cli, "remove", `${dir}/virtual`],
      ],
      changeModules: [[...deno, modules, "create"], [...deno, modules, "remove"]],
    });
    const measured = [
      { label: "list (nothing to list)", ms: before.list.total, base: before.empty.total },
      { label: "status (one live link)", ms: after.status.total, base: after.empty.total },
      { label: "create", ms: after.change.steps[0], base: after.empty.total },
      { label: "remove", ms: after.change.steps[1], base: after.empty.total },
    ];
    measured.forEach(({ label, ms: time, base }, i) => {
      rows.push({
        name: `bindlink ${label}`,
        measured: ms(time),
        baseline: `${ms(base)} empty deno run`,
        ratio: time / base,
        target: { op: "<=", limit: i < 2 ? 1.5 : 2 },
      });
    });
    const floors = [
      { label: "list", ms: before.listModules.total, base: before.empty.total },
      { label: "create", ms: after.changeModules.steps[0], base: after.empty.total },
      { label: "remove", ms: after.changeModules.steps[1], base: after.empty.total },
    ];
    rows.push({
      name: "floor: the modules of list / create / remove, none run",
      measured: floors.map((floor) => ms(floor.ms)).join(" / "),
      baseline: `${ms(after.empty.total)} empty deno run`,
      ratio: Math.max(...floors.map((floor) => floor.ms / floor.base)),
      note: "Information, no target: each command's modules loaded as the command loads " +
        "them (bench/children/command_modules.ts), with no function of theirs run and no " +
        `native symbol bound: ${
          floors.map((floor) => `${floor.label} ${(floor.ms / floor.base).toFixed(2)}x`)
            .join(", ")
        } of the empty run. A command cannot start faster; the rows above add its work, ` +
        "the functions it calls (V8 compiles each on every run: Deno caches a module's code " +
        "before running it) and its symbols (Deno compiles a trampoline for each).",
    });
    // Memory after the times, with the link still live: list and status see one link.
    const peaks = [
      peakKiB([...deno, cli, "list"]),
      peakKiB([...deno, cli, "status", "-f", manifest]),
    ];
    for (let i = 0; i < 3; i++) {
      const create = peakKiB([...deno, cli, "create", `${dir}/virtual`, `${dir}/backing`], 1);
      const remove = peakKiB([...deno, cli, "remove", `${dir}/virtual`], 1);
      if (i === 0) peaks.push(create, remove);
      else [peaks[2], peaks[3]] = [Math.max(peaks[2], create), Math.max(peaks[3], remove)];
    }
    const emptyPeak = peakKiB([...deno, empty]);
    rows.push({
      name: "bindlink peak memory: list / status / create / remove",
      measured: peaks.map(mib).join(" / "),
      baseline: `${mib(emptyPeak)} empty deno run`,
      ratio: Math.max(...peaks) / emptyPeak,
      note: "Information, no target: each process's peak resident set (ru_maxrss, through " +
        "bench/c/peak_rss.c; median of 3 runs, create and remove the highest of 3); the ratio " +
        "is the largest of the four over the empty run's.",
    });
  } catch (error) {
    rows.push({
      name: "bindlink list / status / create / remove",
      measured: "",
      error: errorText(error, context.scratch),
    });
  }
  return rows;
}
