/**
 * How the CLI puts names it did not choose (paths, manifest names, other programs' words) into
 * the text it prints for people: control characters escaped, long lists cut short. `--json`
 * output carries the names exactly and never goes through here.
 *
 * @module
 */

import { printable } from "../printable.ts";

/** How many names a list shows before it says how many more there are. */
export const LIST_LIMIT = 20;

/**
 * `paths`, one per line after `indent`, each {@linkcode printable}; past
 * {@linkcode LIST_LIMIT}, the first ones and a line saying how many more there are and which
 * command lists them all.
 *
 * @example
 * ```ts
 * import { pathLines } from "./text.ts";
 *
 * pathLines(["/a", "/b"], "    ", "bindlink status --json");
 * // "    /a\n    /b\n"
 * ```
 */
export function pathLines(paths: readonly string[], indent: string, seeAll: string): string {
  const shown = paths.length > LIST_LIMIT + 1 ? paths.slice(0, LIST_LIMIT) : paths;
  const lines = shown.map((p) => `${indent}${printable(p)}\n`).join("");
  const more = paths.length - shown.length;
  return more ? `${lines}${indent}... and ${more} more (${seeAll} lists them all)\n` : lines;
}

/**
 * A path as the user gave it and, when bindlink acted on another spelling of it (a symlink
 * followed), that one too, as `list` will show it: `/srv/vl (-> /srv/v)`.
 *
 * @example
 * ```ts
 * import { givenAndActual } from "./text.ts";
 *
 * givenAndActual("/srv/vl", "/srv/v"); // "/srv/vl (-> /srv/v)"
 * givenAndActual("/srv/v", "/srv/v"); // "/srv/v"
 * ```
 */
export function givenAndActual(given: string, actual: string | undefined): string {
  return actual === undefined || actual === given
    ? printable(given)
    : `${printable(given)} (-> ${printable(actual)})`;
}
