/**
 * The last check before a path crosses into the bind link DLL. `windowsPlatform()` is public
 * API, so whatever its caller skipped is caught here, right before encoding: a path must be
 * absolute and already resolved (no `/`, no `.` or `..` name, nothing Windows would fold or
 * trim), free of NUL, within the NT length limit, and every exception strictly below the
 * virtual path by identity. Otherwise `invalid-path`, and no byte reaches the DLL.
 *
 * @module
 */
import { BindLinkError, type BindLinkOperation } from "../errors.ts";
import { identityIsBelow, type PathRole, type ResolvedPath } from "../paths.ts";
import type { LinkSpec } from "../platform.ts";
import { type LookupScope, type PlaceLookup, withPlaceLookup } from "./identity.ts";
import { parseWindowsPath, quote } from "./path_syntax.ts";
import { resolveWindowsPath } from "./paths.ts";
import { win32Form } from "./place.ts";

interface Where {
  virtualPath?: string;
  backingPath?: string;
}

const HINT = "Pass paths through BindLinkApi (or resolve them with the platform's " +
  "paths.resolve first): the platform takes only absolute, resolved Windows paths.";

function refuse(operation: BindLinkOperation, where: Where, summary: string, hint = HINT): never {
  throw new BindLinkError({ code: "invalid-path", operation, ...where, summary, hint });
}

/** Why `path` is not in resolved form, or undefined when it is. */
function unresolved(path: string): { reason: string; instead?: string } | undefined {
  if (path.includes("/")) return { reason: "contains /, which Windows reads as \\" };
  const verbatim = path.startsWith("\\\\?\\") || path.startsWith("\\??\\");
  if (!verbatim && !/^(?:[A-Za-z]:\\|\\\\[^\\?.])/.test(path)) {
    return /^\\\\[?.]/.test(path) || /^\\\\$/.test(path)
      ? { reason: "is a device path, not a resolved one" }
      : { reason: "is not absolute" };
  }
  const dots = path.split("\\").find((name) => name === "." || name === "..");
  if (dots !== undefined) return { reason: `has a "${dots}" segment` };
  if (verbatim) return undefined;
  const parsed = parseWindowsPath(path, "the path");
  // The drive letter's case is the only thing Windows folds that bindlink also writes its way.
  const asGiven = /^[a-z]:/.test(path) ? path[0].toUpperCase() + path.slice(1) : path;
  if ("place" in parsed && win32Form(parsed.place) !== asGiven) {
    return { reason: "is not in the form Windows reads it in", instead: win32Form(parsed.place) };
  }
  return undefined;
}

/**
 * Throws `invalid-path` unless `path` is absolute, resolved, NUL-free, within the limit and,
 * for a virtual path, local; returns it resolved (with its identity) otherwise.
 *
 * @example
 * ```ts
 * import { checkBoundaryPath } from "./boundary.ts";
 * checkBoundaryPath("remove", "virtual path", "C:\\v", { virtualPath: "C:\\v" }); // passes
 * checkBoundaryPath("remove", "virtual path", "C:\\a\\..\\v", {}); // throws invalid-path
 * ```
 */
export function checkBoundaryPath(
  operation: BindLinkOperation,
  role: PathRole,
  path: string,
  where: Where,
  lookup?: PlaceLookup,
): ResolvedPath {
  if (lookup === undefined) {
    return withPlaceLookup((system) => checkBoundaryPath(operation, role, path, where, system));
  }
  if (typeof path !== "string") refuse(operation, where, `the ${role} is not a string`);
  const nul = path.indexOf("\0");
  if (nul >= 0) {
    refuse(operation, where, `the ${role} contains a NUL character at position ${nul}`);
  }
  const problem = unresolved(path);
  if (problem) {
    refuse(
      operation,
      where,
      `the ${role} ${quote(path)} ${problem.reason}`,
      problem.instead ? `Windows would read it as ${problem.instead}. ${HINT}` : HINT,
    );
  }
  const resolved = resolveWindowsPath(path, role, undefined, lookup);
  if (resolved.problem) refuse(operation, where, resolved.problem.summary, resolved.problem.hint);
  return resolved;
}

/**
 * Checks a create request at the boundary: every path resolved, every exception strictly
 * below the virtual path by identity. `scope` answers the system questions (by default this
 * host's; a platform told its drives passes its own).
 *
 * @example
 * ```ts
 * import { checkCreateAtBoundary } from "./boundary.ts";
 * checkCreateAtBoundary({
 *   virtualPath: "C:\\v",
 *   backingPath: "D:\\b",
 *   readOnly: false,
 *   merged: false,
 *   exceptions: ["C:\\v\\keep"],
 * });
 * ```
 */
export function checkCreateAtBoundary(
  spec: LinkSpec,
  scope: LookupScope = withPlaceLookup,
): void {
  const where = { virtualPath: spec.virtualPath, backingPath: spec.backingPath };
  scope((lookup) => {
    const virtual = checkBoundaryPath("create", "virtual path", spec.virtualPath, where, lookup);
    checkBoundaryPath("create", "backing path", spec.backingPath, where, lookup);
    for (const exception of spec.exceptions) {
      const below = checkBoundaryPath("create", "exception path", exception, where, lookup);
      if (!identityIsBelow(below.identity, virtual.identity, "\\")) {
        refuse(
          "create",
          where,
          `the exception path ${quote(exception)} is not below the virtual path`,
          "An exception names a place strictly inside the virtual path. " + HINT,
        );
      }
    }
  });
}

/**
 * Checks a remove request at the boundary.
 *
 * @example
 * ```ts
 * import { checkRemoveAtBoundary } from "./boundary.ts";
 * checkRemoveAtBoundary("C:\\v");
 * ```
 */
export function checkRemoveAtBoundary(
  virtualPath: string,
  scope: LookupScope = withPlaceLookup,
): void {
  scope((lookup) =>
    checkBoundaryPath("remove", "virtual path", virtualPath, { virtualPath }, lookup)
  );
}
