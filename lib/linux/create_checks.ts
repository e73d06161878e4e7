/**
 * The first half of a create on Linux: every path resolved once, as descriptors, and every
 * check made, before anything is changed. What it returns is what the create works on.
 *
 * @module
 */
import path from "../posix_path.ts";
import type { LinkSpec } from "../platform.ts";
import { refuse, type Where } from "./failure.ts";
import { linkAtPlace, liveMountAt } from "./link_state.ts";
import { factsAt, type PathFacts, pathFacts } from "./mount_facts.ts";
import type { SkeletonEntry } from "./overlay_assembly.ts";
import type { NamespaceState } from "./namespace_state.ts";
import { AT_FDCWD } from "./libc_constants.ts";
import { openAbsolute, openPath, openResolved } from "./paths.ts";
import { refuseReservedPlace } from "./place_checks.ts";
import type { LinkRecord } from "./records.ts";
import { about, SystemCallError } from "./syscall.ts";

/** A folder or a regular file. */
export type Kind = "directory" | "file";

/** The kind of what `facts` describe; `other` for devices, sockets and the like. */
export function kindOf(facts: PathFacts | undefined): Kind | "other" | undefined {
  if (!facts) return undefined;
  return facts.kind === "directory" ? "directory" : facts.kind === "file" ? "file" : "other";
}

/** An exception, opened inside the virtual path. */
export interface OpenedException {
  /** The exception's original content, opened. */
  fd: number;
  /** Its place relative to the virtual path. */
  relative: string;
  /** What it is. */
  kind: Kind;
  /** Its resolved path. */
  resolved: string;
}

/** An earlier link below the new one, to be grafted back inside it. */
export interface ChildLink {
  /** Its record. */
  record: LinkRecord;
  /** Its place relative to the new link. */
  relative: string;
  /** Its visible mount, opened. */
  fd: number;
}

/** Everything a create works on, resolved and checked. */
export interface ResolvedCreate {
  /** The backing path, opened. */
  backingFd: number;
  /** The backing path, resolved. */
  backing: string;
  /** The backing path's statx, read from `backingFd`. */
  backingFacts: PathFacts;
  /** What the backing path is. */
  backingKind: Kind;
  /** The virtual path's parent folder, opened when the virtual path does not exist. */
  parentFd?: number;
  /** The virtual path's last name. */
  name: string;
  /** The virtual path, opened; absent for an anchorless link. */
  virtualFd?: number;
  /** The virtual path, resolved. */
  virtual: string;
  /** The exceptions, opened. */
  exceptions: OpenedException[];
  /** Live links below the virtual path (all of them). */
  below: LinkRecord[];
  /** The topmost of them: grafted back inside the new link. */
  children: ChildLink[];
  /** Their roots' names, for the skeleton layer. */
  skeleton: SkeletonEntry[];
}

/**
 * Resolves and checks a create; every descriptor it opens goes through `keep`, which the
 * caller closes. Throws a refusal, naming a followed symlink, when the create cannot be made.
 *
 * @example
 * ```ts
 * import { resolveCreate } from "./create_checks.ts";
 * import { NamespaceState } from "./namespace_state.ts";
 *
 * const spec = { virtualPath: "/srv/app", backingPath: "/srv/v2", readOnly: false, merged: false, exceptions: [] };
 * const fds: number[] = [];
 * const resolved = resolveCreate(NamespaceState.current(), spec, { operation: "create", virtualPath: spec.virtualPath }, (fd) => {
 *   if (fd !== undefined) fds.push(fd);
 *   return fd;
 * });
 * console.log(resolved.virtual);
 * ```
 */
