/**
 * `deno task bench --syscalls <variant> [pairs]`: the system calls of one create+remove pair,
 * the library's next to the C baseline's, counted with `strace -f -c` over a loop of pairs
 * minus an empty run of the same program (so start-up is not counted). Runs inside the
 * bench's private mount namespace.
 *
 * @module
 */
import { buildSharedLibrary } from "./build_c.ts";

type Counts = Map<string, { calls: number; errors: number }>;

function strace(dir: string, args: string[]): Counts {
  const output = `${dir}.strace`;
  const run = new Deno.Command("strace", {
    args: ["-f", "-c", "-o", output, Deno.execPath(), "run", "--allow-all", ...args],
    stdout: "null",
    stderr: "inherit",
  }).outputSync();
  if (!run.success) throw new Error(`strace of ${args.join(" ")} failed`);
  const counts: Counts = new Map();
  for (const line of Deno.readTextFileSync(output).split("\n")) {
    // % time  seconds  usecs/call  calls  [errors]  syscall
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5 || !/^\d/.test(fields[0]) || fields.at(-1) === "total") continue;
    const errors = fields.length === 6 ? Number(fields[4]) : 0;
    counts.set(fields.at(-1)!, { calls: Number(fields[3]), errors });
  }
  return counts;
}

function perPair(loop: Counts, empty: Counts, pairs: number): Map<string, number> {
  const result = new Map<string, number>();
  for (const [name, { calls, errors }] of loop) {
    const n = (calls - (empty.get(name)?.calls ?? 0)) / pairs;
    const failed = (errors - (empty.get(name)?.errors ?? 0)) / pairs;
    if (n >= 0.5 && name !== "futex" && name !== "mprotect") result.set(name, n);
    if (failed >= 0.5 && name !== "futex") result.set(`${name} (failed)`, failed);
  }
  return result;
}

/** Counts and prints the system calls per pair of `variant`, library and C. */
export function countSyscalls(scratch: string, variant: string, pairs: number): void {
  const library = buildSharedLibrary("baseline");
  const loop = new URL("./children/pair_loop.ts", import.meta.url).pathname;
  const cLoop = new URL("./children/c_pair_loop.ts", import.meta.url).pathname;
  const dir = `${scratch}/syscalls`;
  const lib = perPair(
    strace(`${dir}-lib`, [loop, `${dir}/lib`, variant, String(pairs)]),
    strace(`${dir}-lib0`, [loop, `${dir}/lib0`, variant, "0"]),
    pairs,
  );
  const c = perPair(
    strace(`${dir}-c`, [cLoop, library, `${dir}/c`, variant, String(pairs)]),
    strace(`${dir}-c0`, [cLoop, library, `${dir}/c0`, variant, "0"]),
    pairs,
  );
  const names = [...new Set([...lib.keys(), ...c.keys()])]
    .sort((a, b) => (lib.get(b) ?? 0) - (lib.get(a) ?? 0));
  const sum = (m: Map<string, number>) =>
    [...m].filter(([name]) => !name.endsWith("(failed)")).reduce((a, [, n]) => a + n, 0);
  console.log(`system calls per ${variant} create+remove pair (${pairs} pairs; strace -f -c)`);
  console.log(`${"".padEnd(16)} ${"bindlink".padStart(9)} ${"C".padStart(7)}`);
  for (const name of names) {
    console.log(
      `${name.padEnd(16)} ${(lib.get(name) ?? 0).toFixed(1).padStart(9)} ${
        (c.get(name) ?? 0).toFixed(1).padStart(7)
      }`,
    );
  }
  console.log(
    `${"total".padEnd(16)} ${sum(lib).toFixed(1).padStart(9)} ${sum(c).toFixed(1).padStart(7)}`,
  );
  console.log("(strace may not name the newest calls, such as listmount and statmount)");
}
