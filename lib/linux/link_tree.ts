/**
 * A link's mount tree ({@linkcode LinkTree}): built where nobody sees it, then attached whole
 * with one `move_mount`.
 *
 * A plain link is a detached clone of the backing path (`open_tree(OPEN_TREE_CLONE |
 * AT_RECURSIVE)`); a merged one, or a link that must keep earlier links below it visible, is
 * a detached overlay (overlay_assembly.ts). The read-only flag (`mount_setattr`), exceptions
 * and earlier links' mounts are put into the detached tree, and only then is the whole tree
 * attached at the virtual path: until that call nothing is visible, and a process killed
 * before it leaves no mount at all (the tree dies with its last descriptor).
 *
 * Kernels that refuse mounts inside a detached tree (before about 6.15) get the staging
 * route: the tree is attached at a private staging folder in bindlink's state folder (the
 * staging area, link_assembly.ts), the exceptions are added there, and the finished tree is
 * moved to the virtual path with one `move_mount` (the MS_MOVE of the new API).
 *
 * @module
 */
import {
  AT_EMPTY_PATH,
  AT_RECURSIVE,
  MNT_DETACH,
  MOUNT_ATTR_RDONLY,
  MOVE_MOUNT_F_EMPTY_PATH,
  MOVE_MOUNT_T_EMPTY_PATH,
  O,
  OPEN_TREE_CLONE,
} from "./libc_constants.ts";
import { cString } from "./c_string.ts";
import { pathFacts } from "./mount_facts.ts";
import { type AssemblyPlan, buildOverlay, needsOverlay } from "./overlay_assembly.ts";
import { openAbsolute, openPath, procFdPath } from "./paths.ts";
import { about, check, closeFd, errno, libc, SystemCallError } from "./syscall.ts";
import { ERRNO } from "./errno.ts";
const { EINVAL, ENOENT } = ERRNO;

/**
 * Thrown when what is grafted and the place it goes are of different kinds.
 *
 * @example
 * ```ts
 * import { GraftKindMismatch } from "./link_tree.ts";
 *
 * const mismatch = new GraftKindMismatch("etc/app.ini", "file", "directory");
 * console.log(mismatch.message); // etc/app.ini: a file cannot be mounted on a directory
 * ```
 */
export class GraftKindMismatch extends Error {
  /** The place, relative to the link's root. */
  readonly relative: string;
  /** What is grafted. */
  readonly sourceKind: string;
  /** What the link has at that place. */
  readonly targetKind: string;

  /** Describes the mismatch. */
  constructor(relative: string, sourceKind: string, targetKind: string) {
    super(`${relative}: a ${sourceKind} cannot be mounted on a ${targetKind}`);
    this.relative = relative;
    this.sourceKind = sourceKind;
    this.targetKind = targetKind;
  }
}

/**
 * Thrown when this kernel refuses a mount inside a detached tree: use the staging route.
 *
 * @example
 * ```ts
 * import { DetachedGraftRefused } from "./link_tree.ts";
 *
 * try {
 *   throw new DetachedGraftRefused();
 * } catch (error) {
 *   if (!(error instanceof DetachedGraftRefused)) throw error;
 *   console.log("assemble at a staging folder instead");
 * }
 * ```
 */
export class DetachedGraftRefused extends Error {
  /** Says what the kernel refused. */
  constructor() {
    super("this kernel refuses mounts inside a detached mount tree");
  }
}

/**
 * A link's mount tree being assembled: detached (or, on the staging route, at a private
 * staging folder), finished by {@linkcode LinkTree.attach}.
 *
 * @example
 * ```ts
 * import { openAbsolute } from "./paths.ts";
 * import { LinkTree } from "./link_tree.ts";
 *
 * const backingFd = openAbsolute("/srv/app-v2")!;
 * using tree = LinkTree.build({ backingFd, readOnly: true, merged: false, skeleton: [] });
 * tree.setReadOnly();
 * tree.attach(openAbsolute("/srv/app")!); // the whole link appears in this one call
 * ```
 */
export class LinkTree implements Disposable {
  /** The tree's root: a detached mount, or the staging mount. */
  readonly fd: number;
  /** The unique mount ID of the tree's root mount: the link's mount once attached. */
  readonly mountId: string;
  /** The staging folder, on the staging route. */
  readonly staging?: string;
  #closed = false;

  private constructor(fd: number, staging?: string) {
    this.fd = fd;
    this.staging = staging;
    this.mountId = pathFacts(fd, "")!.mountId;
  }

  /** Builds the link's tree, detached. */
  static build(plan: AssemblyPlan): LinkTree {
    const fd = needsOverlay(plan) ? buildOverlay(plan) : about("backing path", () =>
      check(
        libc().open_tree(
          plan.backingFd,
          cString(""),
          OPEN_TREE_CLONE | O.CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH,
        ),
        "open_tree(backing path)",
      ));
    return new LinkTree(fd);
  }

