/**
 * The first half of a create on Linux: the backing path, the virtual path and, when the
 * virtual path is missing, its parent folder, each resolved once and opened as a descriptor
 * before anything is changed; the checks (create_checks.ts) then judge what was opened.
 *
 * @module
 */
import path from "../posix_path.ts";
import type { LinkSpec } from "../platform.ts";
import { checkCreate, type ResolvedCreate } from "./create_checks.ts";
import { refusal, type Where } from "./failure.ts";
import { factsAt, pathFacts } from "./mount_facts.ts";
import type { NamespaceState } from "./namespace_state.ts";
import { AT_FDCWD } from "./libc_constants.ts";
import { openResolved } from "./paths.ts";
import { about, SystemCallError } from "./syscall.ts";

/**
 * Resolves and checks a create; every descriptor it opens goes through `keep`, which the
 * caller closes. Throws a refusal, naming a followed symlink, when the create cannot be made.
 *
 * @example
 * ```ts
 * import { resolveCreate } from "./create_paths.ts";
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
    throw refusal(where, {
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
    return checkCreate(ns, spec, where, keep, {
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
    throw refusal(where, {
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
    throw refusal(where, {
      code: "not-found",
      summary: "the virtual path is a symlink to a place that does not exist",
      hint: "Create the place the symlink points to, or remove the symlink.",
    });
  }
  const virtual = openedVirtual === undefined ? joined : openedVirtual.path;
  return checkCreate(ns, spec, where, keep, {
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
