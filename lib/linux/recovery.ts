/**
 * Finishing or undoing what a killed bindlink left, before a changing command does its own
 * work (under the namespace's lock).
 *
 * With nothing half done this is one directory read of the state folder. What it finds:
 * - an intent record of this namespace whose process is gone: when its link's mount (the
 *   unique mount ID stored before attaching) is attached at the virtual path, the link is
 *   kept and the record completed; otherwise everything it names is taken away (a staged
 *   tree, mount points, overlay's work folder);
 * - an intent record or namespace folder from an earlier boot: discarded, never acted on
 *   (its mounts cannot have survived the restart), except that overlay work folders it
 *   names are deleted, since nothing can use them any more;
 * - the folder or intent records of a namespace that no longer exists (a `run` killed in its
 *   private namespace): the work folders and mount points they name are deleted once no
 *   mount of this namespace uses them, then the records.
 *
 * @module
 */
import type { PendingIntent } from "../state/intents.ts";
import { innerMounts, takeOffStagingArea } from "./link_assembly.ts";
import { removeAllMade } from "./made_paths.ts";
import { liveMountAt, mountExists, refreshBelow } from "./link_state.ts";
import { AT_FDCWD, MNT_DETACH, O } from "./libc_constants.ts";
import { cString } from "./c_string.ts";
import { factsAt, pathFacts, uniqueNumber } from "./mount_facts.ts";
import { describeMount } from "./mount_tree.ts";
import { openNoSymlinks, procFdPath } from "./paths.ts";
import { isGoneNamespace, type NamespaceState, parseStateName } from "./namespace_state.ts";
import { finishRemoval } from "./removal.ts";
import { type LinkRecord, LinkRecords, type LinkSteps, type MadePath } from "./records.ts";
import { readStateFile } from "./files.ts";
import { assertStateRecord, UntrustedStateError } from "./state_trust.ts";
import { readProcFile } from "./proc.ts";
import { closeFd, libc } from "./syscall.ts";
import { beforeAct } from "./test_hooks.ts";

/** A file or folder bindlink had made for a link that a cleanup deleted (or would). */
export interface DeletedPath {
  /** The path. */
  path: string;
  /** Whose it was and why it goes, in words that follow "Deleted 2 paths ". */
  why: string;
}

/**
 * Notes what the cleanup deletes, or with `dry` only what it would: the made paths that are
 * there (and, when recorded, still the very file that was made) before, and gone after.
 * Kept apart from how they are deleted, which is made_paths.ts's.
 */
class Deletions {
  readonly found: DeletedPath[] = [];
  constructor(readonly dry: boolean) {}

  around(made: readonly MadePath[], why: string, remove: () => void): void {
    const there = made.filter((m) => {
      const facts = factsAt(m.path);
      return facts && (m.id === undefined || m.id === `${facts.device}:${facts.inode}`);
    });
    if (!this.dry) remove();
    for (const m of there) {
      if (this.dry || !factsAt(m.path)) this.found.push({ path: m.path, why });
    }
  }
}

// Each reads on from "Deleted 2 paths ...".
const ENDED = "bindlink made for links in a mount namespace that has ended (a killed bindlink run)";
const EARLIER = "bindlink made as overlay work folders before the last restart";

function workFolders(made: readonly MadePath[]): MadePath[] {
  return made.filter((m) => m.tree && /\/\.bindlink-work\.[^/]+$/.test(m.path));
}

/** Paths used as overlay layers or work folders by mounts of this namespace. */
function pathsInUse(): string {
  return readProcFile("/proc/self/mountinfo") ?? "";
}

/**
 * Deletes what a dead namespace's link or intent made, unless a mount here still uses it, and
 * only what is exactly what the record describes (device and inode, reached without
 * symlinks): a mount point here shows a mount's root, never the recorded folder, so it stays.
 */
