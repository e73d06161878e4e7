/**
 * The few kernel32.dll functions we need: the system's text for an error code, and whether a
 * file exists (to tell "this Windows has no bindlink.dll" from other load failures).
 *
 * @module
 */

/** kernel32.dll's functions, as `Deno.dlopen` needs them. */
export const kernel32Symbols = {
  /** DWORD FormatMessageW(DWORD, LPCVOID, DWORD, DWORD, LPWSTR, DWORD, va_list*) */
  FormatMessageW: {
    parameters: [
      "u32", // DWORD dwFlags
      "pointer", // LPCVOID lpSource (NULL with FORMAT_MESSAGE_FROM_SYSTEM)
      "u32", // DWORD dwMessageId
      "u32", // DWORD dwLanguageId (0: the user's language)
      "buffer", // LPWSTR lpBuffer
      "u32", // DWORD nSize, in WCHARs
      "pointer", // va_list* Arguments (NULL with FORMAT_MESSAGE_IGNORE_INSERTS)
    ],
    result: "u32", // DWORD: WCHARs written, 0 on failure
  },
  /** DWORD GetFileAttributesW(LPCWSTR lpFileName) */
  GetFileAttributesW: {
    parameters: ["buffer" /* LPCWSTR lpFileName */],
    result: "u32", // DWORD: INVALID_FILE_ATTRIBUTES (0xFFFFFFFF) when missing
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS */
export const FORMAT_MESSAGE_SYSTEM_TEXT = 0x1000 | 0x200;
/** Returned by GetFileAttributesW for a path that cannot be found. */
export const INVALID_FILE_ATTRIBUTES = 0xFFFF_FFFF;
