/**
 * What an operating system says about processes, and the words for where an operation's
 * owner stands: what judges an intent record's owner on every platform.
 *
 * @module
 */
/** What an operating system says about processes, for judging an intent record's owner.
 *
 * @example
 * ```ts
 * import type { ProcessFacts } from "./process_facts.ts";
 *
 * const facts: ProcessFacts = {
 *   bootId: () => "boot-1",
 *   self: () => ({ pid: Deno.pid, start: "42" }),
 *   isRunning: (pid, start) => pid === Deno.pid && start === "42",
 * };
 * ```
 */
export interface ProcessFacts {
  /** An ID of the current boot, different after every restart. */
  bootId(): string;
  /**
   * This process: its ID and its start time, in a form `isRunning` compares. `start` becomes
   * part of file names: letters and digits only (no `.`, `/`, `\\` or `:`).
   */
  self(): { pid: number; start: string };
  /** True when process `pid` is running and started at `start` (so the ID was not reused). */
  isRunning(pid: number, start: string): boolean;
}

/**
 * How an intent record's owner stands: the one vocabulary for an operation's state, on every
 * platform and in `status --json`.
 *
 * @example
 * ```ts
 * import type { OwnerState } from "./process_facts.ts";
 *
 * const settled = (state: OwnerState) => state !== "running";
 * ```
 */
export type OwnerState = "running" | "dead" | "earlier boot";
