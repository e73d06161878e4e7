/**
 * The code that changes links, in pieces (make, remove, recover, check), and how an async
 * call loads only the pieces it runs: a remove never loads the creating code (create_checks,
 * create_paths, link_tree, ...), and a dry run loads only the checks.
 *
 * @module
 */
import type { createLink } from "./creation.ts";
import type { checkCreateLink } from "./dry_check.ts";
import type { recoverPending } from "./recovery.ts";
import type { removeLink } from "./removal.ts";

/** The code that checks, makes, removes and recovers links: what a `list` never runs. */
export interface LinuxChanges {
  /** See ./creation.ts. */
  readonly createLink: typeof createLink;
  /** See ./removal.ts. */
  readonly removeLink: typeof removeLink;
  /** See ./recovery.ts. */
  readonly recoverPending: typeof recoverPending;
  /** See ./dry_check.ts. */
  readonly checkCreateLink: typeof checkCreateLink;
}

const LOADERS: { [K in keyof LinuxChanges]: () => Promise<Pick<LinuxChanges, K>> } = {
  createLink: () => import("./creation.ts"),
  removeLink: () => import("./removal.ts"),
  recoverPending: () => import("./recovery.ts"),
  checkCreateLink: () => import("./dry_check.ts"),
};

/**
 * Loads into `changes` those of the pieces `names` it lacks, each from its own module.
 *
 * @example
 * ```ts
 * import { type LinuxChanges, loadChanges } from "./changes.ts";
 *
 * const changes: Partial<LinuxChanges> = {};
 * await loadChanges(changes, ["removeLink", "recoverPending"]);
 * console.log(typeof changes.removeLink, typeof changes.createLink); // "function" "undefined"
 * ```
 */
export async function loadChanges(
  changes: Partial<LinuxChanges>,
  names: readonly (keyof LinuxChanges)[],
): Promise<void> {
  const missing = names.filter((name) => !changes[name]);
  const loaded = await Promise.all(missing.map((name) => LOADERS[name]()));
  for (const piece of loaded) Object.assign(changes, piece);
}
