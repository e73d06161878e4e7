/**
 * Finds and opens the DLL that holds the bind link API.
 *
 * Windows as shipped (11 24H2, Server 2025) exports `CreateBindLink` and `RemoveBindLink` from
 * `System32\bindfltapi.dll`; Microsoft's reference pages name `bindlink.dll`, which no shipped
 * build has been seen to carry. Both are tried, by absolute path under the Windows folder the
 * kernel reports, and the first that exports both functions is used. Each is loaded first with
 * `LoadLibraryExW(path, NULL, LOAD_LIBRARY_SEARCH_SYSTEM32)`, so the DLLs it imports come from
 * System32 too and never from beside `deno.exe` (plain `LoadLibraryW`, which `Deno.dlopen`
 * uses, searches the application's folder first); that handle is kept while the library is
 * open, so `Deno.dlopen` finds the module already loaded.
 *
 * @module
 */
import { BindLinkError, type BindLinkErrorInit } from "../errors.ts";
import { bindfltapiSymbols, REQUIRED_EXPORTS } from "./bindfltapi_ffi.ts";
import {
  INVALID_FILE_ATTRIBUTES,
  kernel32Symbols,
  LOAD_LIBRARY_SEARCH_SYSTEM32,
} from "./kernel32_ffi.ts";
import { system32Path } from "./system_root.ts";
import { englishText, formatMessage } from "./system_text.ts";
import { hresultFromWin32 } from "./hresult.ts";
import { wideString } from "./wide.ts";

/** The bind link DLL, opened. */
export type BindfltApi = Deno.DynamicLibrary<typeof bindfltapiSymbols>;

/** Where the default platform looks, in order, under `<Windows folder>\System32`. */
export const SYSTEM32_CANDIDATES = ["bindfltapi.dll", "bindlink.dll"] as const;

/** What the operation was about, for the error a failed load becomes. */
export type LoadContext = Pick<
  BindLinkErrorInit,
  "operation" | "virtualPath" | "backingPath"
>;

const isWindows = Deno.build.os === "windows";

const NEEDED = "Bind links need Windows 11 version 24H2 or Windows Server 2025 (build 26100), " +
  "or later, whose System32\\bindfltapi.dll exports CreateBindLink and RemoveBindLink " +
  "(the bindfltapi.dll of Windows 10 1903 and later has only the filter's Bf* functions). " +
  "Update Windows, or run this on a machine that has them.";

/** One DLL that was tried and why it was not used. */
interface Attempt {
  path: string;
  outcome: string;
  missing?: boolean;
  systemMessage?: string;
}

function exportName(name: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(name + "\0");
}

function nameList(names: readonly string[]): string {
  return names.length === 2 ? `${names[0]} and ${names[1]}` : names.join(", ");
}

function permissionError(error: unknown, context: LoadContext, path?: string): BindLinkError {
  return new BindLinkError({
    ...context,
    code: "access-denied",
    libraryPath: path,
    summary: path
      ? `Deno is not allowed to load ${path}`
      : "Deno's FFI permission does not cover what bindlink needs",
    hint: "Run with --allow-ffi, not scoped to a path: bindlink reads the Windows folder " +
      "from the kernel and passes arrays of pointers, which a path-scoped --allow-ffi forbids.",
    systemMessage: error instanceof Error ? error.message : String(error),
    cause: error,
  });
}

function isPermissionError(error: unknown): boolean {
  return error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied;
}

/** Wraps a `Deno.dlopen` handle so that closing it also releases the pinning handle. */
function pinned(
  library: BindfltApi,
  kernel32: Deno.DynamicLibrary<typeof kernel32Symbols>,
  module: Deno.PointerObject,
): BindfltApi {
  return {
    symbols: library.symbols,
    close() {
      try {
        library.close();
      } finally {
        kernel32.symbols.FreeLibrary(module);
        kernel32.close();
      }
    },
  };
}

/**
 * Tries `candidates` in order on Windows and opens the first that exports both functions,
 * pinned to System32 as described above. Throws `unsupported-windows` naming every path tried
 * (or, for a single pinned `libraryPath`, `not-found` / `unknown`).
 */
