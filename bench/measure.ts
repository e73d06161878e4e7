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
 * each and in both.
 */
export function timePairs(
  count: number,
  create: (i: number) => void,
  remove: (i: number) => void,
): { create: number; remove: number; pair: number } {
  let creating = 0;
  let removing = 0;
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    create(i);
    const t1 = performance.now();
    remove(i);
    const t2 = performance.now();
    creating += t1 - t0;
    removing += t2 - t1;
  }
  return { create: creating, remove: removing, pair: creating + removing };
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
