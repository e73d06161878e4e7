/**
 * What an HRESULT from the bind link API (bindfltapi.dll) means for the user: the stable code,
 * the failure in plain words, and the next step. An E_INVALIDARG is worded only after a look at
 * the live links (describe_error.ts): Windows answers a duplicate create with it.
 *
 * @module
 */
import type { BindLinkOperation, ErrorMeaning } from "../errors.ts";

/** The Win32 error codes bindlink meets, by name: the one table of them. */
export const WIN32 = {
  ERROR_FILE_NOT_FOUND: 2,
  ERROR_PATH_NOT_FOUND: 3,
  ERROR_ACCESS_DENIED: 5,
  ERROR_NOT_SUPPORTED: 50,
  ERROR_BAD_NETPATH: 53,
  ERROR_BAD_NET_NAME: 67,
  ERROR_FILE_EXISTS: 80,
  ERROR_INVALID_PARAMETER: 87,
  ERROR_INSUFFICIENT_BUFFER: 122,
  ERROR_INVALID_NAME: 123,
  ERROR_DIR_NOT_EMPTY: 145,
  ERROR_BAD_PATHNAME: 161,
  ERROR_BUSY: 170,
  ERROR_ALREADY_EXISTS: 183,
  ERROR_FILENAME_EXCED_RANGE: 206,
  ERROR_MORE_DATA: 234,
  ERROR_NOT_FOUND: 1168,
} as const;

/** The Win32 error inside an HRESULT built by HRESULT_FROM_WIN32, or undefined. */
export function win32ErrorOf(hresult: number): number | undefined {
  const unsigned = hresult >>> 0;
  return ((unsigned & 0xFFFF_0000) >>> 0) === 0x8007_0000 ? unsigned & 0xFFFF : undefined;
}

/** HRESULT_FROM_WIN32 */
export function hresultFromWin32(error: number): number {
  return (0x8007_0000 | (error & 0xFFFF)) >>> 0;
}

const ELEVATE = "Bind links need Administrator rights: run from an elevated prompt " +
  "(right-click the terminal, Run as administrator). If you are elevated already, check that " +
  "you may read both paths and the root of the backing path's volume.";

/** What the situation behind `hresult` is, for the operation that returned it. */
export function explainHresult(
  hresult: number,
  operation: BindLinkOperation,
  hasExceptions: boolean,
): ErrorMeaning {
  const win32 = win32ErrorOf(hresult);
  const create = operation === "create";
  switch (win32) {
    case WIN32.ERROR_ACCESS_DENIED:
      return { code: "access-denied", summary: "access was denied", hint: ELEVATE };
    case WIN32.ERROR_FILE_NOT_FOUND:
    case WIN32.ERROR_PATH_NOT_FOUND:
      return create
        ? {
          code: "not-found",
          summary: win32 === 3
            ? "a folder on one of the paths does not exist"
            : "the backing path does not exist",
          hint: "Check that the backing path exists and that the virtual path's parent folder " +
            "exists (or is itself visible through a link).",
        }
        : {
          code: "not-found",
          summary: "there is no bind link at this path",
          hint: "Check the spelling of the virtual path; links vanish when Windows restarts.",
        };
    case WIN32.ERROR_BAD_NETPATH:
    case WIN32.ERROR_BAD_NET_NAME:
      return {
        code: "not-found",
        summary: "the network path cannot be reached",
        hint: "Check the server and share names, that the server is on, and that this " +
          "machine can reach it (try opening the share in Explorer).",
      };
    case WIN32.ERROR_ALREADY_EXISTS:
    case WIN32.ERROR_FILE_EXISTS:
      return {
        code: "already-exists",
        summary: "a bind link already exists at the virtual path",
        hint: "Remove it first (bindlink remove <virtual>), or choose another virtual path.",
      };
    case WIN32.ERROR_INVALID_PARAMETER: // and E_INVALIDARG
      return {
        code: "invalid-argument",
        summary: hasExceptions
          ? "Windows rejected the request; exceptions are refused when the virtual path does " +
            "not exist on disk (an anchorless link)"
          : "Windows rejected the arguments",
        hint: hasExceptions
          ? "Create the virtual folder first, or drop the exceptions."
          : "Check the options and paths (bindlink list shows the live links); if they are " +
            "right, report this message.",
      };
    case WIN32.ERROR_INVALID_NAME:
    case WIN32.ERROR_BAD_PATHNAME:
    case WIN32.ERROR_FILENAME_EXCED_RANGE:
      return {
        code: "invalid-path",
        summary: "Windows considers one of the paths malformed",
        hint: "Use absolute paths such as C:\\folder or \\\\server\\share\\folder, with names " +
          "of at most 255 characters.",
      };
    case WIN32.ERROR_NOT_SUPPORTED:
      return {
        code: "not-supported",
        summary: "the file system or volume does not support bind links",
        hint: "Put the virtual path on a local NTFS or ReFS volume.",
      };
    case WIN32.ERROR_BUSY:
    case WIN32.ERROR_DIR_NOT_EMPTY:
      return {
        code: "busy",
        summary: "another bind link lives below this one, or the link is in use",
        hint: "Remove the links nested below it first, deepest first, then remove this one.",
      };
  }
  return {
    code: "unknown",
    summary: `Windows ${
      create ? "refused to create" : "refused to remove"
    } the link for a reason bindlink does not know`,
    hint: "Look up the HRESULT above; if it persists, report it together with this message.",
  };
}
