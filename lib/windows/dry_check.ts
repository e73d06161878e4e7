/**
 * A create on Windows checked without acting, for `apply --dry-run`. bindflt makes its checks
 * inside CreateBindLink, so these ask the file system the questions whose answers it gives
 * as errors, and word each as the HRESULT the call would return (through the same
 * {@linkcode describeFailure} as a failed call): a backing path or an exception that does not
 * exist (ERROR_FILE_NOT_FOUND), a missing virtual path whose parent is missing too
 * (ERROR_PATH_NOT_FOUND), exceptions on an anchorless link (E_INVALIDARG), and a caller that
 * is not elevated (ERROR_ACCESS_DENIED), asked last, so that a path's problem is told first.
 *
 * What only bindflt can refuse at the call (no filter-port rights, an internal failure) is not
 * foreseen.
 *
 * @module
 */
import type { BindLinkError } from "../errors.ts";
import type { LinkSpec } from "../platform.ts";
import type { Failure } from "./describe_error.ts";
import { hresultFromWin32, WIN32 } from "./hresult.ts";
import { pathExists } from "../path_exists.ts";
const { ERROR_ACCESS_DENIED, ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND } = WIN32;

const E_INVALIDARG = 0x8007_0057 | 0;

/** What the check needs from the platform. */
export interface DryCheckContext {
  /** Whether this process runs elevated; asked only when the paths pass. */
  elevated(): boolean;
  /** Words a failure as a failed CreateBindLink is worded. */
  word(failure: Failure): BindLinkError;
}

function parentOf(path: string): string | undefined {
  const cut = path.lastIndexOf("\\");
  const parent = path.slice(0, cut);
  // C:\x has the root C:\ as parent; a root has none.
  return cut < 0 || cut === path.length - 1
    ? undefined
    : /^[A-Za-z]:$/.test(parent)
    ? parent + "\\"
    : parent;
}

/**
 * Throws the error CreateBindLink would give for `spec` where the file system or the token
 * can tell it beforehand.
 *
 * @example
 * ```ts
 * import { checkCreateOnWindows } from "./dry_check.ts";
 * import { describeFailure } from "./describe_error.ts";
 *
 * const spec = { virtualPath: "C:\\v", backingPath: "C:\\b", readOnly: false, merged: false, exceptions: [] };
 * checkCreateOnWindows(spec, { elevated: () => true, word: (f) => describeFailure(f) });
 * ```
 */
export function checkCreateOnWindows(spec: LinkSpec, context: DryCheckContext): void {
  const fail = (hresult: number): never => {
    throw context.word({
      operation: "create",
      virtualPath: spec.virtualPath,
      backingPath: spec.backingPath,
      exceptionCount: spec.exceptions.length,
      hresult: hresult | 0,
    });
  };
  if (!pathExists(spec.backingPath)) fail(hresultFromWin32(ERROR_FILE_NOT_FOUND));
  if (!pathExists(spec.virtualPath)) {
    const parent = parentOf(spec.virtualPath);
    if (parent === undefined || !pathExists(parent)) {
      fail(hresultFromWin32(ERROR_PATH_NOT_FOUND));
    }
    if (spec.exceptions.length) fail(E_INVALIDARG);
  }
  for (const exception of spec.exceptions) {
    if (!pathExists(exception)) fail(hresultFromWin32(ERROR_FILE_NOT_FOUND));
  }
  if (!context.elevated()) fail(hresultFromWin32(ERROR_ACCESS_DENIED));
}
