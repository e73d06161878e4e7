/**
 * What bindlink made for a link (mount points, overlay's work folder), deleted again with it,
 * and only while the path still shows the very file that was made.
 *
 * @module
 */
import type { MadePath } from "./records.ts";
import { removePath, removeTree } from "./files.ts";
import { factsAt } from "./mount_facts.ts";

/**
 * Deletes one made path: a work folder with its contents, an empty mount point folder, or an
 * empty mount point file. Already gone is fine.
 *
 * @example
 * ```ts
 * import { removeMade } from "./made_paths.ts";
 *
 * removeMade({ path: "/srv/.bindlink-work.v2.1a2b3c4d", kind: "directory", tree: true });
 * ```
 */
export function removeMade(made: MadePath): void {
  // Through libc (files.ts): already gone answers false there, other failures throw.
  if (made.tree) {
    removeTree(made.path);
  } else if (made.kind === "file") {
    // Only an empty file is ours to delete: a mount point bindlink made is empty.
    if (factsAt(made.path)?.size === 0n) removePath(made.path);
  } else {
    removePath(made.path);
  }
}

/** The `device:inode` of what is at `at` now. */
export function identityAt(at: string): string | undefined {
  const facts = factsAt(at);
  return facts ? `${facts.device}:${facts.inode}` : undefined;
}

/** What {@linkcode removeAllMade} could not delete. */
export interface Unremoved {
  /** Paths that could not be deleted (something was put there). */
  leftovers: string[];
  /** Items hidden now (another link covers them): to delete once that link is gone. */
  hidden: MadePath[];
}

/** Deletes what `made` lists, newest first. */
export function removeAllMade(made: readonly MadePath[]): Unremoved {
  const result: Unremoved = { leftovers: [], hidden: [] };
  for (const item of [...made].reverse()) {
    if (item.id !== undefined) {
      const now = identityAt(item.path);
      if (now === undefined) continue; // already gone
      if (now !== item.id) {
        result.hidden.push(item);
        continue;
      }
    }
    try {
      removeMade(item);
    } catch {
      result.leftovers.push(item.path);
    }
  }
  return result;
}
