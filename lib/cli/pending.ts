/** Operations that have not ended, as `list` and `status` show them. @module */
import type { PendingOperation } from "../manifest/recover.ts";
import { lookAtState } from "../manifest/session.ts";
import type { CliContext } from "./command.ts";
import { printable } from "../printable.ts";
import { pathLines } from "./text.ts";

/**
 * A few lines about an operation that has not ended: what it is, how far it got, which
 * command will clean it up, and the links it made and removed, one per line (past about 20,
 * how many more and that `seeAll` lists them).
 *
 * @example
 * ```ts
 * import { pendingLine } from "./pending.ts";
 * pendingLine({
 *   operation: "run", pid: 42, startedAt: "2026-01-01T00:00:00Z", state: "dead",
 *   made: ["C:\\Foo"], taken: [], next: "bindlink prune removes them",
 * });
 * ```
 */
export function pendingLine(p: PendingOperation, seeAll = "bindlink status --json"): string {
  const what = p.state === "running" ? "running" : p.state === "dead" ? "half done" : "stale";
  const indent = " ".repeat(19);
  const list = (heading: string, paths: readonly string[]) =>
    paths.length
      ? `${indent}${heading} (${paths.length}):\n${pathLines(paths, indent + "  ", seeAll)}`
      : "";
  return `  ${what.padEnd(14)} ${p.operation}${p.file ? ` of ${printable(p.file)}` : ""}` +
    ` by process ${p.pid} (started ${p.startedAt}): ${p.next}\n` +
    list("links it made", p.made) + list("links it removed", p.taken);
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
  let records;
  let journal;
  try {
    journal = (await lookAtState(platform, { stateDir: context.stateDir })).journal;
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
  return error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable ||
    // A BindLinkError saying so (its class is not loaded here just to ask).
    (error instanceof Error && (error as { code?: unknown }).code === "access-denied");
}