export function resolveCreate(
  ns: NamespaceState,
  spec: LinkSpec,
  where: Where,
  keep: (fd: number | undefined) => number | undefined,
): ResolvedCreate {
  const openedBacking = about(
    "backing path",
    () => openResolved(AT_FDCWD, spec.backingPath, spec.backingPath),
  );
  const backingFd = keep(openedBacking?.fd);
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
  const backing = openedBacking!.path;
  const backingFacts = pathFacts(backingFd, "")!;
  const parentPath = path.posix.dirname(spec.virtualPath);
  const name = path.posix.basename(spec.virtualPath);
  // The usual case, an existing virtual path, takes one open; the parent is opened only to
  // make a mount point or to say why the path cannot be used.
  const direct = name ? openExisting(spec.virtualPath) : undefined;
  if (direct) {
    return checked(ns, spec, where, keep, {
      backingFd,
      backing,
      backingFacts,
      parentFd: undefined,
      parentFacts: undefined,
      name,
      virtualFd: keep(direct.fd),
      virtual: direct.path,
    });
  }
  const openedParent = about("parent folder", () => openResolved(AT_FDCWD, parentPath, parentPath));
  const parentFd = keep(openedParent?.fd);
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
  const parent = openedParent!.path;
  const joined = path.posix.join(parent, name);
  const openedVirtual = about("virtual path", () => openResolved(parentFd, name, joined));
  const virtualFd = keep(openedVirtual?.fd);
  if (virtualFd === undefined && pathFacts(parentFd, name)?.kind === "symlink") {
    throw refuse(where, {
      code: "not-found",
      summary: "the virtual path is a symlink to a place that does not exist",
      hint: "Create the place the symlink points to, or remove the symlink.",
    });
  }
  const virtual = openedVirtual === undefined ? joined : openedVirtual.path;
  return checked(ns, spec, where, keep, {
    backingFd,
    backing,
    backingFacts,
    parentFd,
    parentFacts,
    name,
    virtualFd,
    virtual,
  });
}

/** Opens an existing path once; `undefined` when it is missing or cannot be opened as is. */
function openExisting(absolute: string): { fd: number; path: string } | undefined {
  try {
    return openResolved(AT_FDCWD, absolute, absolute);
  } catch (error) {
    if (error instanceof SystemCallError) return undefined; // the step-by-step open says why
    throw error;
  }
}

interface Opened {
  backingFd: number;
  backing: string;
  backingFacts: PathFacts;
  parentFd: number | undefined;
  parentFacts: PathFacts | undefined;
  name: string;
  virtualFd: number | undefined;
  virtual: string;
}

function checked(
  ns: NamespaceState,
  spec: LinkSpec,
  where: Where,
  keep: (fd: number | undefined) => number | undefined,
  opened: Opened,
): ResolvedCreate {
  const { backingFd, backing, backingFacts, parentFd, parentFacts, name, virtualFd, virtual } =
    opened;
  const backingKind = kindOf(backingFacts);
  const notes: string[] = [];
  if (virtual !== spec.virtualPath) notes.push(`the virtual path resolves to ${virtual}`);
  if (backing !== spec.backingPath) notes.push(`the backing path resolves to ${backing}`);
  if (notes.length) where.symlinkNote = ` (through a symlink: ${notes.join("; ")})`;
  const virtualFacts = virtualFd === undefined ? undefined : pathFacts(virtualFd, "");
  refuseReservedPlace(
    where,
    virtualFd ?? parentFd!,
    (virtualFacts ?? parentFacts)!,
    virtual,
    virtualFd !== undefined,
    ns.stateDir,
  );
  const virtualKind = kindOf(virtualFacts);

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
  // Judged by the mounts at the place opened, never by the path string again: another
  // spelling of the same place finds the same link.
  const existing = virtualFacts ? linkAtPlace(ns, virtualFacts, virtual) : undefined;
  if (existing) {
    throw refuse(where, {
      code: "already-exists",
      summary:
        `a bind link already exists at the virtual path (it shows ${existing.steps.link.backingPath})`,
      hint: "Remove it first (bindlink remove <virtual>), or choose another virtual path.",
    });
  }
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
  return {
    backingFd,
    backing,
    backingFacts,
    backingKind: backingKind as Kind,
    parentFd,
    name,
    virtualFd,
    virtual,
    exceptions,
    below,
    children,
    skeleton,
  };
}
