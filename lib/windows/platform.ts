/**
 * The Windows backend: bindflt.sys through `bindlink.dll`.
 *
 * @module
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BindLinkError, type BindLinkOperation } from "../errors.ts";
import { NativeLibrary } from "../native_library.ts";
import type { BindLinkInfo, LinkSpec, Platform } from "../platform.ts";
import {
  bindlinkSymbols,
  CREATE_BIND_LINK_FLAG_MERGED,
  CREATE_BIND_LINK_FLAG_READ_ONLY,
} from "./bindlink_ffi.ts";
import { explainHresult } from "./hresult.ts";
import { INVALID_FILE_ATTRIBUTES, kernel32Symbols } from "./kernel32_ffi.ts";
import { windowsPathRules } from "./paths.ts";
import { system32Path } from "./system_root.ts";
import { englishText, formatMessage } from "./system_text.ts";
import { wideString, wideStringArray } from "./wide.ts";

/** Options for {@linkcode windowsPlatform}. */
export interface WindowsPlatformOptions {
  /**
   * An absolute path (or `file:` URL) of a library with `bindlink.dll`'s exports and C
   * signatures, to use instead of `%SystemRoot%\System32\bindlink.dll`: a pinned copy, or a
   * test double. Leave it out in production. There is deliberately no environment variable
   * for this: an elevated tool must not load a DLL its caller's environment names.
   */
  libraryPath?: string | URL;
}

interface Context {
  operation: BindLinkOperation;
  virtualPath: string;
  backingPath?: string;
  exceptionCount: number;
}

const isWindows = Deno.build.os === "windows";

function absoluteLibraryPath(value: string | URL): string {
  const text = value instanceof URL ? fileURLToPath(value) : value;
  if (typeof text !== "string" || !path.isAbsolute(text)) {
    throw new TypeError(
      `windowsPlatform: libraryPath must be an absolute path or a file: URL, not ${
        JSON.stringify(text)
      }. A relative name would be looked up through the DLL search order, which an attacker ` +
        "can influence.",
    );
  }
  return text;
}

function flagsOf(spec: LinkSpec): number {
  return (spec.readOnly ? CREATE_BIND_LINK_FLAG_READ_ONLY : 0) |
    (spec.merged ? CREATE_BIND_LINK_FLAG_MERGED : 0);
}

function createContext(spec: LinkSpec): Context {
  return {
    operation: "create",
    virtualPath: spec.virtualPath,
    backingPath: spec.backingPath,
    exceptionCount: spec.exceptions.length,
  };
}

function removeContext(virtualPath: string): Context {
  return { operation: "remove", virtualPath, exceptionCount: 0 };
}