function cleanForeign(
  made: readonly MadePath[],
  inUse: string,
  deletions: Deletions,
  why: string,
): void {
  const safe = made.filter((item) =>
    !inUse.includes(
      item.path.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`),
    )
  );
  deletions.around(safe, why, () => removeAllMade(safe));
}

function resolveOwnIntent(ns: NamespaceState, pending: PendingIntent<LinkSteps>): void {
  // The private staging area a killed create mounted: only a create holding this lock mounts
  // it, and none is running now.
  takeOffStagingArea(`${ns.dir}/staging`);
  const record = pending.record;
  if (pending.partial || !record) {
    // Written halfway: begin() never returned, so nothing it describes was made.
    ns.intents.discard(pending);
    return;
  }
  const steps = record.steps;
  const at = steps.link.virtualPath;
  const attached = steps.mountId !== undefined &&
    liveMountAt(record as LinkRecord) !== false;
  const other = attached ? ns.records.read(at) : undefined;
  if (other && other.steps.mountId !== steps.mountId && mountExists(other)) {
    // A create killed after it attached over another spelling of a live link's place (a
    // folder on the path renamed meanwhile): that link keeps its record, and this create is
    // undone as it would have undone itself.
    takeOffMount(at, steps.mountId!);
    finishRemoval(ns, steps);
    ns.intents.discard(pending);
    return;
  }
  if (attached) {
    // The link was attached (a create killed before its record, or a remove killed before
    // its detach): keep it, with its record.
    refreshBelow(ns, steps.refresh ?? []);
    const intent = ns.intents.adopt(record);
    if (!steps.ownMounts) {
      // Killed between attach and the record's last update: the links grafted inside are
      // the ones whose records were refreshed; everything else below is the link's own.
      const children = new Set(
        (steps.refresh ?? []).map((p) => ns.records.read(p)?.steps.mountId ?? ""),
      );
      intent.update({ ...steps, ownMounts: innerMounts(steps.mountId!, children) });
    }
    ns.records.place(intent, at);
    return;
  }
  // Not attached at the virtual path: a staged tree may still hang at its staging folder.
  const unique = steps.mountId === undefined ? undefined : uniqueNumber(steps.mountId);
  const staged = unique === undefined ? undefined : describeMount(unique);
  if (staged && staged.mountPoint.startsWith(`${ns.dir}/staging/`)) {
    takeOffMount(staged.mountPoint, steps.mountId!);
  }
  finishRemoval(ns, steps);
  ns.intents.discard(pending);
}

/** Takes the mount `mountId` off `at`, reached without symlinks, only as that mount. */
function takeOffMount(at: string, mountId: string): void {
  const fd = openNoSymlinks(AT_FDCWD, at, O.PATH);
  if (fd === undefined) return;
  try {
    if (pathFacts(fd, "")?.mountId !== mountId) return;
    beforeAct("unmount", at);
    libc().umount2(cString(procFdPath(fd)), MNT_DETACH);
  } finally {
    closeFd(fd);
  }
}

/**
 * Finishes or undoes every half-done operation it may touch; call it holding `ns.lock`,
 * before a changing command's own work. Returns the files and folders bindlink had made that
 * it deleted, so the command can say so; with `dry`, changes nothing and returns what it
 * would delete (for `prune --dry-run`, and to know whether there is anything to do).
 *
 * @example
 * ```ts
 * import { NamespaceState } from "./namespace_state.ts";
 * import { recoverPending } from "./recovery.ts";
 *
 * const ns = NamespaceState.current();
 * ns.lock.runSync({ command: "prune" }, () => recoverPending(ns));
 * ```
 */
export function recoverPending(ns: NamespaceState, dry = false): DeletedPath[] {
  const deletions = new Deletions(dry);
  const names = ns.othersPresent();
  if (names === undefined) return deletions.found;
  const boot = ns.key.slice(0, ns.key.indexOf("."));
  let inUse: string | undefined;
  for (const name of names) {
    if (name === ns.key) continue;
    try {
      recoverOne(ns, name, boot, () => inUse ??= pathsInUse(), deletions);
    } catch (error) {
      // This namespace's own half-done work must be settled before anything else is done
      // here (a create could stack on a link it does not know of); another namespace's
      // leftovers are left for a later command.
      if (
        (name.startsWith(`${ns.key}.`) && !dry) || error instanceof UntrustedStateError
      ) throw error;
    }
  }
  return deletions.found;
}

function recoverOne(
  ns: NamespaceState,
  name: string,
  boot: string,
  mountsHere: () => string,
  deletions: Deletions,
): void {
  const own = ns.key;
  const parsed = parseStateName(name);
  if (!parsed) return;
  const key = `${parsed.boot}.${parsed.ns}`;
  const isIntent = ns.intents.isIntentName(name);
  if (isIntent && key === own) {
    const [pending] = ns.intents.judge<LinkSteps>([name]);
    if (pending && pending.owner !== "running") {
      if (pending.owner === "earlier boot") {
        if (!deletions.dry) ns.intents.discard(pending);
        return;
      }
      const record = pending.record;
      // What an undone create deletes; a link found attached is kept, with what it made.
      const undone = !pending.partial && record &&
        !(record.steps.mountId !== undefined && liveMountAt(record as LinkRecord) !== false);
      const why = `bindlink made for a ${record?.operation ?? "change"} of ${
        record?.steps.link.virtualPath ?? "a link"
      } whose process ${record?.pid ?? ""} was killed`;
      deletions.around(undone ? record.steps.made : [], why, () => resolveOwnIntent(ns, pending));
    }
    return;
  }
  const earlierBoot = parsed.boot !== boot;
  if (!isGoneNamespace(parsed, boot)) return;
  const inUse = earlierBoot ? "" : mountsHere();
  const file = `${ns.stateDir}/${name}`;
  const why = earlierBoot ? EARLIER : ENDED;
  if (isIntent) {
    const record = readIntent(file);
    if (record) {
      const made = earlierBoot ? workFolders(record.steps.made) : record.steps.made;
      cleanForeign(made, inUse, deletions, why);
    }
    if (!deletions.dry) Deno.removeSync(file);
  } else {
    for (const record of new LinkRecords(`${file}/links`).all()) {
      const made = earlierBoot ? workFolders(record.steps.made) : record.steps.made;
      cleanForeign(made, inUse, deletions, why);
    }
    if (!deletions.dry) Deno.removeSync(file, { recursive: true });
  }
}

function readIntent(file: string): LinkRecord | undefined {
  const text = readStateFile(file, assertStateRecord);
  try {
    return JSON.parse(text ?? "null") ?? undefined;
  } catch {
    return undefined;
  }
}
