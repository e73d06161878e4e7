/**
 * Creating a link on Linux: under the namespace's lock, resolve every path once, check,
 * write the intent record, assemble the link detached, attach it with one call, and rename
 * the intent record into the link's record. A failure at any step takes away everything the
 * call made; a kill at any step is finished or undone by the next changing command.
 *
 * @module
 */
import path from "node:path";
import type { LinkSpec } from "../platform.ts";
import type { Intent } from "../state/intents.ts";
import { UndoList } from "../undo.ts";
import { explain, refuse, type Where } from "./failure.ts";
import { cString, MNT_DETACH, O } from "./libc_ffi.ts";
import {
  type AssemblyPlan,
  DetachedGraftRefused,
  ensurePrivateStagingArea,
  GraftKindMismatch,
  LinkTree,
  needsOverlay,
  type SkeletonEntry,
} from "./mount_sequences.ts";
import { factsAt, mountsBelow, type PathFacts, pathFacts, uniqueNumber } from "./mount_facts.ts";
import type { NamespaceState } from "./namespace_state.ts";
import { openAbsolute, openPath, pathOfFd, procFdPath } from "./paths.ts";
import type { LinkRecord, LinkSteps, MadePath } from "./records.ts";
import { liveMountAt, refreshBelow } from "./link_state.ts";
import { about, check, closeFd, libc } from "./syscall.ts";

/** How the tree is assembled: detached (default), or at a staging folder (older kernels). */
export type Assembly = "detached" | "staging";

type Kind = "directory" | "file";

function kindOf(facts: PathFacts | undefined): Kind | "other" | undefined {
  if (!facts) return undefined;
  return facts.kind === "directory" ? "directory" : facts.kind === "file" ? "file" : "other";
}

