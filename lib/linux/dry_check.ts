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
import { resolveCreate } from "./create_paths.ts";
import type { Where } from "./failure.ts";
import type { NamespaceState } from "./namespace_state.ts";
import { writesIntoBacking } from "./overlay_assembly.ts";
import { closeFd } from "./syscall.ts";
import { refuseSharedUpper } from "./upper_layers.ts";

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
    const { backing, skeleton } = resolveCreate(ns, spec, where, (fd) => {
      if (fd !== undefined) fds.push(fd);
      return fd;
    });
    if (writesIntoBacking({ ...spec, skeleton })) refuseSharedUpper(ns, where, backing);
  } finally {
    for (const fd of fds) closeFd(fd);
  }
}
