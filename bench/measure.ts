/**
 * Timing with baselines measured in the same run: contestants take turns, round by round,
 * in a rotating order, so drift (frequency scaling, caches, other load) hits each alike.
 * Every loop is bounded by a count given by the caller; a result is the median over rounds.
 *
 * @module
 */

/** Something timed: `run` does `ops` operations and returns named durations in milliseconds. */
export interface Contestant {
  /** Its name in the results. */
  readonly name: string;
  /** Operations per round (the divisor for per-operation times). */
  readonly ops: number;
  /** Runs one round; returns the time spent in each named part (for example create, remove). */
  run(): Record<string, number>;
}

/** Per-operation milliseconds, by contestant, then by part: the median over rounds. */
export type Results = Record<string, Record<string, number>>;

/**
 * Runs `rounds` rounds of every contestant, rotating who goes first, after one untimed warm-up
 * round each.
 *
 * @example
 * ```ts
 * const r = interleave(10, [
 *   { name: "a", ops: 100, run: () => ({ total: time(() => work(100)) }) },
 * ]);
 * r.a.total; // median ms per operation
 * ```
 */
export function interleave(rounds: number, contestants: readonly Contestant[]): Results {
  for (const contestant of contestants) contestant.run();
  const samples = new Map<string, Map<string, number[]>>();
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < contestants.length; i++) {
      const contestant = contestants[(round + i) % contestants.length];
      const parts = contestant.run();
      const byPart = samples.get(contestant.name) ?? new Map<string, number[]>();
      samples.set(contestant.name, byPart);
      for (const [part, ms] of Object.entries(parts)) {
        const list = byPart.get(part) ?? [];
        list.push(ms / contestant.ops);
        byPart.set(part, list);
      }
    }
  }
  const results: Results = {};
  for (const [name, byPart] of samples) {
    results[name] = {};
    for (const [part, list] of byPart) results[name][part] = median(list);
  }
  return results;
}

/**
 * Times `count` create+remove pairs, create and remove apart; returns milliseconds spent in
 * each and in both. With `spacing`, each create and each remove is preceded by a busy wait of
 * that many milliseconds, which is not timed.
 */
export function timePairs(
  count: number,
  create: (i: number) => void,
  remove: (i: number) => void,
  spacing?: { create: number; remove: number },
): PairTimes {
  let creating = 0;
  let removing = 0;
  for (let i = 0; i < count; i++) {
    if (spacing) spin(spacing.create);
    const t0 = performance.now();
    create(i);
    const t1 = performance.now();
    if (spacing) spin(spacing.remove);
    const t2 = performance.now();
    remove(i);
    const t3 = performance.now();
    creating += t1 - t0;
    removing += t3 - t2;
  }
  return { create: creating, remove: removing, pair: creating + removing };
}

/** Create and remove, each once per pair. */
export interface PairOps {
  create(i: number): void;
  remove(i: number): void;
}

/** Per-operation milliseconds of create, remove and both. */
export type PairTimes = Record<"create" | "remove" | "pair", number>;

/** Busy-waits `ms` milliseconds: the CPU stays as busy as the library keeps it. */
export function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* busy, like the library between its system calls */ }
}

/**
 * The library's pairs against the C baseline's, interleaved round by round. The C baseline
 * runs twice: in a tight loop, and spaced like the library, that is, each C operation preceded
 * by a busy wait as long as the library's extra time for that operation (from the rounds
 * so far), so that the kernel sees the same rhythm of work between system calls from both.
 * Only the operations themselves are timed.
 *
 * @example
 * ```ts
 * const r = libraryAgainstC(10, 20, libraryOps, cOps);
 * r.library.pair / r.spaced.pair; // the ratio the targets speak of
 * ```
 */
export function libraryAgainstC(
  rounds: number,
  batch: number,
  library: PairOps,
  c: PairOps,
): { library: PairTimes; spaced: PairTimes; tight: PairTimes } {
  const last = { library: { create: 0, remove: 0 }, tight: { create: 0, remove: 0 } };
  const gap = (part: "create" | "remove") => Math.max(0, last.library[part] - last.tight[part]);
  const r = interleave(rounds, [
    {
      name: "library",
      ops: batch,
      run: () => {
        const t = timePairs(batch, library.create, library.remove);
        last.library = { create: t.create / batch, remove: t.remove / batch };
        return t;
      },
    },
    {
      name: "tight",
      ops: batch,
      run: () => {
        const t = timePairs(batch, c.create, c.remove);
        last.tight = { create: t.create / batch, remove: t.remove / batch };
        return t;
      },
    },
    {
      name: "spaced",
      ops: batch,
      run: () =>
        timePairs(batch, c.create, c.remove, { create: gap("create"), remove: gap("remove") }),
    },
  ]);
  const times = (name: string): PairTimes => ({
    create: r[name].create,
    remove: r[name].remove,
    pair: r[name].pair,
  });
  return { library: times("library"), spaced: times("spaced"), tight: times("tight") };
}

/** Milliseconds `fn` takes. */
export function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
