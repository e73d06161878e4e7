/**
 * The shell32.dll function that finds known folders (ProgramData) from the system's own
 * record rather than from environment variables the caller controls.
 *
 * @module
 */
import { system32Path } from "./system_root.ts";

/** shell32.dll's functions, as `Deno.dlopen` needs them. */
export const shell32Symbols = {
  /** HRESULT SHGetKnownFolderPath(REFKNOWNFOLDERID rfid, DWORD dwFlags, HANDLE hToken, PWSTR* ppszPath) */
  SHGetKnownFolderPath: {
    parameters: [
      "buffer", // REFKNOWNFOLDERID rfid: a 16-byte GUID
      "u32", // DWORD dwFlags (0)
      "pointer", // HANDLE hToken (NULL: this process's user)
      "buffer", // PWSTR* ppszPath: CoTaskMemFree it, also on failure
    ],
    result: "i32", // HRESULT
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** The absolute path of shell32.dll in System32. */
export function shell32Path(): string {
  return system32Path("shell32.dll");
}

/** FOLDERID_ProgramData, {62AB5D82-FDC1-4DC3-A9DD-070D1D495D97}, as GUID bytes. */
export const FOLDERID_PROGRAM_DATA: Uint8Array<ArrayBuffer> = new Uint8Array([
  0x82,
  0x5d,
  0xab,
  0x62, // Data1, little-endian
  0xc1,
  0xfd, // Data2
  0xc3,
  0x4d, // Data3
  0xa9,
  0xdd,
  0x07,
  0x0d,
  0x1d,
  0x49,
  0x5d,
  0x97, // Data4
]);