function openOnWindows(
  candidates: readonly string[],
  pinnedByCaller: boolean,
  context: LoadContext,
): BindfltApi {
  let kernel32: Deno.DynamicLibrary<typeof kernel32Symbols>;
  try {
    kernel32 = Deno.dlopen(system32Path("kernel32.dll"), kernel32Symbols);
  } catch (error) {
    if (isPermissionError(error)) throw permissionError(error, context);
    throw error;
  }
  const k = kernel32.symbols;
  const systemText = (code: number) =>
    formatMessage(k, hresultFromWin32(code)) ?? englishText(hresultFromWin32(code));
  const attempts: Attempt[] = [];
  try {
    for (const path of candidates) {
      const wide = wideString(path);
      if (k.GetFileAttributesW(wide) === INVALID_FILE_ATTRIBUTES) {
        attempts.push({
          path,
          outcome: "does not exist",
          missing: true,
          systemMessage: systemText(2),
        });
        continue;
      }
      const module = k.LoadLibraryExW(wide, null, LOAD_LIBRARY_SEARCH_SYSTEM32);
      if (module === null) {
        const code = k.GetLastError();
        attempts.push({
          path,
          outcome: `could not be loaded (Windows error ${code})`,
          systemMessage: systemText(code),
        });
        continue;
      }
      const missing = REQUIRED_EXPORTS.filter((name) =>
        k.GetProcAddress(module, exportName(name)) === null
      );
      if (missing.length > 0) {
        k.FreeLibrary(module);
        attempts.push({ path, outcome: `does not export ${nameList(missing)}` });
        continue;
      }
      let library: BindfltApi;
      try {
        library = Deno.dlopen(path, bindfltapiSymbols);
      } catch (error) {
        k.FreeLibrary(module);
        if (isPermissionError(error)) throw permissionError(error, context, path);
        attempts.push({
          path,
          outcome: "could not be opened by Deno",
          systemMessage: error instanceof Error ? error.message : String(error),
        });
        continue;
      }
      return pinned(library, kernel32, module);
    }
  } catch (error) {
    kernel32.close();
    throw error;
  }
  kernel32.close();
  throw loadFailure(attempts, pinnedByCaller, context);
}

/** The error for a set of DLLs none of which could serve. */
function loadFailure(
  attempts: readonly Attempt[],
  pinnedByCaller: boolean,
  context: LoadContext,
): BindLinkError {
  if (pinnedByCaller) {
    const [attempt] = attempts;
    return new BindLinkError({
      ...context,
      code: attempt.missing ? "not-found" : "unknown",
      libraryPath: attempt.path,
      summary: attempt.missing
        ? `the native library ${attempt.path} does not exist`
        : /export/.test(attempt.outcome)
        ? `${attempt.path} ${attempt.outcome}`
        : `the native library ${attempt.path} ${attempt.outcome}`,
      hint: attempt.missing
        ? "Check the libraryPath given to windowsPlatform()."
        : "Check that the file is an x64 library that exports CreateBindLink and RemoveBindLink.",
      systemMessage: attempt.systemMessage,
    });
  }
  const found = attempts.find((attempt) => !attempt.missing);
  return new BindLinkError({
    ...context,
    code: "unsupported-windows",
    libraryPath: (found ?? attempts[0])?.path,
    summary: "this Windows has no bind link API (" +
      attempts.map((attempt) => `${attempt.path} ${attempt.outcome}`).join("; ") + ")",
    hint: NEEDED,
    systemMessage: (found ?? attempts[0])?.systemMessage,
  });
}

/** Off Windows only a pinned library (a test double) can be opened. */
function openElsewhere(path: string, context: LoadContext): BindfltApi {
  try {
    return Deno.dlopen(path, bindfltapiSymbols);
  } catch (error) {
    if (isPermissionError(error)) throw permissionError(error, context, path);
    const systemMessage = error instanceof Error ? error.message : String(error);
    let exists = true;
    try {
      Deno.statSync(path);
    } catch (statError) {
      exists = !(statError instanceof Deno.errors.NotFound);
    }
    if (!exists) {
      const attempt = { path, outcome: "does not exist", missing: true, systemMessage };
      throw loadFailure([attempt], true, context);
    }
    // Name exactly which function is missing: open it once per function.
    const missing = REQUIRED_EXPORTS.filter((name) => {
      try {
        Deno.dlopen(path, { [name]: bindfltapiSymbols[name] }).close();
        return false;
      } catch {
        return true;
      }
    });
    throw loadFailure(
      [{
        path,
        outcome: missing.length ? `does not export ${nameList(missing)}` : "could not be loaded",
        systemMessage,
      }],
      true,
      context,
    );
  }
}

/**
 * Opens the bind link API. With `libraryPath` (absolute) exactly that library is used;
 * without it, on Windows, `System32\bindfltapi.dll` then `System32\bindlink.dll`.
 *
 * @throws {BindLinkError} `unsupported-windows` naming every DLL tried and the Windows needed;
 * `unsupported-platform` off Windows without a library; `not-found` or `unknown` for a pinned
 * library that is missing or lacks the functions; `access-denied` for a too narrow
 * `--allow-ffi`.
 *
 * @example
 * ```ts
 * const api = openBindLinkApi(undefined, { operation: "create" });
 * api.symbols.RemoveBindLink(new Uint16Array([0x43, 0x3a, 0x5c, 0x78, 0]));
 * api.close();
 * ```
 */
export function openBindLinkApi(libraryPath: string | undefined, context: LoadContext): BindfltApi {
  if (libraryPath !== undefined) {
    return isWindows
      ? openOnWindows([libraryPath], true, context)
      : openElsewhere(libraryPath, context);
  }
  if (!isWindows) {
    throw new BindLinkError({
      ...context,
      code: "unsupported-platform",
      summary: `bind links are a Windows feature and this is ${Deno.build.os}`,
      hint: "Use the default platform on this system, or pass libraryPath to " +
        "windowsPlatform() to load a library with the bind link API's exports.",
    });
  }
  let candidates: string[];
  try {
    candidates = SYSTEM32_CANDIDATES.map(system32Path);
  } catch (error) {
    if (isPermissionError(error)) throw permissionError(error, context);
    throw error;
  }
  return openOnWindows(candidates, false, context);
}
