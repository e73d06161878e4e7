/**
 * The last check before a path crosses into the bind link DLL. `windowsPlatform()` is public
 * API, so whatever its caller skipped is caught here, right before encoding: no byte of a
 * refused path reaches the DLL.
 *
 * @module
 */
import { BindLinkError, type BindLinkOperation } from "../errors.ts";
import type { LinkSpec } from "../platform.ts";
import { isBelowWindows, WINDOWS_MAX_PATH } from "./paths.ts";

const ABSOLUTE = /^(?:[A-Za-z]:\\|\\\\)/;

function refuse(
  operation: BindLinkOperation,
  where: { virtualPath?: string; backingPath?: string },
  summary: string,
): never {
  throw new BindLinkError({
    code: "invalid-path",
    operation,
    ...where,
    summary,
    hint: "Pass paths through BindLinkApi (or resolve them first): the platform takes only " +
      "absolute, resolved Windows paths.",
  });
}

/** Throws `invalid-path` unless `path` is absolute, resolved, NUL-free and within the limit. */
export function checkBoundaryPath(
  operation: BindLinkOperation,
  role: string,
  path: string,
  where: { virtualPath?: string; backingPath?: string },
): void {
  if (typeof path !== "string") refuse(operation, where, `the ${role} is not a string`);
  if (path.includes("\0")) refuse(operation, where, `the ${role} contains a NUL character`);
  if (!ABSOLUTE.test(path)) refuse(operation, where, `the ${role} ${path} is not absolute`);
  if (path.length > WINDOWS_MAX_PATH) {
    refuse(operation, where, `the ${role} is longer than ${WINDOWS_MAX_PATH} characters`);
  }
}

/** Checks a create request at the boundary. */
export function checkCreateAtBoundary(spec: LinkSpec): void {
  const where = { virtualPath: spec.virtualPath, backingPath: spec.backingPath };
  checkBoundaryPath("create", "virtual path", spec.virtualPath, where);
  checkBoundaryPath("create", "backing path", spec.backingPath, where);
  for (const exception of spec.exceptions) {
    checkBoundaryPath("create", "exception path", exception, where);
    if (!isBelowWindows(exception, spec.virtualPath)) {
      refuse("create", where, `the exception path ${exception} is not below the virtual path`);
    }
  }
}

/** Checks a remove request at the boundary. */
export function checkRemoveAtBoundary(virtualPath: string): void {
  checkBoundaryPath("remove", "virtual path", virtualPath, { virtualPath });
}
