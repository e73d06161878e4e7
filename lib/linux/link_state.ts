/**
 * Whether a link record is live: its mount still exists at its virtual path. The unique
 * mount ID is compared, so a mount someone else made later at the same place never passes
 * for the link, and a record whose mount is gone is stale: ignored, never acted on.
 *
 * @module
 */
import { factsAt, type PathFacts, uniqueNumber } from "./mount_facts.ts";
import { describeMount, mountsBelow } from "./mount_tree.ts";
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
 * The record of the live bindlink link at a place, found by mount ID and not by the path
 * string that led there: a folder on the way may have been renamed or swapped for a symlink
 * since the record was written, so the record may name another spelling of the place.
 *
 * @param top What the caller's descriptor of the place shows (its statx): the top mount.
 * @param resolved The path the caller resolved: its record, when that names a mount at the
 * place, is the usual answer, found with one read.
 * @returns The record whose mount is the top mount at the place, or one stacked under it.
 *
 * @example
 * ```ts
 * import { AT_FDCWD } from "./libc_constants.ts";
 * import { linkAtPlace } from "./link_state.ts";
 * import { pathFacts } from "./mount_facts.ts";
 * import { NamespaceState } from "./namespace_state.ts";
 *
 * const top = pathFacts(AT_FDCWD, "/srv/app");
 * if (top && linkAtPlace(NamespaceState.current(), top, "/srv/app")) console.log("linked");
 * ```
 */
export function linkAtPlace(
  ns: NamespaceState,
  top: PathFacts,
  resolved: string,
): LinkRecord | undefined {
  // Where no mount starts, no link is: nothing to read.
  if (!top.isMountRoot) return undefined;
  const named = ns.records.read(resolved);
  if (named?.steps.mountId === top.mountId) return named;
  const stack = mountsStackedAt(top.mountId);
  if (named?.steps.mountId && stack.has(named.steps.mountId)) return named;
  // The record names another spelling of this place: found by mount ID among all records.
  return ns.records.all().find((record) =>
    record.steps.mountId !== undefined && stack.has(record.steps.mountId)
  );
}

/** The top mount `mountId` and the mounts stacked under it at the same place. */
function mountsStackedAt(mountId: string): Set<string> {
  const ids = new Set([mountId]);
  const unique = uniqueNumber(mountId);
  let mount = unique === undefined ? null : describeMount(unique);
  while (mount) {
    const parent = describeMount(mount.parentId);
    // A parent mounted at the same point is the mount this one sits on (its root).
    if (!parent || parent.id === mount.id || parent.mountPoint !== mount.mountPoint) break;
    ids.add(`u${parent.id}`);
    mount = parent;
  }
  return ids;
}

/**
 * True while the record's mount exists anywhere in this namespace, wherever its mount point
 * has been renamed to: such a record is never replaced by another link's.
 */
export function mountExists(record: LinkRecord): boolean {
  const id = record.steps.mountId;
  if (!id) return false;
  const unique = uniqueNumber(id);
  const described = unique === undefined ? null : describeMount(unique);
  return described === null ? liveMountAt(record) !== false : described !== undefined;
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
