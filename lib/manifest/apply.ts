/**
 * `applyBindLinks`: put a manifest's links in place, idempotently and all or nothing.
 *
 * @module
 */
import { linkTraits } from "../link_traits.ts";
import { BindLinkError } from "../errors.ts";
import type { BindLinkInfo, LinkSpec, Platform } from "../platform.ts";
import { checkPlan } from "./dry_check.ts";
import { carryOut, changesOf, MakeError } from "./make.ts";
import { loadDefaultPlatform } from "../load_platform.ts";
import { loadManifest } from "./load.ts";
import { planApply, type PlannedLink } from "./plan.ts";
import { changeLinks, type StateOptions } from "./session.ts";
import type { ApplyResult, LinkResult, Manifest } from "./types.ts";

/**
 * Options for {@linkcode applyBindLinks}.
 *
 * @example
 * ```ts
 * import type { ApplyOptions } from "@bindlink/bindlink";
 *
 * const options: ApplyOptions = { replace: true, dryRun: true };
 * ```
 */
export interface ApplyOptions extends StateOptions {
  /** The platform; default this operating system's. */
  platform?: Platform;
  /** Replace a link that shows something else (drift) instead of refusing. */
  replace?: boolean;
  /** Report what would be done, change nothing (check mode). */
  dryRun?: boolean;
  /** Called before each link is made or replaced: `done` of `total` changes so far. */
  onProgress?: (done: number, total: number, link: LinkSpec) => void;
}

function describeProblem(p: PlannedLink): string {
  const live = p.live!;
  const flags = (l: { readOnly: boolean; merged: boolean }) => linkTraits(l).join(", ") || "plain";
  return p.problem === "other-backing"
    ? `links[${p.index}] ${p.link.virtualPath} shows ${live.backingPath}, not ${p.link.backingPath}`
    : `links[${p.index}] ${p.link.virtualPath} is a ${flags(live)} link, the manifest asks for ${
      flags(p.link)
    }${p.link.exceptions.length || live.exceptions.length ? " (or other exceptions)" : ""}`;
}

function driftError(plan: ReturnType<typeof planApply>, file: string | undefined): BindLinkError {
  const list = plan.drift.map(describeProblem).join("; ");
  return new BindLinkError({
    code: "already-exists",
    operation: "apply",
    virtualPath: plan.drift[0].link.virtualPath,
    summary: `${file ?? "the links"}: ${
      plan.drift.length === 1 ? "a link differs" : `${plan.drift.length} links differ`
    } from the manifest (${list}); nothing was changed`,
    hint: "Run bindlink apply --replace to replace them, or bindlink status to see every link.",
  });
}

function blockerError(plan: ReturnType<typeof planApply>, file: string | undefined): BindLinkError {
  const b = plan.blockers[0];
  return new BindLinkError({
    code: "busy",
    operation: "apply",
    virtualPath: b.below.link.virtualPath,
    summary: `${file ?? "the links"}: replacing links[${b.below.index}] ` +
      `${b.below.link.virtualPath} would first need the link ${b.live.virtualPath} below it ` +
      "removed, and that link is not in the manifest; nothing was changed",
    hint: `Remove ${b.live.virtualPath} yourself (bindlink remove), or add it to the manifest.`,
  });
}

function results(plan: readonly PlannedLink[]): LinkResult[] {
  return plan.map((p) => ({
    index: p.index,
    link: p.link,
    action: p.action === "create" ? "created" : p.action === "unchanged" ? "unchanged" : "replaced",
    previous: p.action === "replace" ? p.live : undefined,
  }));
}

/**
 * Puts a manifest's links in place. Idempotent: a link already live as described is left
 * alone. A virtual path that shows something else is drift: refused (nothing is changed)
 * unless `replace`. Links are made in dependency order (a link that shows, or lies inside,
 * another link's virtual path comes after it). All or nothing: when link k fails, the links
 * this apply made are removed in reverse order (and those it replaced are put back) before
 * the error, which names link k, is thrown. The lock and an intent record make a killed apply
 * roll back at the next changing command.
 *
 * @param manifest A manifest from {@linkcode loadManifest}, or the path of a `bindlink.json`.
 * @returns Per link `created`, `unchanged` or `replaced`, and `changed`.
 * @throws {BindLinkError} (a {@linkcode ManifestError} for a bad manifest); the links are
 *   then as they were.
 *
 * @example
 * ```ts
 * import { applyBindLinks } from "@bindlink/bindlink";
 *
 * const result = await applyBindLinks("bindlink.json");
 * for (const r of result.links) console.log(r.action, r.link.virtualPath);
 * console.log(result.changed ? "changed" : "nothing to do");
 * ```
 */
export async function applyBindLinks(
  manifest: Manifest | string,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const platform = options.platform ?? await loadDefaultPlatform();
  try {
    const loaded = typeof manifest === "string"
      ? await loadManifest(manifest, platform, { operation: "apply" })
      : manifest;
    const rules = platform.paths;
    const compareExceptions = platform.reportsExceptions;
    const check = (live: BindLinkInfo[]) => {
      const plan = planApply(loaded.links, live, rules, compareExceptions, "apply", loaded.file);
      if (plan.drift.length && !options.replace) throw driftError(plan, loaded.file);
      if (plan.blockers.length) throw blockerError(plan, loaded.file);
      return plan;
    };
    if (options.dryRun) {
      const plan = check(await platform.list());
      await checkPlan(platform, plan.links, { operation: "apply", file: loaded.file });
      return {
        changed: plan.links.some((p) => p.action !== "unchanged"),
        dryRun: true,
        links: results(plan.links),
        recovered: [],
      };
    }
    return await changeLinks(platform, options, "apply", loaded.file, async (session) => {
      const plan = check(await platform.list());
      const changed = plan.links.some((p) => p.action !== "unchanged");
      if (changed) {
        const { removes, creates } = changesOf(plan.links);
        const intent = session.journal.begin("apply", {
          file: loaded.file,
          removes: removes.map((p) => p.live!),
          creates: creates.map((p) => p.link),
        });
        try {
          await carryOut(platform, plan.links, {
            operation: "apply",
            file: loaded.file,
            onProgress: options.onProgress,
          });
        } catch (error) {
          // A whole undo leaves nothing to recover; otherwise the record tells the next
          // command what is left.
          if (error instanceof MakeError && error.undone) intent.finish();
          throw error;
        }
        intent.finish();
      }
      return { changed, dryRun: false, links: results(plan.links), recovered: session.recovered };
    });
  } finally {
    if (!options.platform) platform.close();
  }
}
