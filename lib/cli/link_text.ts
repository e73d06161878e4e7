/**
 * How the CLI words links and what its commands did to them: one line per link for people,
 * the same fields as JSON, and what a cleanup found and did first.
 *
 * @module
 */
import { linkTraits } from "../link_traits.ts";
import type { LeftoverPath, RecoveredOperation } from "../manifest/types.ts";
import type { LinkSpec } from "../platform.ts";
import { printable } from "../printable.ts";
import { plural } from "./options.ts";
import { pathLines } from "./text.ts";

/** `/a -> /b (read-only, merged; exceptions: /a/x)` */
export function describeLink(link: LinkSpec): string {
  const traits = linkTraits(link);
  const exceptions = link.exceptions.length
    ? `exceptions: ${link.exceptions.map(printable).join(", ")}`
    : "";
  const extra = [traits.join(", "), exceptions].filter(Boolean).join("; ");
  return `${printable(link.virtualPath)} -> ${printable(link.backingPath)}${
    extra ? ` (${extra})` : ""
  }`;
}

/** A link as JSON output shows it. */
export function linkJson(link: LinkSpec): Record<string, unknown> {
  return {
    virtualPath: link.virtualPath,
    backingPath: link.backingPath,
    readOnly: link.readOnly,
    merged: link.merged,
    exceptions: link.exceptions,
  };
}

/** The `--json` line of an apply or down: each link's index, action and fields, plus `more`. */
export function changeJson<L extends { index: number; action: string; link: LinkSpec }>(
  operation: "apply" | "down",
  file: string | undefined,
  result: { changed: boolean; links: readonly L[]; recovered: unknown },
  dryRun: boolean,
  more: (link: L) => Record<string, unknown>,
): string {
  return JSON.stringify({
    ok: true,
    operation,
    file,
    changed: result.changed,
    dryRun,
    links: result.links.map((l) => ({
      index: l.index,
      action: l.action,
      ...linkJson(l.link),
      ...more(l),
    })),
    recovered: result.recovered,
  }) + "\n";
}

/**
 * A line per interrupted operation that was cleaned up first, then the links it removed and
 * made again, one per line (past about 20, how many more and that `seeAll` lists them).
 */
export function describeRecovered(
  recovered: readonly RecoveredOperation[],
  seeAll = "the same command with --json",
): string {
  const list = (heading: string, paths: readonly string[]) =>
    paths.length ? `  ${heading} (${paths.length}):\n${pathLines(paths, "    ", seeAll)}` : "";
  return recovered.map((r) =>
    `Cleaned up an interrupted ${r.operation} of process ${r.pid}: ${r.outcome}\n` +
    list("links removed", r.removed) + list("links made again", r.restored)
  ).join("");
}

/**
 * What a cleanup deleted (or with `dryRun` would delete) of what killed commands had made,
 * grouped by why, one path per line (past about 20, how many more and that `seeAll` lists
 * them); nothing when the list is empty.
 */
export function describeDeleted(
  deleted: readonly LeftoverPath[],
  seeAll: string,
  dryRun = false,
): string {
  const byWhy = Map.groupBy(deleted, (d) => d.why);
  return [...byWhy].map(([why, items]) =>
    `${dryRun ? "Would delete" : "Deleted"} ${plural(items.length, "path")} ${printable(why)}:\n` +
    pathLines(items.map((d) => d.path), "  ", seeAll)
  ).join("");
}
