/**
 * Sections 3 and 4 of the bench: whole processes, timed from spawn to exit by the C helper
 * (posix_spawn + waitpid, output to /dev/null), so Deno's own spawning adds nothing to
 * either side. Deno children run with exactly the documented flags.
 *
 * @module
 */
import { type BenchContext, errorText } from "./context.ts";
import { median } from "./measure.ts";
import { ms, type Row } from "./report.ts";
import { commandRows } from "./cli_commands.ts";

/** The flags the README documents for Linux. */
export const DOCUMENTED_FLAGS = ["--allow-ffi", "--allow-read", "--allow-write"];

/** The absolute path of `command` on PATH. */
function which(command: string): string {
  for (const dir of (Deno.env.get("PATH") ?? "/usr/bin:/bin").split(":")) {
    try {
      if (Deno.statSync(`${dir}/${command}`).isFile) return `${dir}/${command}`;
    } catch { /* not here */ }
  }
  throw new Error(`${command} is not on PATH`);
}

/** Runs `argv` once more with its output captured, to say why it failed. */
function whyFailed(argv: readonly string[]): string {
  const out = new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).outputSync();
  const text = new TextDecoder().decode(out.stderr) || new TextDecoder().decode(out.stdout);
  return `${argv.slice(1).join(" ")} exited ${out.code}: ${text.trim()}`;
}

/** What {@linkcode interleaveSteps} found for one job. */
export interface JobTimes {
  /** Median milliseconds of the whole job (its steps one after another). */
  readonly total: number;
  /** Median milliseconds of each step. */
  readonly steps: readonly number[];
}

/**
 * Runs each job (a list of processes, one after another) in turn, `rounds` times, rotating
 * which goes first; per job the median of the whole and of each step.
 */
export function interleaveSteps(
  context: BenchContext,
  rounds: number,
  jobs: Record<string, readonly (readonly string[])[]>,
): Record<string, JobTimes> {
  const names = Object.keys(jobs);
  const totals: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const steps: Record<string, number[][]> = Object.fromEntries(
    names.map((n) => [n, jobs[n].map(() => [])]),
  );
  const runJob = (name: string, record: boolean) => {
    let total = 0;
    jobs[name].forEach((argv, i) => {
      const { ms, status } = context.baseline.spawn(argv);
      if (status !== 0) throw new Error(whyFailed(argv));
      total += ms;
      if (!record) return;
      steps[name][i].push(ms);
    });
    if (record) totals[name].push(total);
  };
  for (const name of names) runJob(name, false); // warm-up: Deno's transpile cache, page cache
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) runJob(names[(round + i) % names.length], true);
  }
  return Object.fromEntries(names.map((n) => [n, {
    total: median(totals[n]),
    steps: steps[n].map(median),
  }]));
}

/** Runs each command list in turn, `rounds` times, rotating; median ms per name. */
function interleaveProcesses(
  context: BenchContext,
  rounds: number,
  jobs: Record<string, readonly (readonly string[])[]>,
): Record<string, number> {
  const times = interleaveSteps(context, rounds, jobs);
  return Object.fromEntries(Object.entries(times).map(([name, t]) => [name, t.total]));
}

/**
 * Runs `measure` with the documented flags; when Deno's permissions stop it there, measures
 * again with --allow-all so the speed is still known, and says so in the row's note.
 */
function documentedOrAll(measure: (flags: readonly string[]) => Row[]): Row[] {
  const rows = measure(DOCUMENTED_FLAGS);
  return rows.map((row) => {
    if (!row.error || !/permission/i.test(row.error)) return row;
    const again = measure(["--allow-all"]).find((r) => r.name === row.name);
    if (!again || again.error) return row;
    return {
      ...again,
      name: `${row.name} (--allow-all)`,
      note: `The documented flags (${DOCUMENTED_FLAGS.join(" ")}) fail: ${row.error} ` +
        `Measured with --allow-all instead. ${again.note ?? ""}`.trim(),
    };
  });
}

/** Section 3: 1000 links made and removed by one process against 2000 mount processes. */
export function manyLinksRows(context: BenchContext): Row[] {
  return documentedOrAll((flags) => manyLinks(context, flags));
}

