/**
 * The overlay a merged link (or a link over earlier links) is made of, built detached:
 * `fsopen("overlay")`, its layers passed as descriptors (`fsconfig(FSCONFIG_SET_FD)`, Linux
 * 6.13+; their paths as strings before that), `fsmount`. A link made over earlier links gets
 * a lowest layer of its own: a small private tmpfs holding only the names of those links'
 * roots, so that they stay visible, as on Windows, without the backing path getting them.
 * A merged link on a virtual path that does not exist yet gets the same layer,
 * empty: it is merged with nothing, as on Windows.
 *
 * @module
 */
import { FSCONFIG, FSMOUNT_CLOEXEC, FSOPEN_CLOEXEC, O } from "./libc_constants.ts";
import { cString } from "./c_string.ts";
import { pathOfFd } from "./paths.ts";
import { about, check, closeFd, errno, libc, SystemCallError } from "./syscall.ts";
import { ERRNO } from "./errno.ts";
const { EEXIST, EINVAL } = ERRNO;

/** An entry that must exist in the skeleton layer: the root of an earlier link below. */
export interface SkeletonEntry {
  /** Path relative to the new link's root. */
  relative: string;
  /** What the earlier link's root is. */
  kind: "directory" | "file";
}

/** What to build. */
export interface AssemblyPlan {
  /** The backing path, opened. */
  backingFd: number;
  /** The virtual path, opened (the lower layer of a merged link); absent when anchorless. */
  virtualFd?: number;
  /** Overlay's work folder, opened; needed by a writable overlay. */
  workFd?: number;
  /** Writes refused through the link. */
  readOnly: boolean;
  /** The virtual path's own entries stay visible. */
  merged: boolean;
  /** Roots of earlier links below that must stay visible (they need an overlay). */
  skeleton: readonly SkeletonEntry[];
}

/** True when the plan needs overlayfs (and, when writable, a work folder). */
export function needsOverlay(plan: Pick<AssemblyPlan, "merged" | "skeleton">): boolean {
  return plan.merged || plan.skeleton.length > 0;
}

/**
 * True when the plan is a writable overlay: its upper layer is the backing path, which it
 * writes into (and which no other overlay may write into at the same time).
 *
 * @example
 * ```ts
 * import { writesIntoBacking } from "./overlay_assembly.ts";
 *
 * writesIntoBacking({ merged: true, readOnly: false, skeleton: [] }); // true
 * ```
 */
export function writesIntoBacking(
  plan: Pick<AssemblyPlan, "merged" | "readOnly" | "skeleton">,
): boolean {
  return needsOverlay(plan) && !plan.readOnly;
}

// overlayfs splits string options on "," and lower layers on ":"; a backslash escapes both.
function overlayEscape(dir: string): string {
  return dir.replace(/[\\,:]/g, (c) => "\\" + c);
}

function makeSkeleton(entries: readonly SkeletonEntry[]): number {
  const symbols = libc();
  const context = check(symbols.fsopen(cString("tmpfs"), FSOPEN_CLOEXEC), "fsopen(tmpfs)");
  try {
    check(
      symbols.fsconfig(context, FSCONFIG.SET_STRING, cString("mode"), cString("0755"), 0),
      "fsconfig(mode)",
    );
    check(symbols.fsconfig(context, FSCONFIG.CMD_CREATE, null, null, 0), "fsconfig(create tmpfs)");
    const root = check(symbols.fsmount(context, FSMOUNT_CLOEXEC, 0), "fsmount(tmpfs)");
    for (const entry of entries) {
      const names = entry.relative.split("/");
      let at = "";
      names.forEach((name, i) => {
        at = at ? `${at}/${name}` : name;
        const last = i === names.length - 1;
        const made = last && entry.kind === "file"
          ? symbols.openat(root, cString(at), O.CREAT | O.WRONLY | O.CLOEXEC, 0o644)
          : symbols.mkdirat(root, cString(at), 0o755);
        if (made < 0 && errno() !== EEXIST) {
          throw new SystemCallError(`mkdirat(skeleton ${at})`, errno());
        }
        if (last && entry.kind === "file" && made >= 0) closeFd(made);
      });
    }
    return root;
  } finally {
    closeFd(context);
  }
}