function removeMade(made: MadePath): void {
  try {
    if (made.tree) {
      Deno.removeSync(made.path, { recursive: true });
    } else if (made.kind === "file") {
      // Only an empty file is ours to delete: a mount point bindlink made is empty.
      if (Deno.lstatSync(made.path).size === 0) Deno.removeSync(made.path);
    } else {
      Deno.removeSync(made.path);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/** The `device:inode` of what is at `at` now. */
export function identityAt(at: string): string | undefined {
  const facts = factsAt(at);
  return facts ? `${facts.device}:${facts.inode}` : undefined;
}

/** What {@linkcode removeAllMade} could not delete. */
export interface Unremoved {
  /** Paths that could not be deleted (something was put there). */
  leftovers: string[];
  /** Items hidden now (another link covers them): to delete once that link is gone. */
  hidden: MadePath[];
}

/** Deletes what `made` lists, newest first. */
export function removeAllMade(made: readonly MadePath[]): Unremoved {
  const result: Unremoved = { leftovers: [], hidden: [] };
  for (const item of [...made].reverse()) {
    if (item.id !== undefined) {
      const now = identityAt(item.path);
      if (now === undefined) continue; // already gone
      if (now !== item.id) {
        result.hidden.push(item);
        continue;
      }
    }
    try {
      removeMade(item);
    } catch {
      result.leftovers.push(item.path);
    }
  }
  return result;
}

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
    // --- Resolve each path once; from here on, descriptors.
    const backingFd = keep(about("backing path", () => openAbsolute(spec.backingPath)));
    if (backingFd === undefined) {
      const dangling = factsAt(spec.backingPath)?.kind === "symlink";
      throw refuse(where, {
        code: "not-found",
        summary: dangling
          ? "the backing path is a symlink to a place that does not exist"
          : "the backing path does not exist",
        hint: "Check the backing path; create it first if it is meant to be empty.",
      });
    }
    const backing = pathOfFd(backingFd) ?? spec.backingPath;
    const backingFacts = pathFacts(backingFd, "")!;
    const backingKind = kindOf(backingFacts);
    const parentPath = path.posix.dirname(spec.virtualPath);
    const name = path.posix.basename(spec.virtualPath);
    const parentFd = keep(about("parent folder", () => openAbsolute(parentPath)));
    const parentFacts = parentFd === undefined ? undefined : pathFacts(parentFd, "");
    if (parentFd === undefined || parentFacts?.kind !== "directory") {
      throw refuse(where, {
        code: "not-found",
        summary: parentFd === undefined
          ? `the virtual path's parent folder ${parentPath} does not exist`
          : `the virtual path's parent ${parentPath} is not a folder`,
        hint: "Create the parent folder first; only the last name may be missing.",
      });
    }
    const parent = pathOfFd(parentFd) ?? parentPath;
    let virtualFd = keep(about("virtual path", () => openPath(parentFd, name)));
    if (virtualFd === undefined && pathFacts(parentFd, name)?.kind === "symlink") {
      throw refuse(where, {
        code: "not-found",
        summary: "the virtual path is a symlink to a place that does not exist",
        hint: "Create the place the symlink points to, or remove the symlink.",
      });
    }
    const virtual = virtualFd === undefined
      ? path.posix.join(parent, name)
      : pathOfFd(virtualFd) ?? spec.virtualPath;
    const notes: string[] = [];
    if (virtual !== spec.virtualPath) notes.push(`the virtual path resolves to ${virtual}`);
    if (backing !== spec.backingPath) notes.push(`the backing path resolves to ${backing}`);
    if (notes.length) where.symlinkNote = ` (through a symlink: ${notes.join("; ")})`;
    const virtualKind = kindOf(virtualFd === undefined ? undefined : pathFacts(virtualFd, ""));

    // --- Checks, before anything is changed.
    if (backingKind === "other") {
      throw refuse(where, {
        code: "invalid-path",
        summary: "the backing path is neither a folder nor a regular file",
        hint: "Link a folder or a file.",
      });
    }
    if (virtualKind && virtualKind !== backingKind) {
      throw refuse(where, {
        code: "invalid-path",
        summary: `the virtual path is a ${virtualKind} and the backing path a ${backingKind}`,
        hint: "On Linux a folder can only be bound over a folder and a file over a file " +
          "(Windows also shows a file over a folder).",
      });
    }
    if (spec.merged && backingKind !== "directory") {
      throw refuse(where, {
        code: "invalid-argument",
        summary: "a merged link needs folders, and the backing path is a file",
        hint: "Drop --merged, or link folders.",
      });
    }
    if (spec.exceptions.length && virtualFd === undefined) {
      throw refuse(where, {
        code: "invalid-argument",
        summary: "exceptions are refused when the virtual path does not exist (an anchorless link)",
        hint: "Create the virtual folder first, or drop the exceptions.",
      });
    }
    const exceptions = spec.exceptions.map((exception) => {
      const relative = path.posix.relative(spec.virtualPath, exception);
      const fd = keep(
        about("exception path", () => openPath(virtualFd!, relative, { beneath: true })),
      );
      if (fd === undefined) {
        throw refuse(where, {
          code: "not-found",
          summary: `the exception path ${exception} does not exist`,
          hint: "Exceptions must exist when the link is created.",
        });
      }
      const kind = kindOf(pathFacts(fd, ""));
      if (kind === "other") {
        throw refuse(where, {
          code: "invalid-path",
          summary: `the exception path ${exception} is neither a folder nor a file`,
          hint: "Name folders or files as exceptions.",
        });
      }
      return { fd, relative, kind: kind!, resolved: path.posix.join(virtual, relative) };
    });
    const existing = ns.records.read(virtual);
    if (existing && liveMountAt(existing)) {
      throw refuse(where, {
        code: "already-exists",
        summary:
          `a bind link already exists at the virtual path (it shows ${existing.steps.link.backingPath})`,
        hint: "Remove it first (bindlink remove <virtual>), or choose another virtual path.",
      });
    }
    const writableOverlay = (plan: { merged: boolean; skeleton: readonly SkeletonEntry[] }) =>
      needsOverlay(plan) && !spec.readOnly;
    if (spec.merged && !spec.readOnly && backingFacts.isMountRoot) {
      throw refuse(where, {
        code: "invalid-argument",
        summary:
          `the backing path ${backing} is the root of a mount, which a writable merged link cannot use`,
        hint: "overlayfs needs a work folder beside the backing path on the same mount: " +
          "use a folder inside it as the backing path, or add --read-only.",
      });
    }
    if (
      spec.merged &&
      (virtual === backing || virtual.startsWith(backing + "/") ||
        backing.startsWith(virtual + "/"))
    ) {
      throw refuse(where, {
        code: "invalid-argument",
        summary: "for a merged link neither path may be inside the other",
        hint: "overlayfs refuses layers that overlap: pick folders side by side.",
      });
    }

    // Earlier links below stay visible: their roots go into a skeleton layer, their mounts
    // are grafted back inside the new link.
    const below = ns.records.below(virtual).filter((record) => liveMountAt(record));
    const topBelow = below.filter((record) =>
      !below.some((other) =>
        record.steps.link.virtualPath.startsWith(other.steps.link.virtualPath + "/")
      )
    );
    const skeleton: SkeletonEntry[] = topBelow.map((record) => ({
      relative: path.posix.relative(virtual, record.steps.link.virtualPath),
      kind: factsAt(record.steps.link.virtualPath)?.kind === "file" ? "file" : "directory",
    }));
    const children = topBelow.map((record, i) => ({
      record,
      relative: skeleton[i].relative,
      fd: keep(openAbsolute(record.steps.link.virtualPath))!,
    }));
    if (skeleton.length && backingKind !== "directory") {
      throw refuse(where, {
        code: "invalid-path",
        summary: "links live below the virtual path, and a file cannot hold them",
        hint: "Remove the links below first, or link a folder.",
      });
    }

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
    if (writableOverlay(plan)) {
      const work = path.posix.join(
        path.posix.dirname(backing),
        `.bindlink-work.${path.posix.basename(backing)}.${crypto.randomUUID().slice(0, 8)}`,
      );
      made.push({ path: work, kind: "directory", tree: true });
      intent = ns.intents.begin("create", steps, virtual);
      undo.push(() => intent.finish());
      about("work folder", () => Deno.mkdirSync(work, { mode: 0o700 }));
      undo.push(() => removeMade(made.find((m) => m.tree)!));
      plan.workFd = keep(openAbsolute(work));
      steps.link.since = String(factsAt(work)?.ctimeNs ?? 0n);
      tree = LinkTree.build(plan);
      steps.mountId = tree.mountId;
      planMountPoints(tree, exceptions, backing, made);
      intent.update(steps);
    } else {
      tree = LinkTree.build(plan);
      steps.mountId = tree.mountId;
      planMountPoints(tree, exceptions, backing, made);
      intent = ns.intents.begin("create", steps, virtual);
      undo.push(() => intent.finish());
    }

    // --- Assemble, detached: mount points, read-only, exceptions, earlier links.
    for (const exception of exceptions) {
      if (tree.has(exception.relative)) continue;
      about("mount point", () => tree!.makeMountPoint(exception.relative, exception.kind));
      const at = path.posix.join(backing, exception.relative);
      undo.push(() => removeMade({ path: at, kind: exception.kind }));
      const item = made.find((m) => m.path === at);
      if (item) item.id = identityAt(at);
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
      made.push({ path: folder, kind: "directory" });
      intent.update(steps);
      undo.push(() => removeMade({ path: folder, kind: "directory" }));
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
      undo.push(() => removeMade({ path: virtual, kind: backingKind! }));
      const item = made.find((m) => m.path === virtual);
      if (item) item.id = identityAt(virtual);
      virtualFd = keep(openPath(parentFd, name, { noFollow: true }));
      if (virtualFd === undefined || kindOf(pathFacts(virtualFd, "")) !== backingKind) {
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
    if (tree.staging !== undefined) removeMade({ path: tree.staging, kind: "directory" });
    // The link's own inner mounts (exceptions, mounts inside the backing path): its remove
    // takes them along; any other mount found below it later makes that remove busy.
    const own = innerMounts(tree.mountId, childClones);
    if (own.length) steps.ownMounts = own;
    if (own.length || made.some((m) => m.id !== undefined)) intent.update(steps);

    // --- Record: the links below now show through new mounts; then the intent becomes the
    // link's record in one rename.
    refreshBelow(ns, steps.refresh ?? []);
    intent.moveTo(ns.records.prepare(virtual));
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

/** The record `ns` keeps for a live link at `virtualPath`, if any. */
export function liveRecord(ns: NamespaceState, virtualPath: string): LinkRecord | undefined {
  const record = ns.records.read(virtualPath);
  return record && liveMountAt(record) ? record : undefined;
}
