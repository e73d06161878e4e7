/**
 * What bindlink made for a link (mount points, overlay's work folder, a staging folder),
 * deleted again with it, and only while the path still shows the very file that was made
 * (its recorded device and inode, reached through descriptors: see owned_tree.ts).
 *
 * @module
 */
import type { MadePath } from "./records.ts";
import { deleteMade, type Leftover } from "./owned_tree.ts";

/**
 * Deletes one made path (a work folder with its contents, an empty mount point folder or
 * file); already gone is fine. Throws when it must be left (it is not what was made, or is
 * hidden under a mount), saying where and why: for a create's undo, which reports it.
 *
 * @example
 * ```ts
 * import { removeMade } from "./made_paths.ts";
 *
 * removeMade({
 *   path: "/srv/.bindlink-work.v2.1a2b3c4d",
 *   kind: "directory",
 *   tree: true,
 *   id: "0:52:1234",
 * });
 * ```
 */
export function removeMade(made: MadePath): void {
  const outcome = deleteMade(made);
  if (outcome === "deleted" || outcome === "gone") return;
  const why = outcome === "hidden" ? "a mount covers it" : outcome.why;
  throw new Error(`${made.path} was left where it is: ${why}`);
}

/** What {@linkcode removeAllMade} could not delete. */
export interface Unremoved {
  /** What was left where it is, and why (it is not, or no longer provably, what was made). */
  leftovers: Leftover[];
  /** Items hidden now (another link covers them): to delete once that link is gone. */
  hidden: MadePath[];
}

/**
 * Deletes what `made` lists, newest first.
 *
 * @example
 * ```ts
 * import { removeAllMade } from "./made_paths.ts";
 *
 * const { leftovers } = removeAllMade([{ path: "/srv/app", kind: "directory", id: "0:52:9" }]);
 * for (const left of leftovers) console.log(`left ${left.path}: ${left.why}`);
 * ```
 */
export function removeAllMade(made: readonly MadePath[]): Unremoved {
  const result: Unremoved = { leftovers: [], hidden: [] };
  for (let i = made.length - 1; i >= 0; i--) {
    const item = made[i];
    let outcome;
    try {
      outcome = deleteMade(item);
    } catch (error) {
      outcome = { path: item.path, why: error instanceof Error ? error.message : String(error) };
    }
    if (outcome === "hidden") result.hidden.push(item);
    else if (typeof outcome === "object") result.leftovers.push(outcome);
  }
  return result;
}
