/**
 * Removing a link on Linux: under the namespace's lock, open the virtual path once, find the
 * record of the link whose mount is there (unique mount ID), check that every mount below it
 * is its own (exceptions), then take it off with one `umount2(MNT_DETACH)` and delete what
 * was made for it. A mount bindlink did not make below the link, however it got there, makes
 * the remove refuse with `busy` before anything is changed.
 *
 * The record itself becomes the remove's intent record (one rename), so a kill at any moment
 * is finished by the next changing command: the mount still there means nothing happened
 * (the record is put back), the mount gone means the cleanup is finished.
 *
 * @module
 */
import path from "../posix_path.ts";
import { BindLinkError } from "../errors.ts";
import type { Intent } from "../state/intents.ts";
import { removeAllMade } from "./made_paths.ts";
import type { Leftover } from "./owned_tree.ts";
import { explain, refusal, type Where } from "./failure.ts";
import { AT_FDCWD, MNT_DETACH, O } from "./libc_constants.ts";
import { cString } from "./c_string.ts";
import { linkAtPlace, liveMountAt } from "./link_state.ts";
import { pathFacts, uniqueNumber } from "./mount_facts.ts";
import { describeMount, mountsBelow } from "./mount_tree.ts";
import type { NamespaceState } from "./namespace_state.ts";
import { openNoSymlinks, openResolved, procFdPath } from "./paths.ts";
import { cleanOverlayLeftovers } from "./overlay_leftovers.ts";
import type { LinkRecord, LinkSteps, MadePath } from "./records.ts";
import { about, check, closeFd, libc } from "./syscall.ts";
import { beforeAct } from "./test_hooks.ts";
import { forgetUpper } from "./upper_layers.ts";

/** Detaches the mount whose root `fd` is (the mount and everything below it). */
function detachFd(fd: number): void {
  check(libc().umount2(cString(procFdPath(fd)), MNT_DETACH), "umount2");
}

/**
 * Detaches the mounts of earlier links this link covered (they show again now), shallowest
 * first, each only when the mount at its path is exactly the one recorded. Returns those
 * still covered by something else.
 */
export function detachCovered(
  ns: NamespaceState,
  covers: LinkSteps["covers"] = [],
): NonNullable<LinkSteps["covers"]> {
  const waiting = [...covers].sort((a, b) => a.path.length - b.path.length);
  const left: NonNullable<LinkSteps["covers"]> = [];
  for (const cover of waiting) {
    // A mount a live record still names is that link's own (a create that never attached
    // covered nothing): never taken off here.
    if (ns.records.read(cover.path)?.steps.mountId === cover.mountId) continue;
    // Recorded resolved: reached without a symlink, and taken off only as the very mount.
    let fd: number | undefined;
    try {
      fd = openNoSymlinks(AT_FDCWD, cover.path, O.PATH);
    } catch {
      fd = undefined;
    }
    if (fd === undefined) {
      if (describeMount(uniqueNumber(cover.mountId) ?? -1n)) left.push(cover);
      continue;
    }
    try {
      if (pathFacts(fd, "")?.mountId === cover.mountId) {
        beforeAct("unmount", cover.path);
        detachFd(fd);
      } else if (describeMount(uniqueNumber(cover.mountId) ?? -1n)) left.push(cover);
    } finally {
      closeFd(fd);
    }
  }
  return left;
}

/**
 * Hands mounts that stay covered, and mount points hidden under another link, to the
 * nearest live link above `virtualPath`, whose remove will take them off once they show.
 */
export function handOver(
  ns: NamespaceState,
  virtualPath: string,
  covers: NonNullable<LinkSteps["covers"]>,
  hidden: readonly MadePath[],
): void {
  if (!covers.length && !hidden.length) return;
  for (let at = path.posix.dirname(virtualPath); at !== "/"; at = path.posix.dirname(at)) {
    const above = ns.records.read(at);
    if (!above || !liveMountAt(above)) continue;
    const known = new Set((above.steps.covers ?? []).map((c) => c.mountId));
    const knownMade = new Set(above.steps.made.map((m) => m.path));
    ns.records.rewrite({
      ...above,
      steps: {
        ...above.steps,
        covers: [...(above.steps.covers ?? []), ...covers.filter((c) => !known.has(c.mountId))],
        made: [...hidden.filter((m) => !knownMade.has(m.path)), ...above.steps.made],
      },
    });
    return;
  }
}

/**
 * Everything after the detach: covered mounts, what was made, overlay's traces. Returns what
 * was left where it is, and why.
 */
export function finishRemoval(ns: NamespaceState, steps: LinkSteps): Leftover[] {
  const covered = detachCovered(ns, steps.covers);
  const { leftovers, hidden } = removeAllMade(steps.made);
  handOver(ns, steps.link.virtualPath, covered, hidden);
  forgetUpper(ns, steps);
  if (steps.link.since !== undefined) {
    const link = steps.link;
    leftovers.push(
      ...cleanOverlayLeftovers(link.backingPath, link.backingId, BigInt(link.since!)).left,
    );
  }
  return leftovers;
}