function manyLinks(context: BenchContext, flags: readonly string[]): Row[] {
  const count = context.quick ? 200 : 1000;
  const rounds = context.quick ? 1 : 2;
  const name = `${count} links made+removed: one process vs ${count} mount + ${count} umount`;
  try {
    const dir = `${context.scratch}/many/${flags.length}`;
    for (const side of ["lib", "c"]) {
      Deno.mkdirSync(`${dir}/${side}/backing`, { recursive: true });
      for (let i = 0; i < count; i++) Deno.mkdirSync(`${dir}/${side}/v${i}`);
    }
    const [mount, umount] = [which("mount"), which("umount")];
    const child = new URL("./children/many_links.ts", import.meta.url).pathname;
    const library = [context.deno, "run", ...flags, child];
    const args = [`${dir}/lib`, `${dir}/state`, String(count)];
    const processes = [
      ...Array.from(
        { length: count },
        (_, i) => [mount, "--bind", `${dir}/c/backing`, `${dir}/c/v${i}`],
      ),
      ...Array.from({ length: count }, (_, i) => [umount, `${dir}/c/v${count - 1 - i}`]),
    ];
    const empty = new URL("./children/empty.ts", import.meta.url).pathname;
    const r = interleaveProcesses(context, rounds, {
      library: [[...library, ...args]],
      processes,
      empty: [[context.deno, "run", ...flags, empty]],
    });
    const inC = cManyLinks(context, `${dir}/c`, count, rounds);
    const floor = inC + r.empty;
    const floorRatio = r.processes / floor;
    return [{
      name,
      measured: ms(r.library),
      baseline: `${ms(r.processes)} processes`,
      ratio: r.processes / r.library,
      target: { op: ">=", limit: 40 },
      note: "ratio = processes' time / bindlink's time (times faster); the one process's time " +
        "includes Deno's start-up.",
    }, {
      name: `floor: the same in C in one Deno process`,
      measured: `${ms(inC)} + ${ms(r.empty)} start-up`,
      baseline: `${ms(r.processes)} processes`,
      ratio: floorRatio,
      note: `The C baseline making and removing the same ${count} links (same work per link ` +
        "as section 1) plus an empty `deno run`: the fastest any Deno program can be. " +
        (floorRatio < 40
          ? `It is ${floorRatio.toFixed(1)}x faster than the processes, so 40x cannot be met ` +
            "on this machine: the kernel's own work per link is too large a share."
          : "It leaves room for the 40x target."),
    }];
  } catch (error) {
    return [{ name, measured: "", error: errorText(error, context.scratch) }];
  }
}

/**
 * The C baseline making `count` links in `dir` (with `backing` and `v<i>` folders there) and
 * removing them, in this process, `rounds` times; the median milliseconds of one round.
 */
function cManyLinks(context: BenchContext, dir: string, count: number, rounds: number): number {
  const links = Array.from(
    { length: count },
    (_, i) => context.baseline.link(`many${i}`, `${dir}/v${i}`, `${dir}/backing`),
  );
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    for (const link of links) context.baseline.create(link);
    for (const link of links.toReversed()) context.baseline.remove(link);
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Section 4: the CLI's start-up and a create+remove through it. */
export function cliRows(context: BenchContext): Row[] {
  return documentedOrAll((flags) => cli(context, flags));
}

function cli(context: BenchContext, flags: readonly string[]): Row[] {
  const rounds = context.quick ? 8 : 20;
  const rows: Row[] = [];
  const deno = [context.deno, "run", ...flags];
  const cli = `${context.repo}/cli.ts`;
  const empty = new URL("./children/empty.ts", import.meta.url).pathname;
  let emptyMs: number | undefined;
  try {
    const r = interleaveProcesses(context, rounds, {
      empty: [[...deno, empty]],
      version: [[...deno, cli, "--version"]],
      help: [[...deno, cli, "help"]],
    });
    emptyMs = r.empty;
    for (const [key, label] of [["version", "--version"], ["help", "help"]]) {
      rows.push({
        name: `bindlink ${label}`,
        measured: ms(r[key]),
        baseline: `${ms(r.empty)} empty deno run`,
        ratio: r[key] / r.empty,
        target: { op: "<=", limit: 1.2 },
      });
    }
  } catch (error) {
    rows.push({
      name: "bindlink --version / help",
      measured: "",
      error: errorText(error, context.scratch),
    });
  }
  rows.push(...commandRows(context, flags, rounds));
  const name = "CLI create + remove (2 processes)";
  try {
    const dir = `${context.scratch}/cli/${flags.length}`;
    for (const side of ["lib", "c"]) {
      Deno.mkdirSync(`${dir}/${side}/virtual`, { recursive: true });
      Deno.mkdirSync(`${dir}/${side}/backing`);
    }
    const [mount, umount] = [which("mount"), which("umount")];
    const r = interleaveProcesses(context, context.quick ? 4 : 10, {
      cli: [
        [...deno, cli, "create", `${dir}/lib/virtual`, `${dir}/lib/backing`],
        [...deno, cli, "remove", `${dir}/lib/virtual`],
      ],
      mount: [
        [mount, "--bind", `${dir}/c/backing`, `${dir}/c/virtual`],
        [umount, `${dir}/c/virtual`],
      ],
      ...(emptyMs === undefined ? { empty: [[...deno, empty], [...deno, empty]] } : {}),
    });
    const floor = emptyMs === undefined ? r.empty : 2 * emptyMs;
    const floorRatio = floor / r.mount;
    rows.push({
      name,
      measured: ms(r.cli),
      baseline: `${ms(r.mount)} mount --bind + umount`,
      ratio: r.cli / r.mount,
      target: { op: "<=", limit: 3 },
      note: floorRatio > 3
        ? `Floor: two empty \`deno run\` take ${ms(floor)}, already ${
          floorRatio.toFixed(1)
        }x two mount/umount processes, so 3x cannot be met by any Deno CLI started with ` +
          "`deno run`; the next row shows what bindlink adds above that floor."
        : undefined,
    }, {
      name: "CLI create + remove above Deno's floor",
      measured: ms(r.cli),
      baseline: `${ms(floor)} two empty deno run`,
      ratio: r.cli / floor,
      note: "Information, not a target of the issue: what bindlink adds over two Deno start-ups.",
    });
  } catch (error) {
    rows.push({ name, measured: "", error: errorText(error, context.scratch) });
  }
  return rows;
}
