/**
 * How every message names a link's kind: "read-only", "merged", both, or neither.
 *
 * @module
 */

/**
 * The words for what a link is besides a plain redirection: `["read-only", "merged"]`, one of
 * them, or none.
 *
 * @example
 * ```ts
 * import { linkTraits } from "./link_traits.ts";
 *
 * linkTraits({ readOnly: true, merged: false }); // ["read-only"]
 * linkTraits({ readOnly: false, merged: false }).join(", ") || "plain"; // "plain"
 * ```
 */
export function linkTraits(
  link: { readonly readOnly: boolean; readonly merged: boolean },
): string[] {
  const words: string[] = [];
  if (link.readOnly) words.push("read-only");
  if (link.merged) words.push("merged");
  return words;
}