/** Leftovers in words, for a message: what bindlink left where it is, and why. */
export function describeLeftovers(leftovers: readonly Leftover[]): string {
  return leftovers.map((left) => `${left.path} could not be deleted (${left.why})`).join("; ");
}

/** Removes the link at `virtualPath` in the namespace `ns`; the caller holds the lock.
 *
 * @example
 * ```ts
 * import { NamespaceState } from "./namespace_state.ts";
 * import { removeLink } from "./removal.ts";
 *
 * const ns = NamespaceState.current();
 * ns.lock.runSync({ command: "remove" }, () => removeLink(ns, "/srv/app"));
 * ```
 */
export function removeLink(ns: NamespaceState, virtualPath: string): void {
  const where: Where = { operation: "remove", virtualPath };
  let fd: number | undefined;
  let intent: Intent<LinkSteps> | undefined;
  let record: LinkRecord | undefined;
  try {
    const opened = about("virtual path", () => openResolved(AT_FDCWD, virtualPath, virtualPath));
    if (opened === undefined) {
      throw refusal(where, {
        code: "not-found",
        summary: "there is no bind link at this path (the path does not exist)",
        hint: "Check the spelling of the virtual path; links vanish at restart.",
      });
    }
    fd = opened.fd;
    const resolved = opened.path;
    if (resolved !== virtualPath) {
      where.symlinkNote = ` (through a symlink: the virtual path resolves to ${resolved})`;
    }
    const top = pathFacts(fd, "")!;
    // The descriptor is the top mount at the resolved place: the link there is found by its
    // mount, whichever spelling of the place its record was written under.
    record = linkAtPlace(ns, top, resolved);
    const live = record ? record.steps.mountId === top.mountId ? "visible" : "covered" : false;
    if (!record || !live) {
      throw refusal(where, {
        code: "not-found",
        summary: top.isMountRoot
          ? "there is a mount here, but not a link bindlink made"
          : "there is no bind link at this path",
        hint: top.isMountRoot
          ? `bindlink only removes its own links; use umount ${resolved} for other mounts.`
          : "Check the spelling of the virtual path; links vanish at restart.",
      });
    }
    if (live === "covered") {
      throw refusal(where, {
        code: "busy",
        summary: "another mount has been stacked on top of the link",
        hint: `Unmount what covers ${resolved} first.`,
      });
    }
    const recordPath = record.steps.link.virtualPath;
    // Every mount below the link, by parent relation (a mount moved in keeps an older ID):
    // all must be the link's own before anything is done, so the remove is whole or nothing.
    const unique = uniqueNumber(record.steps.mountId!);
    const childIds = unique === undefined ? [] : mountsBelow(unique, true) ?? [];
    const ownIds = new Set(record.steps.ownMounts ?? []);
    const strangers = childIds.filter((id) => !ownIds.has(`u${id}`))
      .map((id) => describeMount(id)?.mountPoint)
      .filter((at): at is string => at !== undefined);
    if (strangers.length) {
      const links = strangers.filter((at) => ns.records.read(at));
      throw refusal(where, {
        code: "busy",
        summary: links.length
          ? `another bind link lives below this one (${links.join(", ")})`
          : `a mount bindlink did not make lives below this link (${strangers.join(", ")})`,
        hint: links.length
          ? "Remove the links nested below it first, deepest first, then remove this one."
          : `Unmount or move what is mounted below it first (findmnt -R ${resolved} lists ` +
            "them); bindlink only takes off its own mounts.",
      });
    }

    // The record becomes this remove's intent: one rename.
    intent = ns.intents.claim(ns.records.fileFor(recordPath), record);
    if (!intent) throw new Error(`the record of ${recordPath} vanished under the lock`);
    try {
      // One detach takes the link and its exception mounts together: never half removed.
      beforeAct("unmount", resolved);
      detachFd(fd);
    } catch (error) {
      intent.moveTo(ns.records.fileFor(recordPath));
      intent = undefined;
      throw error;
    }
    const leftovers = finishRemoval(ns, record.steps);
    intent.finish();
    intent = undefined;
    if (leftovers.length) {
      throw refusal(where, {
        code: "busy",
        summary: `the link is gone, but ${describeLeftovers(leftovers)}`,
        hint: "Something was put there after the link was made; check and delete it by hand.",
      });
    }
  } catch (error) {
    if (error instanceof BindLinkError) throw error;
    throw explain(error, where);
  } finally {
    if (fd !== undefined) closeFd(fd);
    // A failure after the detach leaves the intent: the next command finishes the cleanup.
  }
}
