/**
 * Assembling a new link's tree before it is attached, and what the tree needs around it: the
 * work folder of a writable overlay, mount points for the exceptions, the read-only flag, the
 * exceptions' originals and the earlier links below grafted in, the staging route for kernels
 * that refuse mounts inside a detached tree (a private staging area), and which mounts inside
 * the attached tree are the link's own. A recovery uses the last two to finish a killed create.
 *
 * @module
 */
import path from "../posix_path.ts";
import type { Intent } from "../state/intents.ts";
import type { Kind, ResolvedCreate } from "./create_checks.ts";
import type { CreateRun } from "./create_run.ts";
import { refusal } from "./failure.ts";
import { AT_FDCWD, MNT_DETACH, MS_BIND, MS_REC, O } from "./libc_constants.ts";
import { cString } from "./c_string.ts";
import { DetachedGraftRefused, GraftKindMismatch, LinkTree } from "./link_tree.ts";
import { removeMade } from "./made_paths.ts";
import { factsAt, type PathFacts, pathFacts, uniqueNumber } from "./mount_facts.ts";
import { mountsBelow } from "./mount_tree.ts";
import type { AssemblyPlan } from "./overlay_assembly.ts";
import { identityOf } from "./owned_tree.ts";
import { openAbsolute, openNoSymlinks, openPath, procFdPath } from "./paths.ts";
import type { LinkSteps, MadePath } from "./records.ts";
import { about, check, closeFd, libc, SystemCallError } from "./syscall.ts";
import { ERRNO } from "./errno.ts";
const { ENOENT } = ERRNO;

const MS_PRIVATE = 0x40000n;

/** What {@linkcode assembleLink} learnt that the attach step needs. */
export interface Assembled {
  /** The mount IDs of the earlier links' clones grafted in (not the link's own mounts). */
  readonly childClones: ReadonlySet<string>;
  /** True when identities were learnt after the intent record was last written. */
  readonly unwritten: boolean;
}

/**
 * Makes the overlay's work folder `work` (named `workName`, in the backing path's folder
 * `parent`), sets `plan.workFd` to it, and returns what its descriptor shows.
 *
 * @example
 * ```ts
 * import type { CreateRun } from "./create_run.ts";
 * import { makeWorkFolder } from "./link_assembly.ts";
 * import type { AssemblyPlan } from "./overlay_assembly.ts";
 * import type { MadePath } from "./records.ts";
 *
 * declare const run: CreateRun, plan: AssemblyPlan;
 * const work: MadePath = { path: "/srv/.bindlink-work.v2.1a2b3c4d", kind: "directory", tree: true };
 * const facts = makeWorkFolder(run, "/srv", ".bindlink-work.v2.1a2b3c4d", work, plan);
 * console.log(facts.ctimeNs);
 * ```
 */
export function makeWorkFolder(
  run: CreateRun,
  parent: string,
  workName: string,
  work: MadePath,
  plan: AssemblyPlan,
): PathFacts {
  const { keep, undo } = run;
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
  return workFacts;
}

/**
 * Assembles `run.tree`, detached: mount points, read-only, exceptions, earlier links. On the
 * staging route (`assembly`, as createLink was given it), or when this kernel refuses a graft
 * in a detached tree, the tree is moved to a private staging folder first; `run.tree` is
 * then the staged tree.
 *
 * @example
 * ```ts
 * import type { Intent } from "../state/intents.ts";
 * import type { ResolvedCreate } from "./create_checks.ts";
 * import type { CreateRun } from "./create_run.ts";
 * import { assembleLink } from "./link_assembly.ts";
 * import type { AssemblyPlan } from "./overlay_assembly.ts";
 * import type { LinkSteps } from "./records.ts";
 *
 * declare const run: CreateRun, resolved: ResolvedCreate, plan: AssemblyPlan;
 * declare const steps: LinkSteps, intent: Intent<LinkSteps>;
 * const { childClones } = assembleLink(run, resolved, plan, steps, intent, "detached");
 * console.log(childClones.size, "earlier links grafted back");
 * ```
 */