/**
 * Builds the detached overlay for `plan` and returns its mount descriptor.
 *
 * @example
 * ```ts
 * import { buildOverlay } from "./overlay_assembly.ts";
 * import { openAbsolute } from "./paths.ts";
 *
 * const mount = buildOverlay({
 *   backingFd: openAbsolute("/srv/v2")!,
 *   virtualFd: openAbsolute("/srv/app")!,
 *   workFd: openAbsolute("/srv/.bindlink-work.v2.1a2b3c4d")!,
 *   readOnly: false,
 *   merged: true,
 *   skeleton: [],
 * });
 * ```
 */
export function buildOverlay(plan: AssemblyPlan): number {
  const symbols = libc();
  // An anchorless merged link is merged with nothing: overlay needs a lower layer (two when
  // read-only, without an upper one), so it gets an empty one, a private tmpfs that lives only as long as the link's mount. The
  // mount point is then all that remove has to delete, as for any anchorless link.
  const mergedWithNothing = plan.merged && plan.virtualFd === undefined;
  const skeleton = plan.skeleton.length || mergedWithNothing
    ? makeSkeleton(plan.skeleton)
    : undefined;
  const context = check(symbols.fsopen(cString("overlay"), FSOPEN_CLOEXEC), "fsopen(overlay)");
  try {
    const lowers: number[] = [];
    if (plan.readOnly) lowers.push(plan.backingFd);
    if (plan.merged && plan.virtualFd !== undefined) lowers.push(plan.virtualFd);
    if (skeleton !== undefined) lowers.push(skeleton);
    const upper = plan.readOnly ? undefined : plan.backingFd;
    if (upper !== undefined && plan.workFd === undefined) {
      throw new Error("a writable overlay needs a work folder");
    }
    const setFd = (key: string, fd: number) =>
      symbols.fsconfig(context, FSCONFIG.SET_FD, cString(key), null, fd) === 0;
    const byFd = lowers.every((fd) => setFd("lowerdir+", fd)) &&
      (upper === undefined || (setFd("upperdir", upper) && setFd("workdir", plan.workFd!)));
    if (!byFd) {
      // Kernels before 6.13 take layers only as path strings: the descriptors' own paths.
      const code = errno();
      if (code !== EINVAL) throw new SystemCallError("fsconfig(overlay layer)", code, "overlay");
      if (skeleton !== undefined) {
        throw new SystemCallError("fsconfig(lowerdir+ skeleton)", code, "overlay");
      }
      const text = (fd: number) => overlayEscape(pathOfFd(fd) ?? "");
      const setString = (key: string, value: string) =>
        check(
          symbols.fsconfig(context, FSCONFIG.SET_STRING, cString(key), cString(value), 0),
          `fsconfig(${key})`,
        );
      setString("lowerdir", lowers.map(text).join(":"));
      if (upper !== undefined) {
        setString("upperdir", text(upper));
        setString("workdir", text(plan.workFd!));
      }
    }
    // Renames and copies through the link stay plain files and folders in the backing path.
    for (const [key, value] of [["redirect_dir", "off"], ["metacopy", "off"], ["index", "off"]]) {
      symbols.fsconfig(context, FSCONFIG.SET_STRING, cString(key), cString(value), 0);
    }
    about(
      "overlay",
      () =>
        check(
          symbols.fsconfig(context, FSCONFIG.CMD_CREATE, null, null, 0),
          "fsconfig(create overlay)",
        ),
    );
    return check(symbols.fsmount(context, FSMOUNT_CLOEXEC, 0), "fsmount(overlay)");
  } finally {
    closeFd(context);
    if (skeleton !== undefined) closeFd(skeleton);
  }
}
