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
import { kindOf, type ResolvedCreate } from "./create_checks.ts";
import { resolveCreate } from "./create_paths.ts";
import { explain, refusal, type Where } from "./failure.ts";
import { MNT_DETACH, O } from "./libc_constants.ts";
import { cString } from "./c_string.ts";
import type { CreateRun } from "./create_run.ts";
import { assembleLink, innerMounts, makeWorkFolder, planMountPoints } from "./link_assembly.ts";
import { mountExists, refreshBelow } from "./link_state.ts";
import { LinkTree } from "./link_tree.ts";
import { removeMade } from "./made_paths.ts";
import { identityOf } from "./owned_tree.ts";
import { pathFacts, uniqueNumber } from "./mount_facts.ts";
import { describeMount } from "./mount_tree.ts";
import type { NamespaceState } from "./namespace_state.ts";
import { type AssemblyPlan, writesIntoBacking } from "./overlay_assembly.ts";
import { openPath, procFdPath } from "./paths.ts";
import type { LinkSteps, MadePath } from "./records.ts";
import { about, check, closeFd, libc } from "./syscall.ts";
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
  const run: CreateRun = { ns, spec, where, keep, undo: new UndoList(), cleanups: [] };
  try {
    // Each path is resolved once, and checked, before anything is changed.
    const resolved = resolveCreate(ns, spec, where, keep);
    const { plan, steps } = planLink(spec, resolved);
    const intent = beginIntent(run, resolved, plan, steps);
    const { childClones, unwritten } = assembleLink(run, resolved, plan, steps, intent, assembly);
    attachLink(run, resolved, steps, intent, childClones, unwritten);
    recordLink(run, intent, steps, resolved.virtual);
    run.undo.commit();
  } catch (error) {
    const rollbackErrors = run.undo.rollback();
    throw explain(error, where, rollbackErrors);
  } finally {
    run.tree?.close();
    for (const fd of fds) closeFd(fd);
    for (const cleanup of run.cleanups) cleanup();
  }
}

/** The assembly plan, and the steps the intent record will hold, before the first change. */
function planLink(
  spec: LinkSpec,
  resolved: ResolvedCreate,
): { plan: AssemblyPlan; steps: LinkSteps } {
  const { backingFd, backing, backingKind, virtual, exceptions, below, children, skeleton } =
    resolved;
  const { virtualFd } = resolved;
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
  return { plan, steps };
}

/**
 * Writes the intent record before the first change, and builds the detached tree; a link
 * that writes into its backing path first gets the overlay's work folder beside it.
 */
function beginIntent(
  run: CreateRun,
  resolved: ResolvedCreate,
  plan: AssemblyPlan,
  steps: LinkSteps,
): Intent<LinkSteps> {
  const { ns, where, undo } = run;
  const { backingFacts, backing, virtual, exceptions } = resolved;
  const made = steps.made;
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
    const workFacts = makeWorkFolder(run, parent, workName, work, plan);
    steps.link.since = String(workFacts.ctimeNs);
    steps.link.backingId = identityOf(backingFacts);
    run.tree = LinkTree.build(plan);
    steps.mountId = run.tree.mountId;
    planMountPoints(run.tree, exceptions, backing, made);
    intent.update(steps);
    undo.push(noteUpper(ns, steps)); // after the update: a recovery then knows to forget it
  } else {
    run.tree = LinkTree.build(plan);
    steps.mountId = run.tree.mountId;
    planMountPoints(run.tree, exceptions, backing, made);
    intent = ns.intents.begin("create", steps, virtual);
    undo.push(() => intent.finish());
  }
  return intent;
}

/**
 * Attaches the assembled tree, whole, in one call; a missing virtual path is made first as
 * its mount point. `unwritten`: identities learnt since the intent was last written.
 */
function attachLink(
  run: CreateRun,
  resolved: ResolvedCreate,
  steps: LinkSteps,
  intent: Intent<LinkSteps>,
  childClones: ReadonlySet<string>,
  unwritten: boolean,
): void {
  const { where, keep, undo, cleanups } = run;
  const { backingKind, name, virtual } = resolved;
  const made = steps.made;
  const tree = run.tree!;
  let virtualFd = resolved.virtualFd;
  if (virtualFd === undefined) {
    const parentFd = resolved.parentFd!; // opened whenever the virtual path is missing
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
      throw refusal(where, {
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
}

/**
 * The links below now show through new mounts; then the intent becomes the link's record in
 * one rename.
 */
function recordLink(
  run: CreateRun,
  intent: Intent<LinkSteps>,
  steps: LinkSteps,
  virtual: string,
): void {
  const { ns, where } = run;
  refreshBelow(ns, steps.refresh ?? []);
  ns.records.place(intent, virtual, (existing) => {
    // Another spelling of a live link's place led here first (a folder on its path was
    // renamed since): its record is never replaced, so this create is undone.
    if (!mountExists(existing)) return;
    const unique = uniqueNumber(existing.steps.mountId!);
    const now = unique === undefined ? undefined : describeMount(unique)?.mountPoint;
    throw refusal(where, {
      code: "already-exists",
      summary: `the record of ${virtual} belongs to a live bind link${
        now && now !== virtual ? `, whose mount is now at ${now}` : ""
      } (a folder on the path was renamed or swapped while links were made)`,
      hint: "Remove that link first (bindlink remove with the path where it is now).",
    });
  });
}
