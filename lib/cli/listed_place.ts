/**
 * Where a link given by one path is listed: the same path, or, where the backend followed a
 * symlink in it (Linux), the place it led to. For messages only: nothing is done there.
 *
 * @module
 */
import type { BindLinkInfo, Platform } from "../platform.ts";

/** Where `path` leads now when that is another place (a symlink on it), else undefined. */
function elsewhere(platform: Platform, path: string): string | undefined {
  try {
    const real = Deno.realPathSync(path);
    return platform.paths.same(real, path) ? undefined : real;
  } catch {
    return undefined; // not there to resolve: the message names the path as given
  }
}

/**
 * The live link given as `virtualPath` (and `backingPath`) as `list` shows it, when either
 * path leads elsewhere now (a symlink on it, which the Linux backend follows); undefined
 * when neither does, or when no link is listed where the virtual path leads. Looks at the
 * listing only then, so a plain create or remove costs nothing more.
 *
 * @example
 * ```ts
 * import { linuxPlatform } from "@bindlink/bindlink";
 * import { listedAt } from "./listed_place.ts";
 *
 * const link = await listedAt(linuxPlatform(), "/srv/app-link");
 * console.log(link?.virtualPath); // "/srv/app" when app-link is a symlink to it
 * ```
 */
export async function listedAt(
  platform: Platform,
  virtualPath: string,
  backingPath?: string,
): Promise<BindLinkInfo | undefined> {
  const at = elsewhere(platform, virtualPath);
  if (at === undefined && (backingPath === undefined || !elsewhere(platform, backingPath))) {
    return undefined;
  }
  const place = at ?? virtualPath;
  return (await platform.list()).find((l) => platform.paths.same(l.virtualPath, place));
}

/**
 * `actual` when it names another place than `given` under `platform`'s rules, else undefined:
 * another spelling of the same place (case, on Windows) is not worth a second name.
 *
 * @example
 * ```ts
 * import { linuxPlatform } from "@bindlink/bindlink";
 * import { ifOther } from "./listed_place.ts";
 *
 * ifOther(linuxPlatform(), "/srv/vl", "/srv/v"); // "/srv/v"
 * ```
 */
export function ifOther(
  platform: Platform,
  given: string,
  actual: string | undefined,
): string | undefined {
  return actual === undefined || platform.paths.same(given, actual) ? undefined : actual;
}
