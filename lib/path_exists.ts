/**
 * Whether a path a user typed exists, for the checks that word a mistake: a path that cannot
 * be looked at is taken to exist, and left for the call itself to judge.
 *
 * @module
 */

/**
 * True when something is at `path`, or something this user may not look at.
 *
 * @example
 * ```ts
 * import { pathExists } from "./path_exists.ts";
 *
 * console.log(pathExists("/srv/releases/v2,ro"));
 * ```
 */
export function pathExists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (error) {
    return !(error instanceof Deno.errors.NotFound);
  }
}
