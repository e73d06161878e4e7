/**
 * Listing the live links bindlink made in this mount namespace: every record whose mount
 * is the visible one at its virtual path. Records whose mount is gone are stale and skipped.
 *
 * @module
 */
import type { BindLinkInfo } from "../platform.ts";
import { liveMountAt } from "./link_state.ts";
import type { NamespaceState } from "./namespace_state.ts";

/**
 * The live links of `ns`, sorted by virtual path.
 *
 * @example
 * ```ts
 * import { NamespaceState } from "./namespace_state.ts";
 * import { listLinks } from "./listing.ts";
 *
 * for (const link of listLinks(NamespaceState.current())) console.log(link.virtualPath);
 * ```
 */
export function listLinks(ns: NamespaceState): BindLinkInfo[] {
  return ns.records.all()
    .filter((record) => liveMountAt(record) === "visible")
    .map(({ steps: { link } }) => ({
      virtualPath: link.virtualPath,
      backingPath: link.backingPath,
      readOnly: link.readOnly,
      merged: link.merged,
      exceptions: [...link.exceptions],
    }))
    .sort((a, b) => a.virtualPath < b.virtualPath ? -1 : a.virtualPath > b.virtualPath ? 1 : 0);
}
