/**
 * `bindLinkStatus`: is every link of a manifest live as described, and is anything half
 * done? Only looks: changes nothing, takes no lock.
 *
 * @module
 */
import { loadDefaultPlatform } from "../load_platform.ts";
import type { BindLinkInfo, LinkSpec, Platform } from "../platform.ts";
import { loadManifest } from "./load.ts";
import { compareLink, liveAt } from "./plan.ts";
import { type PendingOperation, pendingOperations } from "./recover.ts";
import { lookAtState, type StateOptions } from "./session.ts";
import type { LinkProblem, Manifest } from "./types.ts";

/**
 * The state of one manifest link.
 *
 * @example
 * ```ts
 * import type { LinkStatus } from "@bindlink/bindlink";
 *
 * const ok = (s: LinkStatus) => s.problem === undefined;
 * ```
 */
export interface LinkStatus {
  /** Its position in the manifest. */
  readonly index: number;
  /** The link as described. */
  readonly link: LinkSpec;
  /** What is wrong, or undefined when it is live as described. */
  readonly problem?: LinkProblem;
  /** The live link at its virtual path, if any. */
  readonly live?: BindLinkInfo;
}

/**
 * The result of {@linkcode bindLinkStatus}.
 *
 * @example
 * ```ts
 * import { bindLinkStatus } from "@bindlink/bindlink";
 *
 * const status = await bindLinkStatus("bindlink.json");
 * if (!status.ok) console.log(status.links.filter((l) => l.problem));
 * ```
 */
export interface StatusResult {
  /** True when every link is live as described and no dead operation is half done. */
  readonly ok: boolean;
  /** Per link, in the manifest's order. */
  readonly links: readonly LinkStatus[];
  /**
   * Operations that have not ended: a `run` still going, or a killed apply, down, run or prune
   * that the next changing command will clean up (with how far it got).
   */
  readonly pending: readonly PendingOperation[];
}

/**
 * Options for {@linkcode bindLinkStatus}.
 *
 * @example
 * ```ts
 * import type { StatusOptions } from "@bindlink/bindlink";
 *
 * const options: StatusOptions = {};
 * ```
 */
export interface StatusOptions extends StateOptions {
  /** The platform; default this operating system's. */
  platform?: Platform;
}

/**
 * Compares a manifest with the live links: per link `missing`, `other-backing`,
 * `other-flags` or fine, and the operations found half done. Changes nothing.
 *
 * @example
 * ```ts
 * import { bindLinkStatus } from "@bindlink/bindlink";
 *
 * const status = await bindLinkStatus("bindlink.json");
 * Deno.exitCode = status.ok ? 0 : 1;
 * ```
 */
export async function bindLinkStatus(
  manifest: Manifest | string,
  options: StatusOptions = {},
): Promise<StatusResult> {
  const platform = options.platform ?? await loadDefaultPlatform();
  try {
    const loaded = typeof manifest === "string"
      ? await loadManifest(manifest, platform, { operation: "status" })
      : manifest;
    const live = await platform.list();
    const rules = platform.paths;
    const links = loaded.links.map((link, index) => {
      const current = liveAt(live, link.virtualPath, rules);
      return {
        index,
        link,
        problem: compareLink(link, current, rules, platform.reportsExceptions),
        live: current,
      };
    });
    const pending = pendingOperations(
      platform,
      (await lookAtState(platform, options, "status")).journal,
      live,
    );
    // A run that is still going is no fault; a half-done operation of a dead process is.
    const halfDone = pending.some((p) => p.state === "dead");
    return { ok: links.every((l) => !l.problem) && !halfDone, links, pending };
  } finally {
    if (!options.platform) platform.close();
  }
}
