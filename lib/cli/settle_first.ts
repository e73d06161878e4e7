/**
 * What `create` and `remove` do before their own change: finish or roll back an apply, down,
 * run or prune whose process died, and delete what killed commands had made (a killed run's
 * mount points), as every command that changes links must, and say what was done. With
 * nothing half done this is a look at the record folder.
 *
 * @module
 */
import type { BindLinkOperation } from "../errors.ts";
import { changeLinks, lookAtState } from "../manifest/session.ts";
import type { LeftoverPath, RecoveredOperation } from "../manifest/types.ts";
import type { CliContext } from "./command.ts";
import { describeDeleted, describeRecovered } from "./link_text.ts";
import { isPermissionProblem } from "./pending.ts";

/** What the cleanup before a create or remove did. */
export interface Settled {
  /** Operations of killed commands finished or rolled back. */
  readonly recovered: readonly RecoveredOperation[];
  /** What killed commands had made and was deleted. */
  readonly deleted: readonly LeftoverPath[];
}

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
): Promise<Settled> {
  const none = { recovered: [], deleted: [] };
  if (!context.ownPlatform && context.stateDir === undefined) return none;
  const platform = await context.platform();
  const options = { stateDir: context.stateDir };
  let dead: boolean;
  try {
    const look = await lookAtState(platform, options, operation);
    dead = look.journal.list().some((found) => found.state !== "running") ||
      (await look.leftovers()).length > 0;
  } catch (error) {
    // Someone who may not read the records (not root, not elevated, or Deno's flags too
    // narrow) may not change links either: the create or remove that follows says so, in
    // its own words and with what to do.
    if (isPermissionProblem(error)) return none;
    throw error;
  }
  if (!dead) return none;
  const settled = await changeLinks(
    platform,
    { ...options, onWait: (message) => context.stderr(message + "\n") },
    operation,
    undefined,
    (session) => Promise.resolve({ recovered: session.recovered, deleted: session.deleted }),
  );
  if (!context.json) {
    const seeAll = `bindlink ${operation} --json`;
    context.stderr(
      describeRecovered(settled.recovered, seeAll) + describeDeleted(settled.deleted, seeAll),
    );
  }
  return settled;
}