  /**
   * Moves this detached tree to `staging` (an empty folder on a private mount) and returns
   * the tree there; this one is used up.
   */
  stageAt(staging: string): LinkTree {
    const target = openAbsolute(staging);
    if (target === undefined) throw new SystemCallError(`open(${staging})`, ENOENT, "state folder");
    try {
      check(
        libc().move_mount(
          this.fd,
          cString(""),
          target,
          cString(""),
          MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH,
        ),
        "move_mount(staging)",
      );
    } finally {
      closeFd(target);
    }
    this.close();
    const fd = openAbsolute(staging)!;
    return new LinkTree(fd, staging);
  }

  /** True when `relative` exists in the tree (symlinks inside are not followed out). */
  has(relative: string): boolean {
    const fd = openPath(this.fd, relative, { beneath: true, noFollow: true });
    if (fd === undefined) return false;
    closeFd(fd);
    return true;
  }

  /** Makes an empty mount point at `relative` (its parent must exist in the tree). */
  makeMountPoint(relative: string, kind: "directory" | "file"): void {
    const slash = relative.lastIndexOf("/");
    const parent = slash < 0
      ? this.fd
      : openPath(this.fd, relative.slice(0, slash), { beneath: true, directory: true });
    if (parent === undefined) {
      throw new SystemCallError(
        `open(${relative.slice(0, slash)} in the link)`,
        ENOENT,
        "mount point",
      );
    }
    const name = cString(relative.slice(slash + 1));
    try {
      if (kind === "directory") {
        check(libc().mkdirat(parent, name, 0o755), `mkdirat(${relative})`);
      } else {
        closeFd(
          check(
            libc().openat(parent, name, O.CREAT | O.EXCL | O.WRONLY | O.CLOEXEC, 0o644),
            `create(${relative})`,
          ),
        );
      }
    } finally {
      if (parent !== this.fd) closeFd(parent);
    }
  }

  /** Makes the tree read-only (its own mounts; what is grafted in later keeps its flags). */
  setReadOnly(): void {
    const attr = new BigUint64Array([MOUNT_ATTR_RDONLY, 0n, 0n, 0n]);
    check(
      libc().mount_setattr(
        this.fd,
        cString(""),
        AT_EMPTY_PATH | AT_RECURSIVE,
        new Uint8Array(attr.buffer),
        32n,
      ),
      "mount_setattr(read-only)",
    );
  }

  /**
   * Puts a clone of the mount tree at `sourceFd` (an exception's original, an earlier link)
   * into this tree at `relative`; returns the clone's mount ID.
   *
   * @throws {DetachedGraftRefused} when the kernel refuses it in a detached tree.
   */
  graft(sourceFd: number, relative: string): string {
    const symbols = libc();
    const clone = check(
      symbols.open_tree(
        sourceFd,
        cString(""),
        OPEN_TREE_CLONE | O.CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH,
      ),
      `open_tree(${relative})`,
    );
    try {
      const cloneId = pathFacts(clone, "")!.mountId;
      const target = openPath(this.fd, relative, { beneath: true, noFollow: true });
      if (target === undefined) {
        throw new SystemCallError(`open(${relative} in the link)`, ENOENT, "mount point");
      }
      const sourceKind = pathFacts(clone, "")?.kind;
      const targetKind = pathFacts(target, "")?.kind;
      if (sourceKind !== targetKind) {
        closeFd(target);
        throw new GraftKindMismatch(relative, sourceKind ?? "other", targetKind ?? "other");
      }
      try {
        const moved = symbols.move_mount(
          clone,
          cString(""),
          target,
          cString(""),
          MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH,
        );
        if (moved !== 0) {
          const code = errno();
          if (code === EINVAL && this.staging === undefined) throw new DetachedGraftRefused();
          throw new SystemCallError(`move_mount(${relative})`, code, "mount point");
        }
        return cloneId;
      } finally {
        closeFd(target);
      }
    } finally {
      closeFd(clone);
    }
  }

  /** Attaches the whole tree at `targetFd` in one call. */
  attach(targetFd: number): void {
    about("virtual path", () =>
      check(
        libc().move_mount(
          this.fd,
          cString(""),
          targetFd,
          cString(""),
          MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH,
        ),
        "move_mount(virtual path)",
      ));
  }

  /** Takes a staged tree off its staging folder again (the create failed). */
  unstage(): void {
    if (this.staging === undefined) return;
    libc().umount2(cString(procFdPath(this.fd)), MNT_DETACH);
  }

  /** Releases the descriptor: a detached tree that was never attached is gone with it. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeFd(this.fd);
  }

  /** See {@linkcode LinkTree.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
