/**
 * `pruneBindLinks`: clean up after bindlink commands that were killed: remove the links of a
 * `run` whose process is gone (on Windows links are system-wide, so they outlive it), roll
 * back a half-done apply, finish a half-done down. Every changing command does this first;
 * prune does only this.
 *
 * @module
 */
import { loadDefaultPlatform } from "../load_platform.ts";
import type { Platform } from "../platform.ts";
import { type PendingOperation, pendingOperations } from "./recover.ts";
import { changeLinks, lookAtState, type StateOptions } from "./session.ts";
import type { LeftoverPath, RecoveredOperation } from "./types.ts";

/**
 * Options for {@linkcode pruneBindLinks}.
 *
 * @example
 * ```ts
 * import type { PruneOptions } from "@bindlink/bindlink";
 *
 * const options: PruneOptions = { dryRun: true };
 * ```
 */
export interface PruneOptions extends StateOptions {
  /** The platform; default this operating system's. */
  platform?: Platform;
  /** Report what would be cleaned up, change nothing. */
  dryRun?: boolean;
}

/**
 * The result of {@linkcode pruneBindLinks}.
 *
 * @example
 * ```ts
 * import { pruneBindLinks } from "@bindlink/bindlink";
 *
 * const { recovered } = await pruneBindLinks();
 * console.log(recovered.length, "interrupted operations cleaned up");
 * ```
 */
export interface PruneResult {
  /** True when something was (or, with `dryRun`, would be) cleaned up. */
  readonly changed: boolean;
  /** True when nothing was changed because `dryRun` was asked. */
  readonly dryRun: boolean;
  /** What was cleaned up (empty with `dryRun`). */
  readonly recovered: readonly RecoveredOperation[];
  /** What is pending: with `dryRun` what would be cleaned up, else runs still going. */
  readonly pending: readonly PendingOperation[];
  /**
   * Files and folders killed commands had made (mount points, overlay work folders) that
   * were deleted, or with `dryRun` would be: the same list a dry run shows first.
   */
  readonly deleted: readonly LeftoverPath[];
}

/**
 * Cleans up after killed bindlink commands. Removes only links that the listing shows exactly
 * as the dead command's record describes them; never links it did not make.
 *
 * @example
 * ```ts
 * import { pruneBindLinks } from "@bindlink/bindlink";
 *
 * for (const r of (await pruneBindLinks()).recovered) {
 *   console.log(`${r.operation} of process ${r.pid}: ${r.outcome}, removed ${r.removed.join(", ")}`);
 * }
 * ```
 */
export async function pruneBindLinks(options: PruneOptions = {}): Promise<PruneResult> {
  const platform = options.platform ?? await loadDefaultPlatform();
  try {
    if (options.dryRun) {
      const look = await lookAtState(platform, options, "prune");
      const pending = pendingOperations(platform, look.journal, await platform.list())
        .filter((p) => p.state !== "running");
      const deleted = await look.leftovers();
      return {
        changed: pending.length > 0 || deleted.length > 0,
        dryRun: true,
        recovered: [],
        pending,
        deleted,
      };
    }
    return await changeLinks(platform, options, "prune", undefined, async (session) => {
      const pending = pendingOperations(platform, session.journal, await platform.list());
      return {
        changed: session.recovered.length > 0 || session.deleted.length > 0,
        dryRun: false,
        recovered: session.recovered,
        pending,
        deleted: session.deleted,
      };
    });
  } finally {
    if (!options.platform) platform.close();
  }
}
