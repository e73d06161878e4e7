/**
 * Creating a link on Linux: under the namespace's lock, resolve every path once, check,
 * write the intent record, assemble the link detached, attach it with one call, and rename
 * the intent record into the link's record. A failure at any step takes away everything the
 * call made; a kill at any step is finished or undone by the next changing command.
 *
 * @module
 */
import path from "../posix_path.ts";
import type { LinkSpec } from "../platform.ts";
import type { Intent } from "../state/intents.ts";
import { UndoList } from "../undo.ts";
import { type Kind, kindOf, resolveCreate } from "./create_checks.ts";
import { explain, refuse, type Where } from "./failure.ts";
import { AT_FDCWD, MNT_DETACH, O } from "./libc_constants.ts";
import { cString } from "./c_string.ts";
import { mountExists, refreshBelow } from "./link_state.ts";
import { removeMade } from "./made_paths.ts";
import { identityOf } from "./owned_tree.ts";
import {
  DetachedGraftRefused,
  ensurePrivateStagingArea,
  GraftKindMismatch,
  LinkTree,
} from "./mount_sequences.ts";
import { describeMount, factsAt, mountsBelow, pathFacts, uniqueNumber } from "./mount_facts.ts";
import type { NamespaceState } from "./namespace_state.ts";
import { type AssemblyPlan, writesIntoBacking } from "./overlay_assembly.ts";
import { openNoSymlinks, openPath, procFdPath } from "./paths.ts";
import type { LinkSteps, MadePath } from "./records.ts";
import { about, check, closeFd, libc, SystemCallError } from "./syscall.ts";
import { ERRNO } from "./errno.ts";
const { ENOENT } = ERRNO;
import { noteUpper, refuseSharedUpper } from "./upper_layers.ts";

/** How the tree is assembled: detached (default), or at a staging folder (older kernels). */
export type Assembly = "detached" | "staging";

/** Creates the link `spec` in the namespace `ns`; the caller holds the lock.
 *
 * @example
 * ```ts
 * import { createLink } from "./creation.ts";
 * import { NamespaceState } from "./namespace_state.ts";
 *
 * const ns = NamespaceState.current();
 * ns.lock.runSync({ command: "create" }, () =>
 *   createLink(ns, {
 *     virtualPath: "/srv/app",
 *     backingPath: "/srv/app-v2",
 *     readOnly: false,
 *     merged: false,
 *     exceptions: [],
 *   }, "detached"));
 * ```
 */
