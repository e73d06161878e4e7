/**
 * What `create` and `remove` do before their own change: finish or roll back an apply, down,
 * run or prune whose process died, as every command that changes links must. With nothing
 * half done this is one look at the record folder.
 *
 * @module
 */
import type { BindLinkOperation } from "../errors.ts";
import type { RecoveredOperation } from "../manifest/types.ts";
import type { CliContext } from "./command.ts";
import { describeRecovered } from "./manifest_input.ts";
import { isPermissionProblem } from "./pending.ts";

/**
 * Cleans up after dead multi-link operations, under the link lock, and tells the user on
 * stderr what was done. A platform passed in by a caller without a state folder has no
 * records to look at, so nothing is done for it.
 *
 * @example
 * ```ts
 * import type { CliContext } from "./command.ts";
 * import { settleDeadOperations } from "./settle_first.ts";
 *
 * declare const context: CliContext;
 * await settleDeadOperations(context, "create");
 * ```
 */
export async function settleDeadOperations(
  context: CliContext,
  operation: BindLinkOperation,
): Promise<readonly RecoveredOperation[]> {
  if (!context.ownPlatform && context.stateDir === undefined) return [];
  const platform = await context.platform();
  const { changeLinks, readJournal } = await import("../manifest/session.ts");
  const options = { stateDir: context.stateDir };
  let dead: boolean;
  try {
    const journal = await readJournal(platform, options, operation);
    dead = journal.list().some((found) => found.state !== "running");
  } catch (error) {
    // Someone who may not read the records (not root, not elevated, or Deno's flags too
    // narrow) may not change links either: the create or remove that follows says so, in
    // its own words and with what to do.
    if (isPermissionProblem(error)) return [];
    throw error;
  }
  if (!dead) return [];
  const recovered = await changeLinks(
    platform,
    { ...options, onWait: (message) => context.stderr(message + "\n") },
    operation,
    undefined,
    (session) => Promise.resolve(session.recovered),
  );
  if (recovered.length && !context.json) context.stderr(describeRecovered(recovered));
  return recovered;
}
