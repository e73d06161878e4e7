/**
 * Where a link's paths lead, for the startup task: the place written into the protected copy
 * at install, and the check at boot that a virtual path still leads there. A user who can
 * write a folder on the way could otherwise plant a symlink or junction after install and
 * have SYSTEM or root make the link somewhere else (inside `C:\Program Files`, `/usr/lib`).
 *
 * @module
 */
import type { Platform } from "../platform.ts";

/**
 * The path as the boot run must name it: the place it leads to now. On Linux symlinks on the
 * way are resolved. On Windows, SYSTEM at boot has no mapped and no `subst` drives, so a path
 * whose identity (the place the platform's rules find through mapped and substituted drives,
 * junctions and links) is another place is written as that place: `\\server\share\...` for a
 * mapped drive, the real folder for a `subst` drive; identities are upper-cased, which
 * Windows paths do not mind, and a path that leads where it says keeps its spelling.
 *
 * @example
 * ```ts
 * import { bootPath } from "./boot_place.ts";
 * import { linuxPlatform } from "../linux/platform.ts";
 * bootPath("/var/run/app", linuxPlatform()); // "/run/app" where /var/run -> /run
 * ```
 */
export function bootPath(file: string, platform: Platform): string {
  return platform.paths.realPlace(file);
}

/**
 * Where `virtualPath` leads now when that is not where it says (a symlink or junction
 * planted on the way since install), else undefined.
 *
 * @example
 * ```ts
 * import { movedPlace } from "./boot_place.ts";
 * import { linuxPlatform } from "../linux/platform.ts";
 * movedPlace("/srv/app/config", linuxPlatform()); // undefined when nothing moved
 * ```
 */
export function movedPlace(
  virtualPath: string,
  platform: Platform,
): string | undefined {
  const now = bootPath(virtualPath, platform);
  return now === virtualPath ? undefined : now;
}
