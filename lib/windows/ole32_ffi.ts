/**
 * The ole32.dll function that frees what shell32 allocates for a known folder's path.
 *
 * @module
 */
import { system32Path } from "./system_root.ts";

/** ole32.dll's functions, as `Deno.dlopen` needs them. */
export const ole32Symbols = {
  /** void CoTaskMemFree(LPVOID pv) */
  CoTaskMemFree: {
    parameters: ["pointer" /* LPVOID pv (NULL is allowed) */],
    result: "void",
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** The absolute path of ole32.dll in System32. */
export function ole32Path(): string {
  return system32Path("ole32.dll");
}
