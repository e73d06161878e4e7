/** Operations that have not ended, as `list` and `status` show them. @module */
import type { PendingOperation } from "../manifest/recover.ts";
import type { CliContext } from "./command.ts";

/**
 * One line about an operation that has not ended: what it is, how far it got, and which
 * command will clean it up.
 *
 * @example
 * ```ts
 * import { pendingLine } from "./manifest_input.ts";
 * pendingLine({
 *   operation: "run", pid: 42, startedAt: "2026-01-01T00:00:00Z", state: "dead",
 *   made: ["C:\\Foo"], taken: [], next: "bindlink prune removes them",
 * });
 * ```
 */
export function pendingLine(p: PendingOperation): string {
  const how = [
    p.made.length ? `links it made: ${p.made.join(", ")}` : "",
    p.taken.length ? `links it removed: ${p.taken.join(", ")}` : "",
  ].filter(Boolean).join("; ");
  const what = p.state === "running" ? "running" : p.state === "dead" ? "half done" : "stale";
  return `  ${what.padEnd(14)} ${p.operation}${p.file ? ` of ${p.file}` : ""} by process ${p.pid}` +
    ` (started ${p.startedAt})${how ? `; ${how}` : ""}: ${p.next}\n`;
}

/**
 * Operations that have not ended (a `run` still going, or one killed whose links are still
 * live), so a user sees which links a killed `run` left and that `bindlink prune` removes
 * them. Only looks; a platform passed in without a state folder has no records.
 *
 * @example
 * ```ts
 * import type { CliContext } from "./command.ts";
 * import { unfinishedOperations } from "./pending.ts";
 *
 * declare const context: CliContext;
 * console.log((await unfinishedOperations(context)).length);
 * ```
 */
export async function unfinishedOperations(context: CliContext): Promise<PendingOperation[]> {
  if (!context.ownPlatform && context.stateDir === undefined) return [];
  const platform = await context.platform();
  const { readJournal } = await import("../manifest/session.ts");
  let records;
  let journal;
  try {
    journal = await readJournal(platform, { stateDir: context.stateDir });
    records = journal.list();
  } catch (error) {
    // Records only root (or an administrator) may read: a user who may not sees the links.
    if (isPermissionProblem(error)) return [];
    throw error;
  }
  if (records.length === 0) return [];
  const { pendingOperations } = await import("../manifest/recover.ts");
  return pendingOperations(platform, journal, await platform.list());
}

/**
 * True for a refusal to read bindlink's records: by the system (not root, not elevated) or by
 * Deno (flags too narrow). The looks at the records that come before a command's own work
 * skip on it, so the command's own error, with what to do, is the one the user sees.
 *
 * @example
 * ```ts
 * import { isPermissionProblem } from "./pending.ts";
 * isPermissionProblem(new Deno.errors.PermissionDenied("readdir /run/bindlink")); // true
 * ```
 */
export function isPermissionProblem(error: unknown): boolean {
  return error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable;
}
