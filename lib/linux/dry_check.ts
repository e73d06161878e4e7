/**
 * A create on Linux checked without acting, for `apply --dry-run`: the same resolving and
 * checking {@linkcode createLink} does first (every path opened once, its kind, overlapping
 * layers, a link already there, links below), and then every descriptor closed again. Nothing
 * is mounted, made or written.
 *
 * What it cannot foresee is what only the kernel decides at the mount itself: overlayfs's
 * own refusals (a file system it cannot use as a layer), a mount limit, a race with another
 * process changing the paths in between.
 *
 * @module
 */
import type { LinkSpec } from "../platform.ts";
import { resolveCreate } from "./create_checks.ts";
import type { Where } from "./failure.ts";
import type { NamespaceState } from "./namespace_state.ts";
import { closeFd } from "./syscall.ts";

/**
 * Runs the checks of a create of `spec` in `ns` and closes what they opened; throws the
 * refusal the create would throw.
 *
 * @example
 * ```ts
 * import { checkCreateLink } from "./dry_check.ts";
 * import { NamespaceState } from "./namespace_state.ts";
 *
 * const spec = { virtualPath: "/srv/app", backingPath: "/srv/v2", readOnly: false, merged: false, exceptions: [] };
 * checkCreateLink(NamespaceState.current(), spec, { operation: "create", virtualPath: spec.virtualPath });
 * ```
 */
export function checkCreateLink(ns: NamespaceState, spec: LinkSpec, where: Where): void {
  const fds: number[] = [];
  try {
    resolveCreate(ns, spec, where, (fd) => {
      if (fd !== undefined) fds.push(fd);
      return fd;
    });
    // HOOK (dry check of "one writer per upper layer"): a second writable merged link on a
    // backing path another overlay of bindlink's writes into (or inside or around it) is
    // refused by the create path after these checks; when that check exists, call it here
    // too, with the resolved backing path, exactly as createLink calls it.
  } finally {
    for (const fd of fds) closeFd(fd);
  }
}
