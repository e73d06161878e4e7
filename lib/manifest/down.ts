/**
 * `downBindLinks`: take a manifest's links away, deepest first. A link already gone is fine;
 * a link that is not the manifest's (another backing path, other flags) and links not in the
 * manifest are never touched.
 *
 * @module
 */
import { loadDefaultPlatform } from "../load_platform.ts";
import { BindLinkError } from "../errors.ts";
import type { BindLinkInfo, LinkSpec, Platform } from "../platform.ts";
import { loadManifest } from "./load.ts";
import { compareLink, liveAt, orderLinks } from "./plan.ts";
import { changeLinks, type StateOptions } from "./session.ts";
import type { Manifest, RecoveredOperation } from "./types.ts";

/** What down did to one link. */
export type DownAction = "removed" | "absent" | "kept";

/**
 * The result of {@linkcode downBindLinks}.
 *
 * @example
 * ```ts
 * import { downBindLinks } from "@bindlink/bindlink";
 *
 * const result = await downBindLinks("bindlink.json");
 * console.log(result.changed ? "links removed" : "nothing was linked");
 * ```
 */
export interface DownResult {
  /** True when a link was (or, with `dryRun`, would be) removed. */
  readonly changed: boolean;
  /** True when nothing was changed because `dryRun` was asked. */
  readonly dryRun: boolean;
  /**
   * Per link, deepest first: `removed`, `absent` (already gone), or `kept` (something else is
   * linked there, which down does not touch; `live` says what).
   */
  readonly links: readonly {
    readonly index: number;
    readonly link: LinkSpec;
    readonly action: DownAction;
    readonly live?: BindLinkInfo;
  }[];
  /** Interrupted operations cleaned up first. */
  readonly recovered: readonly RecoveredOperation[];
}

/**
 * Options for {@linkcode downBindLinks}.
 *
 * @example
 * ```ts
 * import type { DownOptions } from "@bindlink/bindlink";
 *
 * const options: DownOptions = { dryRun: true };
 * ```
 */
export interface DownOptions extends StateOptions {
  /** The platform; default this operating system's. */
  platform?: Platform;
  /** Report what would be removed, change nothing. */
  dryRun?: boolean;
}

/**
 * Removes the manifest's links, deepest first. A link already gone is fine, and a place that
 * shows something other than the manifest says is left alone (reported as `kept`). If a
 * removal fails, the links removed before it stay removed (down is finished, not undone, by
 * the next changing command when it is killed) and the error names the link.
 *
 * @example
 * ```ts
 * import { downBindLinks } from "@bindlink/bindlink";
 *
 * for (const r of (await downBindLinks("bindlink.json")).links) {
 *   console.log(r.action, r.link.virtualPath);
 * }
 * ```
 */
export async function downBindLinks(
  manifest: Manifest | string,
  options: DownOptions = {},
): Promise<DownResult> {
  const platform = options.platform ?? await loadDefaultPlatform();
  try {
    const loaded = typeof manifest === "string"
      ? await loadManifest(manifest, platform, { operation: "down" })
      : manifest;
    const rules = platform.paths;
    const order = orderLinks(loaded.links, rules, "down", loaded.file).reverse();
    const judge = (live: BindLinkInfo[]) =>
      order.map((entry) => {
        const current = liveAt(live, entry.link.virtualPath, rules);
        const problem = compareLink(entry.link, current, rules, platform.reportsExceptions);
        const action: DownAction = problem === undefined
          ? "removed"
          : problem === "missing"
          ? "absent"
          : "kept";
        return { ...entry, action, live: current };
      });
    if (options.dryRun) {
      const links = judge(await platform.list());
      return {
        changed: links.some((l) => l.action === "removed"),
        dryRun: true,
        links,
        recovered: [],
      };
    }
    return await changeLinks(platform, options, "down", loaded.file, async (session) => {
      const links = judge(await platform.list());
      const removes = links.filter((l) => l.action === "removed");
      if (removes.length) {
        const intent = session.journal.begin("down", {
          file: loaded.file,
          removes: removes.map((l) => l.live!),
          creates: [],
        });
        for (const l of removes) {
          try {
            await platform.remove(l.link.virtualPath);
          } catch (error) {
            if (error instanceof BindLinkError && error.code === "not-found") continue;
            intent.finish();
            const why = error instanceof BindLinkError ? error.summary : String(error);
            const gone = removes.slice(0, removes.indexOf(l)).map((r) => r.link.virtualPath);
            throw new BindLinkError({
              code: error instanceof BindLinkError ? error.code : "unknown",
              operation: "down",
              virtualPath: l.link.virtualPath,
              summary: `${loaded.file ?? "the links"}: links[${l.index}] ${l.link.virtualPath} ` +
                `could not be removed: ${why}; ${
                  gone.length ? `removed before it: ${gone.join(", ")}` : "nothing was removed"
                }`,
              hint: error instanceof BindLinkError ? error.hint : "See the message above.",
              cause: error,
            });
          }
        }
        intent.finish();
      }
      return { changed: removes.length > 0, dryRun: false, links, recovered: session.recovered };
    });
  } finally {
    if (!options.platform) platform.close();
  }
}