export function assembleLink(
  run: CreateRun,
  resolved: ResolvedCreate,
  plan: AssemblyPlan,
  steps: LinkSteps,
  intent: Intent<LinkSteps>,
  assembly: "detached" | "staging",
): Assembled {
  const { ns, spec, where, undo, cleanups } = run;
  const { backingFd, backing, virtual, exceptions, children } = resolved;
  const made = steps.made;
  // Identities learnt after the intent was last written: one more write before the record.
  let unwritten = false;
  for (const exception of exceptions) {
    if (run.tree!.has(exception.relative)) continue;
    about("mount point", () => run.tree!.makeMountPoint(exception.relative, exception.kind));
    const at = path.posix.join(backing, exception.relative);
    const item = made.find((m) => m.path === at)!;
    undo.push(() => removeMade(item));
    item.id = identityBelow(backingFd, exception.relative);
    unwritten = true;
  }
  if (spec.readOnly) run.tree!.setReadOnly();
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
  if (assembly === "staging") run.tree = staged(run.tree!);
  try {
    graftAll(run.tree!);
  } catch (error) {
    if (error instanceof GraftKindMismatch) {
      const what = exceptions.some((e) => e.relative === error.relative)
        ? `the exception ${path.posix.join(virtual, error.relative)} is a ${error.sourceKind}`
        : `the link below at ${path.posix.join(virtual, error.relative)} is a ${error.sourceKind}`;
      throw refusal(where, {
        code: "invalid-path",
        summary: `${what}, and the backing path has a ${error.targetKind} at that place`,
        hint: "A mount must match the kind of its mount point: make both folders (or both " +
          "files), or drop the exception.",
      });
    }
    if (!(error instanceof DetachedGraftRefused)) throw error;
    // This kernel refuses mounts inside a detached tree: a fresh tree, assembled staged.
    run.tree!.close();
    run.tree = LinkTree.build(plan);
    steps.mountId = run.tree.mountId;
    if (spec.readOnly) run.tree.setReadOnly();
    run.tree = staged(run.tree);
    graftAll(run.tree);
  }
  return { childClones, unwritten };
}

/**
 * Names in `made` the mount points the exceptions need where the backing path has nothing
 * (made later in the tree, so in the backing path itself).
 *
 * @example
 * ```ts
 * import { planMountPoints } from "./link_assembly.ts";
 * import { LinkTree } from "./link_tree.ts";
 * import { openAbsolute } from "./paths.ts";
 * import type { MadePath } from "./records.ts";
 *
 * using tree = LinkTree.build({
 *   backingFd: openAbsolute("/srv/v2")!,
 *   readOnly: false,
 *   merged: false,
 *   skeleton: [],
 * });
 * const made: MadePath[] = [];
 * planMountPoints(tree, [{ relative: "cache", kind: "directory" }], "/srv/v2", made);
 * ```
 */
export function planMountPoints(
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

/**
 * The mounts directly below the attached link `mountId`, except `others`.
 *
 * @example
 * ```ts
 * import { innerMounts } from "./link_assembly.ts";
 *
 * console.log(innerMounts("u4294967301")); // the IDs of the mounts right below that link
 * ```
 */
export function innerMounts(mountId: string, others: ReadonlySet<string> = new Set()): string[] {
  const unique = uniqueNumber(mountId);
  if (unique === undefined) return [];
  return (mountsBelow(unique) ?? []).map((id) => `u${id}`).filter((id) => !others.has(id));
}

/**
 * Makes `folder` a private mount of itself, so that trees staged below it can be moved away
 * (the kernel refuses to move a mount out of a shared one); returns how to take it off.
 *
 * @example
 * ```ts
 * import { ensurePrivateStagingArea } from "./link_assembly.ts";
 *
 * const takeOff = ensurePrivateStagingArea("/run/bindlink/<boot>.<ns>/staging");
 * try {
 *   // stage a tree in a folder below it, finish it there, move it to its place
 * } finally {
 *   takeOff();
 * }
 * ```
 */
export function ensurePrivateStagingArea(folder: string): () => void {
  Deno.mkdirSync(folder, { recursive: true, mode: 0o700 });
  const facts = pathFacts(-100, folder);
  const symbols = libc();
  if (facts?.isMountRoot) return () => {};
  check(
    symbols.mount(cString(folder), cString(folder), null, MS_BIND | MS_REC, null),
    "mount(staging area)",
  );
  const mine = pathFacts(-100, folder)!.mountId;
  check(
    symbols.mount(null, cString(folder), null, MS_PRIVATE, null),
    "mount(staging area private)",
  );
  // Taken off again when the create is over, so no staging mount outlives it.
  return () => {
    const fd = openAbsolute(folder);
    if (fd === undefined) return;
    try {
      if (pathFacts(fd, "")?.mountId === mine) {
        symbols.umount2(cString(procFdPath(fd)), MNT_DETACH);
      }
    } finally {
      closeFd(fd);
    }
  };
}

/**
 * Takes the private staging area at `folder` off, with anything still staged in it, when a
 * killed create left it mounted. Nothing happens when it is not a mount.
 *
 * @example
 * ```ts
 * import { takeOffStagingArea } from "./link_assembly.ts";
 *
 * takeOffStagingArea("/run/bindlink/<boot>.<ns>/staging");
 * ```
 */
export function takeOffStagingArea(folder: string): void {
  const fd = openAbsolute(folder);
  if (fd === undefined) return;
  try {
    if (pathFacts(fd, "")?.isMountRoot) libc().umount2(cString(procFdPath(fd)), MNT_DETACH);
  } finally {
    closeFd(fd);
  }
}
