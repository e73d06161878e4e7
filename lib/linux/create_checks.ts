/**
 * The checks of a create on Linux, made on the paths create_paths.ts opened, before anything
 * is changed: the kinds of both paths, the exceptions (opened inside the virtual path), a link
 * already there, what a merged link refuses, and the earlier links below, to be kept visible.
 * What they return is what the create works on.
 *
 * @module
 */
import path from "../posix_path.ts";
import type { LinkSpec } from "../platform.ts";
import { refusal, type Where } from "./failure.ts";
import { linkAtPlace, liveMountAt } from "./link_state.ts";
import { factsAt, type PathFacts, pathFacts } from "./mount_facts.ts";
import type { SkeletonEntry } from "./overlay_assembly.ts";
import type { NamespaceState } from "./namespace_state.ts";
import { openAbsolute, openPath } from "./paths.ts";
import { refuseReservedPlace } from "./place_checks.ts";
import type { LinkRecord } from "./records.ts";
import { about } from "./syscall.ts";

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

/** A create's paths, each opened once by resolveCreate (create_paths.ts), for the checks. */
export interface OpenedPaths {
  /** The backing path, opened. */
  backingFd: number;
  /** The backing path, resolved. */
  backing: string;
  /** The backing path's statx, read from `backingFd`. */
  backingFacts: PathFacts;
  /** The virtual path's parent folder, opened only when the virtual path is missing. */
  parentFd: number | undefined;
  /** The parent folder's statx, when it was opened. */
  parentFacts: PathFacts | undefined;
  /** The virtual path's last name. */
  name: string;
  /** The virtual path, opened; absent when it does not exist. */
  virtualFd: number | undefined;
  /** The virtual path, resolved. */
  virtual: string;
}

/**
 * Checks a create on the paths `opened`, before anything is changed, and opens what else it
 * works on (the exceptions, the earlier links below) through `keep`, which the caller
 * closes. Throws a refusal when the create cannot be made.
 *
 * @example
 * ```ts
 * import { checkCreate, type OpenedPaths } from "./create_checks.ts";
 * import { NamespaceState } from "./namespace_state.ts";
 *
 * declare const opened: OpenedPaths;
 * const spec = { virtualPath: "/srv/app", backingPath: "/srv/v2", readOnly: false, merged: false, exceptions: [] };
 * const fds: number[] = [];
 * const resolved = checkCreate(NamespaceState.current(), spec, { operation: "create", virtualPath: spec.virtualPath }, (fd) => {
 *   if (fd !== undefined) fds.push(fd);
 *   return fd;
 * }, opened);
 * console.log(resolved.exceptions.length);
 * ```
 */
export function checkCreate(
  ns: NamespaceState,
  spec: LinkSpec,
  where: Where,
  keep: (fd: number | undefined) => number | undefined,
  opened: OpenedPaths,
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
    throw refusal(where, {
      code: "invalid-path",
      summary: "the backing path is neither a folder nor a regular file",
      hint: "Link a folder or a file.",
    });
  }
  if (virtualKind && virtualKind !== backingKind) {
    throw refusal(where, {
      code: "invalid-path",
      summary: `the virtual path is a ${virtualKind} and the backing path a ${backingKind}`,
      hint: "On Linux a folder can only be bound over a folder and a file over a file " +
        "(Windows also shows a file over a folder).",
    });
  }
  if (spec.merged && backingKind !== "directory") {
    throw refusal(where, {
      code: "invalid-argument",
      summary: "a merged link needs folders, and the backing path is a file",
      hint: "Drop --merged, or link folders.",
    });
  }
  if (spec.exceptions.length && virtualFd === undefined) {
    throw refusal(where, {
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
      throw refusal(where, {
        code: "not-found",
        summary: `the exception path ${exception} does not exist`,
        hint: "Exceptions must exist when the link is created.",
      });
    }
    const kind = kindOf(pathFacts(fd, ""));
    if (kind === "other") {
      throw refusal(where, {
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
    throw refusal(where, {
      code: "already-exists",
      summary:
        `a bind link already exists at the virtual path (it shows ${existing.steps.link.backingPath})`,
      hint: "Remove it first (bindlink remove <virtual>), or choose another virtual path.",
    });
  }
  if (spec.merged && !spec.readOnly && backingFacts.isMountRoot) {
    throw refusal(where, {
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
    throw refusal(where, {
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
    throw refusal(where, {
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
