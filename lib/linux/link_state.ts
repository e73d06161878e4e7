/**
 * Whether a link record is live: its mount still exists at its virtual path. The unique
 * mount ID is compared, so a mount someone else made later at the same place never passes
 * for the link, and a record whose mount is gone is stale: ignored, never acted on.
 *
 * @module
 */
import {
  describeMount,
  factsAt,
  mountsBelow,
  type PathFacts,
  uniqueNumber,
} from "./mount_facts.ts";
import type { NamespaceState } from "./namespace_state.ts";
import type { LinkRecord } from "./records.ts";

/**
 * How the record's mount stands: `visible` (the top mount at its path), `covered` (still
 * mounted there, under another mount), or `false` (gone: the record is stale).
 *
 * @example
 * ```ts
 * import { liveMountAt } from "./link_state.ts";
 * import { NamespaceState } from "./namespace_state.ts";
 *
 * const record = NamespaceState.current().records.read("/srv/app");
 * if (record && liveMountAt(record) === "visible") console.log("the link is there");
 * ```
 *
 * @param atNow What is at the record's virtual path now, when the caller has just looked
 * (its own statx of the path); looked up when absent.
 */
export function liveMountAt(
  record: LinkRecord,
  atNow?: PathFacts,
): "visible" | "covered" | false {
  const id = record.steps.mountId;
  const at = record.steps.link.virtualPath;
  if (!id) return false;
  if ((atNow ?? factsAt(at))?.mountId === id) return "visible";
  const unique = uniqueNumber(id);
  if (unique === undefined) return false;
  const described = describeMount(unique);
  return described && described.mountPoint === at ? "covered" : false;
}

/**
 * After a link was made over earlier links, they show through new mounts (clones inside the
 * new link): their records are updated to name those.
 */
export function refreshBelow(ns: NamespaceState, paths: readonly string[]): void {
  const updates: LinkRecord[] = [];
  for (const at of paths) {
    const record = ns.records.read(at);
    if (!record) continue;
    const now = factsAt(at);
    if (!now?.isMountRoot || now.mountId === record.steps.mountId) continue;
    updates.push({ ...record, steps: { ...record.steps, mountId: now.mountId } });
  }
  // Inside each new mount: its own inner mounts (exceptions), and the other links' mounts.
  const links = new Set(updates.map((record) => record.steps.mountId!));
  for (const record of updates) {
    const unique = uniqueNumber(record.steps.mountId!);
    const inner = unique === undefined ? [] : mountsBelow(unique) ?? [];
    const ownMounts = inner.map((id) => `u${id}`).filter((id) => !links.has(id));
    ns.records.rewrite({ ...record, steps: { ...record.steps, ownMounts } });
  }
}
