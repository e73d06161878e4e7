/**
 * What `apply --dry-run` asks of the platform besides the plan: every link the apply would
 * make, checked as the create would check it ({@linkcode Platform.checkCreate}), without
 * changing anything. The first refusal is the dry run's error, worded as apply words a
 * failed link, with the same code.
 *
 * A link whose virtual or backing path lies at or below the virtual path of a link the same
 * apply makes or replaces first is not checked: what it will find there exists only once that
 * link is made, so only the apply itself can tell.
 *
 * @module
 */
import { BindLinkError, type BindLinkOperation } from "../errors.ts";
import type { Platform } from "../platform.ts";
import { changesOf, linkFailure } from "./make.ts";
import type { PlannedLink } from "./plan.ts";

/** Whether `p`'s paths lie at or below a link that this plan changes before it. */
function dependsOnChange(platform: Platform, p: PlannedLink, before: readonly PlannedLink[]) {
  const rules = platform.paths;
  return before.some((e) =>
    [p.link.virtualPath, p.link.backingPath].some((path) =>
      rules.same(path, e.link.virtualPath) || rules.isBelow(path, e.link.virtualPath)
    )
  );
}

/**
 * Checks each link of `plan` that would be created; throws the error apply would give for
 * the first that would fail. Returns how many links it could not check beforehand.
 *
 * @example
 * ```ts
 * import type { Platform } from "../platform.ts";
 * import type { PlannedLink } from "./plan.ts";
 * import { checkPlan } from "./dry_check.ts";
 *
 * declare const platform: Platform, plan: PlannedLink[];
 * await checkPlan(platform, plan, { operation: "apply", file: "bindlink.json" });
 * ```
 */
export async function checkPlan(
  platform: Platform,
  plan: readonly PlannedLink[],
  context: { operation: BindLinkOperation; file?: string },
): Promise<number> {
  const { creates } = changesOf(plan);
  // Replaced links come off first, all of them: whatever lies below one is seen only after.
  const replaced = creates.filter((p) => p.action === "replace");
  let unchecked = 0;
  for (const [i, p] of creates.entries()) {
    if (p.action !== "create") continue;
    if (dependsOnChange(platform, p, [...replaced, ...creates.slice(0, i)])) {
      unchecked++;
      continue;
    }
    try {
      await platform.checkCreate(p.link);
    } catch (error) {
      throw new BindLinkError(
        linkFailure(context, p, error, "would fail", "this was a dry run, nothing was changed"),
      );
    }
  }
  return unchecked;
}
