/**
 * Pure planning: in which order a manifest's links are made, and how the live links differ
 * from it. Paths are compared only through the platform's path rules (`same`, `isBelow`),
 * never as strings, so `C:\App` and `c:\app` are one place on Windows.
 *
 * @module
 */
import type { BindLinkOperation } from "../errors.ts";
import type { PathRules } from "../paths.ts";
import type { BindLinkInfo, LinkSpec } from "../platform.ts";
import { ManifestError } from "./manifest_error.ts";
import type { LinkProblem } from "./types.ts";

/** A link with its position in the manifest. */
export interface IndexedLink {
  /** The position in the manifest, from 0. */
  readonly index: number;
  /** The link. */
  readonly link: LinkSpec;
}

function atOrBelow(rules: PathRules, child: string, parent: string): boolean {
  return rules.same(child, parent) || rules.isBelow(child, parent);
}

/** True when `later` must be made after `earlier`: it shows it, or lies inside it. */
function dependsOn(rules: PathRules, later: LinkSpec, earlier: LinkSpec): boolean {
  return atOrBelow(rules, later.backingPath, earlier.virtualPath) ||
    rules.isBelow(later.virtualPath, earlier.virtualPath);
}

/**
 * The order to make links in: a link whose backing path is another link's virtual path (or
 * lies below it), or whose virtual path lies below another's, comes after that one; otherwise
 * the manifest's order is kept. Removing goes the other way (deepest first). Throws
 * {@linkcode ManifestError} when links depend on each other in a circle.
 *
 * @example
 * ```ts
 * import { linuxPlatform } from "@bindlink/bindlink";
 * import { orderLinks } from "./plan.ts";
 *
 * const spec = (v: string, b: string) =>
 *   ({ virtualPath: v, backingPath: b, readOnly: false, merged: false, exceptions: [] });
 * const order = orderLinks([spec("/a/b", "/x"), spec("/a", "/y")], linuxPlatform().paths);
 * console.log(order.map((l) => l.index)); // [1, 0]
 * ```
 */
export function orderLinks(
  links: readonly LinkSpec[],
  rules: PathRules,
  operation: BindLinkOperation = "apply",
  file?: string,
): IndexedLink[] {
  const pending = links.map((link, index) => ({ index, link }));
  const ordered: IndexedLink[] = [];
  while (pending.length) {
    const next = pending.findIndex((candidate) =>
      !pending.some((other) => other !== candidate && dependsOn(rules, candidate.link, other.link))
    );
    if (next < 0) {
      const circle = pending.map((p) => `links[${p.index}] (${p.link.virtualPath})`).join(", ");
      throw new ManifestError({
        code: "invalid-argument",
        operation,
        file,
        summary: `${file ?? "the links"}: ${circle} each show or lie inside another of them, ` +
          "in a circle, so none can be made first",
        hint: "A link can show another link's virtual path only if that one does not, in turn, " +
          "show it; break the circle.",
      });
    }
    ordered.push(pending.splice(next, 1)[0]);
  }
  return ordered;
}

/**
 * How a live link differs from `link`: none (live as described), or what is different.
 *
 * @example
 * ```ts
 * import { linuxPlatform } from "@bindlink/bindlink";
 * import { compareLink } from "./plan.ts";
 *
 * const link = { virtualPath: "/a", backingPath: "/b", readOnly: false, merged: false, exceptions: [] };
 * console.log(compareLink(link, undefined, linuxPlatform().paths, true)); // "missing"
 * ```
 */
export function compareLink(
  link: LinkSpec,
  live: BindLinkInfo | undefined,
  rules: PathRules,
  compareExceptions: boolean,
): LinkProblem | undefined {
  if (!live) return "missing";
  if (!rules.same(live.backingPath, link.backingPath)) return "other-backing";
  if (live.readOnly !== link.readOnly || live.merged !== link.merged) return "other-flags";
  if (compareExceptions) {
    const same = live.exceptions.length === link.exceptions.length &&
      link.exceptions.every((e) => live.exceptions.some((l) => rules.same(l, e)));
    if (!same) return "other-flags";
  }
  return undefined;
}

/** The live link at `virtualPath`, found by path identity. */
export function liveAt(
  live: readonly BindLinkInfo[],
  virtualPath: string,
  rules: PathRules,
): BindLinkInfo | undefined {
  return live.find((l) => rules.same(l.virtualPath, virtualPath));
}

/** One link's entry in an apply plan. */
export interface PlannedLink extends IndexedLink {
  /** What apply does: make it, leave it, or remove what is there and make it. */
  readonly action: "create" | "unchanged" | "replace";
  /** The live link at the virtual path, if any. */
  readonly live?: BindLinkInfo;
  /** How the live link differs, for `replace` and for drift. */
  readonly problem?: LinkProblem;
  /** Made again only because a link above it is replaced (removing that needs it gone). */
  readonly becauseOf?: number;
}

/** What apply would do. */
export interface ApplyPlan {
  /** Every link, in the order to make them. */
  readonly links: readonly PlannedLink[];
  /** Links whose virtual path shows something else; apply refuses them unless `replace`. */
  readonly drift: readonly PlannedLink[];
  /** Live links not in the manifest that a replace would have to remove; always refused. */
  readonly blockers: readonly { readonly live: BindLinkInfo; readonly below: PlannedLink }[];
}

/**
 * Compares the manifest with the live links: each link is `create` (missing), `unchanged`
 * (live as described) or `replace` (drift: something else is there). A link below a replaced
 * one must come off before it and is made again (`becauseOf`); a live link that is not in the
 * manifest and lies below a replaced one is a blocker, since apply never touches it.
 *
 * @example
 * ```ts
 * import { linuxPlatform } from "@bindlink/bindlink";
 * import { planApply } from "./plan.ts";
 *
 * const link = { virtualPath: "/a", backingPath: "/b", readOnly: false, merged: false, exceptions: [] };
 * const plan = planApply([link], [], linuxPlatform().paths, true);
 * console.log(plan.links[0].action); // "create"
 * ```
 */
export function planApply(
  links: readonly LinkSpec[],
  live: readonly BindLinkInfo[],
  rules: PathRules,
  compareExceptions: boolean,
  operation: BindLinkOperation = "apply",
  file?: string,
): ApplyPlan {
  const ordered = orderLinks(links, rules, operation, file);
  const planned: PlannedLink[] = ordered.map((entry) => {
    const current = liveAt(live, entry.link.virtualPath, rules);
    const problem = compareLink(entry.link, current, rules, compareExceptions);
    if (problem === "missing") return { ...entry, action: "create" };
    if (problem === undefined) return { ...entry, action: "unchanged", live: current };
    return { ...entry, action: "replace", live: current, problem };
  });
  const drift = planned.filter((p) => p.action === "replace");
  // Removing a link while another lives below it fails; those below come off first and,
  // when they are the manifest's, go back on afterwards.
  const final = planned.map((p) => {
    if (p.action !== "unchanged") return p;
    const above = drift.find((d) => rules.isBelow(p.link.virtualPath, d.link.virtualPath));
    return above ? { ...p, action: "replace" as const, becauseOf: above.index } : p;
  });
  const blockers = drift.flatMap((d) =>
    live.filter((l) =>
      rules.isBelow(l.virtualPath, d.link.virtualPath) &&
      !links.some((m) => rules.same(m.virtualPath, l.virtualPath))
    ).map((l) => ({ live: l, below: d }))
  );
  return { links: final, drift, blockers };
}
