/**
 * The system's own description of an HRESULT.
 *
 * On Windows it comes from FormatMessageW. Elsewhere (a test double loaded on Linux) there is
 * no message table, so the standard English texts of the codes bind links produce stand in.
 *
 * @module
 */
import { FORMAT_MESSAGE_SYSTEM_TEXT, type kernel32Symbols } from "./kernel32_ffi.ts";
import { win32ErrorOf } from "./hresult.ts";
import { fromWide } from "./wide.ts";

/** Windows' own wording for the Win32 errors bind links return. */
const ENGLISH_WIN32_TEXT: Readonly<Record<number, string>> = {
  2: "The system cannot find the file specified.",
  3: "The system cannot find the path specified.",
  5: "Access is denied.",
  50: "The request is not supported.",
  53: "The network path was not found.",
  67: "The network name cannot be found.",
  80: "The file exists.",
  87: "The parameter is incorrect.",
  123: "The filename, directory name, or volume label syntax is incorrect.",
  126: "The specified module could not be found.",
  145: "The directory is not empty.",
  161: "The specified path is invalid.",
  170: "The requested resource is in use.",
  183: "Cannot create a file when that file already exists.",
  206: "The filename or extension is too long.",
};

type Kernel32 = Deno.DynamicLibrary<typeof kernel32Symbols>["symbols"];

/** FormatMessageW's text for `code`, or undefined when the system has none. */
export function formatMessage(kernel32: Kernel32, code: number): string | undefined {
  const buffer = new Uint16Array(1024);
  const tryCode = (value: number) => {
    const written = kernel32.FormatMessageW(
      FORMAT_MESSAGE_SYSTEM_TEXT,
      null,
      value >>> 0,
      0,
      buffer,
      buffer.length,
      null,
    );
    return written > 0 ? fromWide(buffer, written).trim() : undefined;
  };
  const win32 = win32ErrorOf(code);
  return tryCode(code) ?? (win32 === undefined ? undefined : tryCode(win32));
}

/** The standard English text for `hresult`, for hosts without FormatMessageW. */
export function englishText(hresult: number): string | undefined {
  const win32 = win32ErrorOf(hresult);
  return win32 === undefined ? undefined : ENGLISH_WIN32_TEXT[win32];
}