export function createLink(ns: NamespaceState, spec: LinkSpec, assembly: Assembly): void {
  const where: Where = {
    operation: "create",
    virtualPath: spec.virtualPath,
    backingPath: spec.backingPath,
    merged: spec.merged,
  };
  const fds: number[] = [];
  const keep = (fd: number | undefined) => {
    if (fd !== undefined) fds.push(fd);
    return fd;
  };
  const undo = new UndoList();
  const cleanups: (() => void)[] = [];
  let tree: LinkTree | undefined;
  try {
    // --- Resolve each path once, and check, before anything is changed.
    const {
      backingFd,
      backing,
      backingFacts,
      backingKind,
      parentFd: resolvedParentFd,
      name,
      virtual,
      exceptions,
      below,
      children,
      skeleton,
      virtualFd: resolvedVirtualFd,
    } = resolveCreate(ns, spec, where, keep);
    let virtualFd = resolvedVirtualFd;
    // --- The plan, and the intent record before the first change.
    const plan: AssemblyPlan = {
      backingFd,
      virtualFd,
      readOnly: spec.readOnly,
      merged: spec.merged,
      skeleton,
    };
    const made: MadePath[] = [];
    const steps: LinkSteps = {
      link: {
        virtualPath: virtual,
        backingPath: backing,
        readOnly: spec.readOnly,
        merged: spec.merged,
        exceptions: exceptions.map((e) => e.resolved),
        createdAt: Date.now(),
      },
      made,
      covers: children.map((c) => ({
        path: c.record.steps.link.virtualPath,
        mountId: c.record.steps.mountId!,
      })),
      refresh: below.map((record) => record.steps.link.virtualPath),
    };
    if (virtualFd === undefined) made.push({ path: virtual, kind: backingKind! });
    let intent: Intent<LinkSteps>;
    if (writesIntoBacking(plan)) {
      refuseSharedUpper(ns, where, backing);
      const parent = path.posix.dirname(backing);
      const workName = `.bindlink-work.${path.posix.basename(backing)}.${
        crypto.randomUUID().slice(0, 8)
      }`;
      const work: MadePath = {
        path: path.posix.join(parent, workName),
        kind: "directory",
        tree: true,
      };
      made.push(work);
      intent = ns.intents.begin("create", steps, virtual);
      undo.push(() => intent.finish());
      // Made and opened in the backing path's folder reached without a symlink; what its
      // descriptor shows is what the record names, and all that cleanup will delete.
      const parentFd = keep(
        about("work folder", () => openNoSymlinks(AT_FDCWD, parent, O.PATH | O.DIRECTORY)),
      );
      if (parentFd === undefined) {
        throw new SystemCallError(`open(${parent})`, ENOENT, "work folder");
      }
      about(
        "work folder",
        () => check(libc().mkdirat(parentFd, cString(workName), 0o700), `mkdir(${work.path})`),
      );
      undo.push(() => removeMade(work));
      plan.workFd = keep(openPath(parentFd, workName, { noFollow: true }));
      const workFacts = plan.workFd === undefined ? undefined : pathFacts(plan.workFd, "");
      if (workFacts?.kind !== "directory") {
        throw new SystemCallError(`open(${work.path})`, ENOENT, "work folder");
      }
      work.id = identityOf(workFacts);
      steps.link.since = String(workFacts.ctimeNs);
      steps.link.backingId = identityOf(backingFacts);
      tree = LinkTree.build(plan);
      steps.mountId = tree.mountId;
      planMountPoints(tree, exceptions, backing, made);
      intent.update(steps);
      undo.push(noteUpper(ns, steps)); // after the update: a recovery then knows to forget it
    } else {
      tree = LinkTree.build(plan);
      steps.mountId = tree.mountId;
      planMountPoints(tree, exceptions, backing, made);
      intent = ns.intents.begin("create", steps, virtual);
      undo.push(() => intent.finish());
    }

    // Identities learnt after the intent was last written: one more write before the record.
    let unwritten = false;
    // --- Assemble, detached: mount points, read-only, exceptions, earlier links.
    for (const exception of exceptions) {
      if (tree.has(exception.relative)) continue;
      about("mount point", () => tree!.makeMountPoint(exception.relative, exception.kind));
      const at = path.posix.join(backing, exception.relative);
      const item = made.find((m) => m.path === at)!;
      undo.push(() => removeMade(item));
      item.id = identityBelow(backingFd, exception.relative);
      unwritten = true;
    }
    if (spec.readOnly) tree.setReadOnly();
    const childClones = new Set<string>();
    const graftAll = (target: LinkTree) => {
      childClones.clear();
      for (const exception of exceptions) target.graft(exception.fd, exception.relative);
      for (const child of children) childClones.add(target.graft(child.fd, child.relative));
    };
    const staged = (detached: LinkTree) => {
      const area = `${ns.dir}/staging`;
      cleanups.push(ensurePrivateStagingArea(area));
      const folder = Deno.makeTempDirSync({ dir: area });
      const item: MadePath = { path: folder, kind: "directory" };
      item.id = identityOf(factsAt(folder)!);
      made.push(item);
      intent.update(steps);
      undo.push(() => removeMade(item));
      const onStage = detached.stageAt(folder);
      undo.push(() => onStage.unstage());
      return onStage;
    };
    if (assembly === "staging") tree = staged(tree);
    try {
      graftAll(tree);
    } catch (error) {
      if (error instanceof GraftKindMismatch) {
        const what = exceptions.some((e) => e.relative === error.relative)
          ? `the exception ${path.posix.join(virtual, error.relative)} is a ${error.sourceKind}`
          : `the link below at ${
            path.posix.join(virtual, error.relative)
          } is a ${error.sourceKind}`;
        throw refuse(where, {
          code: "invalid-path",
          summary: `${what}, and the backing path has a ${error.targetKind} at that place`,
          hint: "A mount must match the kind of its mount point: make both folders (or both " +
            "files), or drop the exception.",
        });
      }
      if (!(error instanceof DetachedGraftRefused)) throw error;
      // This kernel refuses mounts inside a detached tree: a fresh tree, assembled staged.
      tree.close();
      tree = LinkTree.build(plan);
      steps.mountId = tree.mountId;
      if (spec.readOnly) tree.setReadOnly();
      tree = staged(tree);
      graftAll(tree);
    }

    // --- Attach, whole, in one call.
    if (virtualFd === undefined) {
      const parentFd = resolvedParentFd!; // opened whenever the virtual path is missing
      about("virtual path", () => {
        if (backingKind === "directory") {
          check(libc().mkdirat(parentFd, cString(name), 0o755), `mkdirat(${virtual})`);
        } else {
          closeFd(
            check(
              libc().openat(
                parentFd,
                cString(name),
                O.CREAT | O.EXCL | O.WRONLY | O.CLOEXEC,
                0o644,
              ),
              `create(${virtual})`,
            ),
          );
        }
      });
      const item = made.find((m) => m.path === virtual)!;
      undo.push(() => removeMade(item));
      virtualFd = keep(openPath(parentFd, name, { noFollow: true }));
      const facts = virtualFd === undefined ? undefined : pathFacts(virtualFd, "");
      // What the record will name: only what bindlink opened as the mount point it made.
      if (facts && kindOf(facts) === backingKind) {
        item.id = identityOf(facts);
        unwritten = true;
      }
      if (virtualFd === undefined || kindOf(facts) !== backingKind) {
        throw refuse(where, {
          code: "busy",
          summary: "the mount point bindlink made was replaced while it worked",
          hint: "Something else writes in the virtual path's parent folder; try again.",
        });
      }
    }
    tree.attach(virtualFd!);
    const attached = tree;
    undo.push(() => {
      libc().umount2(cString(procFdPath(attached.fd)), MNT_DETACH);
    });
    if (tree.staging !== undefined) {
      // The staging area goes now, before the record: a kill later leaves no staging mount.
      for (const cleanup of cleanups.splice(0)) cleanup();
      removeMade(made.find((m) => m.path === tree!.staging)!);
    }
    // The link's own inner mounts (exceptions, mounts inside the backing path): its remove
    // takes them along; any other mount found below it later makes that remove busy.
    const own = innerMounts(tree.mountId, childClones);
    if (own.length) steps.ownMounts = own;
    if (own.length || unwritten) intent.update(steps);

    // --- Record: the links below now show through new mounts; then the intent becomes the
    // link's record in one rename.
    refreshBelow(ns, steps.refresh ?? []);
    ns.records.place(intent, virtual, (existing) => {
      // Another spelling of a live link's place led here first (a folder on its path was
      // renamed since): its record is never replaced, so this create is undone.
      if (!mountExists(existing)) return;
      const unique = uniqueNumber(existing.steps.mountId!);
      const now = unique === undefined ? undefined : describeMount(unique)?.mountPoint;
      throw refuse(where, {
        code: "already-exists",
        summary: `the record of ${virtual} belongs to a live bind link${
          now && now !== virtual ? `, whose mount is now at ${now}` : ""
        } (a folder on the path was renamed or swapped while links were made)`,
        hint: "Remove that link first (bindlink remove with the path where it is now).",
      });
    });
    undo.commit();
  } catch (error) {
    const rollbackErrors = undo.rollback();
    throw explain(error, where, rollbackErrors);
  } finally {
    tree?.close();
    for (const fd of fds) closeFd(fd);
    for (const cleanup of cleanups) cleanup();
  }
}

/** The mounts directly below the attached link `mountId`, except `others`. */
export function innerMounts(mountId: string, others: ReadonlySet<string> = new Set()): string[] {
  const unique = uniqueNumber(mountId);
  if (unique === undefined) return [];
  return (mountsBelow(unique) ?? []).map((id) => `u${id}`).filter((id) => !others.has(id));
}

/** `device:inode` of `relative` below the open folder `fd`, reached without a symlink. */
function identityBelow(fd: number, relative: string): string | undefined {
  const opened = openNoSymlinks(fd, relative, O.PATH | O.NOFOLLOW);
  if (opened === undefined) return undefined;
  try {
    const facts = pathFacts(opened, "");
    return facts && identityOf(facts);
  } finally {
    closeFd(opened);
  }
}

function planMountPoints(
  tree: LinkTree,
  exceptions: readonly { relative: string; kind: Kind }[],
  backing: string,
  made: MadePath[],
): void {
  for (const exception of exceptions) {
    if (!tree.has(exception.relative)) {
      made.push({ path: path.posix.join(backing, exception.relative), kind: exception.kind });
    }
  }
}