class WindowsBindflt implements Platform {
  readonly name = "windows";
  readonly paths = windowsPathRules;
  readonly #configuredPath: string | undefined;
  readonly #bindlink: NativeLibrary<typeof bindlinkSymbols>;
  readonly #kernel32 = new NativeLibrary(() =>
    Deno.dlopen(system32Path("kernel32.dll"), kernel32Symbols)
  );

  constructor(options: WindowsPlatformOptions) {
    this.#configuredPath = options.libraryPath === undefined
      ? undefined
      : absoluteLibraryPath(options.libraryPath);
    this.#bindlink = new NativeLibrary(() => Deno.dlopen(this.#libraryPath(), bindlinkSymbols));
  }

  cwd(): string {
    // Off Windows (a test double on Linux) paths still follow Windows rules; the Unix root
    // appears as drive Z:, as Wine presents it.
    return isWindows ? Deno.cwd() : "Z:" + Deno.cwd().replaceAll("/", "\\");
  }

  createSync(spec: LinkSpec): void {
    const context = createContext(spec);
    const symbols = this.#load(context);
    const virtualPath = wideString(spec.virtualPath);
    const backingPath = wideString(spec.backingPath);
    const exceptions = wideStringArray(spec.exceptions);
    const hresult = symbols.CreateBindLink(
      virtualPath,
      backingPath,
      flagsOf(spec),
      spec.exceptions.length,
      exceptions.pointers,
    );
    this.#check(hresult, context);
  }

  async create(spec: LinkSpec): Promise<void> {
    const context = createContext(spec);
    this.#load(context);
    const args = {
      virtualPath: wideString(spec.virtualPath),
      backingPath: wideString(spec.backingPath),
      exceptions: wideStringArray(spec.exceptions),
    };
    const hresult = await this.#bindlink.track(args, (symbols) =>
      symbols.CreateBindLinkNonblocking(
        args.virtualPath,
        args.backingPath,
        flagsOf(spec),
        spec.exceptions.length,
        args.exceptions.pointers,
      ));
    this.#check(hresult, context);
  }

  removeSync(virtualPath: string): void {
    const context = removeContext(virtualPath);
    const hresult = this.#load(context).RemoveBindLink(wideString(virtualPath));
    this.#check(hresult, context);
  }

  async remove(virtualPath: string): Promise<void> {
    const context = removeContext(virtualPath);
    this.#load(context);
    const wide = wideString(virtualPath);
    const hresult = await this.#bindlink.track(
      wide,
      (symbols) => symbols.RemoveBindLinkNonblocking(wide),
    );
    this.#check(hresult, context);
  }

  // Placeholder until listing lands (issue 7 / issue 8); it refuses rather than lies.
  listSync(): BindLinkInfo[] {
    throw new BindLinkError({
      code: "unknown",
      operation: "list",
      summary: "listing links is not built yet",
      hint: "Update bindlink.",
    });
  }

  list(): Promise<BindLinkInfo[]> {
    return Promise.resolve().then(() => this.listSync());
  }

  close(): void {
    this.#bindlink.close();
    this.#kernel32.close();
  }

  #libraryPath(): string {
    if (this.#configuredPath !== undefined) return this.#configuredPath;
    if (!isWindows) {
      throw new BindLinkError({
        code: "unsupported-platform",
        operation: "create",
        summary: `bind links are a Windows feature and this is ${Deno.build.os}`,
        hint: "Use the default platform on this system, or pass libraryPath to " +
          "windowsPlatform() to load a library with bindlink.dll's exports.",
      });
    }
    return system32Path("bindlink.dll");
  }

  #load(context: Context) {
    let libraryPath: string | undefined;
    try {
      libraryPath = this.#libraryPath();
      return this.#bindlink.symbols;
    } catch (error) {
      throw this.#loadError(error, context, libraryPath);
    }
  }

  #loadError(error: unknown, context: Context, libraryPath: string | undefined): BindLinkError {
    const where = {
      operation: context.operation,
      virtualPath: context.virtualPath,
      backingPath: context.backingPath,
      libraryPath,
    };
    if (error instanceof BindLinkError) {
      return new BindLinkError({ ...error, ...where, cause: error.cause });
    }
    const systemMessage = error instanceof Error ? error.message : String(error);
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      return new BindLinkError({
        ...where,
        code: "access-denied",
        summary: libraryPath
          ? `Deno is not allowed to load ${libraryPath}`
          : "Deno's FFI permission does not cover what bindlink needs",
        hint: "Run with --allow-ffi, not scoped to a path: bindlink reads the Windows folder " +
          "from the kernel and passes arrays of pointers, which a path-scoped --allow-ffi forbids.",
        systemMessage,
        cause: error,
      });
    }
    const pinned = this.#configuredPath !== undefined;
    if (libraryPath !== undefined && !this.#exists(libraryPath)) {
      return pinned
        ? new BindLinkError({
          ...where,
          code: "not-found",
          summary: `the native library ${libraryPath} does not exist`,
          hint: "Check the libraryPath given to windowsPlatform().",
          systemMessage,
          cause: error,
        })
        : new BindLinkError({
          ...where,
          code: "unsupported-windows",
          summary: `this Windows has no bind link support (${libraryPath} does not exist)`,
          hint: "Bind links need Windows 11 version 24H2 or Windows Server 2025, or later. " +
            "Update Windows, or run this on a machine that has them.",
          systemMessage,
          cause: error,
        });
    }
    const symbolMissing = /symbol/i.test(systemMessage);
    return new BindLinkError({
      ...where,
      code: symbolMissing && !pinned ? "unsupported-windows" : "unknown",
      summary: symbolMissing
        ? `${libraryPath} does not export CreateBindLink and RemoveBindLink`
        : `the native library ${libraryPath} could not be loaded`,
      hint: symbolMissing && !pinned
        ? "This Windows predates the bind link API; it needs Windows 11 version 24H2 or " +
          "Windows Server 2025, or later."
        : "Check that the file is an x64 library with bindlink.dll's exports.",
      systemMessage,
      cause: error,
    });
  }

  #exists(file: string): boolean {
    if (isWindows) {
      try {
        return this.#kernel32.symbols.GetFileAttributesW(wideString(file)) !==
          INVALID_FILE_ATTRIBUTES;
      } catch {
        return true; // cannot tell; report the load failure as it is
      }
    }
    try {
      Deno.statSync(file);
      return true;
    } catch (error) {
      return !(error instanceof Deno.errors.NotFound);
    }
  }

  #check(hresult: number, context: Context): void {
    if (hresult >= 0) return;
    const meaning = explainHresult(hresult, context.operation, context.exceptionCount > 0);
    throw new BindLinkError({
      ...meaning,
      operation: context.operation,
      virtualPath: context.virtualPath,
      backingPath: context.backingPath,
      hresult,
      systemMessage: this.#systemText(hresult),
    });
  }

  #systemText(hresult: number): string | undefined {
    if (isWindows) {
      try {
        return formatMessage(this.#kernel32.symbols, hresult);
      } catch {
        // kernel32 not loadable under a narrow --allow-ffi: fall back to the known texts.
      }
    }
    return englishText(hresult);
  }
}

/**
 * The Windows bind link backend. By default it loads
 * `%SystemRoot%\System32\bindlink.dll` by absolute path, where `%SystemRoot%` is read from
 * the kernel rather than from the environment, on first use.
 *
 * @example The real DLL
 * ```ts
 * import { BindLinkApi, windowsPlatform } from "@bindlink/bindlink";
 *
 * using api = new BindLinkApi(windowsPlatform());
 * await using link = await api.createBindLink("C:\\Foo", "D:\\Bar", { readOnly: true });
 * ```
 *
 * @example A test double or a pinned copy, named in code
 * ```ts
 * import { BindLinkApi, windowsPlatform } from "@bindlink/bindlink";
 *
 * const api = new BindLinkApi(
 *   windowsPlatform({ libraryPath: new URL("./bindlink_double.dll", import.meta.url) }),
 * );
 * ```
 */
export function windowsPlatform(options: WindowsPlatformOptions = {}): Platform {
  return new WindowsBindflt(options);
}
