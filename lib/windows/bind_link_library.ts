/**
 * The bind link library one Windows platform calls, and what its answers mean: the library
 * loaded on first use (the system's, or one named in code by absolute path only), listing the
 * links on some drives through it, and a failed call's HRESULT turned into a BindLinkError
 * with Windows' text and, where it helps, what the live links on that drive show. platform.ts
 * keeps the Platform contract on top: checks, the state folder, the link records.
 *
 * @module
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BindLinkError } from "../errors.ts";
import { NativeLibrary } from "../native_library.ts";
import type { BindLinkInfo, LinkSpec } from "../platform.ts";
import type { bindfltapiSymbols } from "./bindfltapi_ffi.ts";
import { describeFailureAsync, describeFailureSync, type Failure } from "./describe_error.ts";
import { kernel32Symbols } from "./kernel32_ffi.ts";
import { listLinks, listLinksSync, noListingError } from "./listing.ts";
import { type LoadContext, openBindLinkApi } from "./loader.ts";
import { windowsPathRules } from "./paths.ts";
import { system32Path } from "./system_root.ts";
import { englishText, formatMessage } from "./system_text.ts";
import { noVolumeTable, readVolumes, type WindowsVolume } from "./volumes.ts";

type Symbols = Deno.DynamicLibrary<typeof bindfltapiSymbols>["symbols"];

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

/** The drive to list to find a link at `resolved` (in any accepted spelling), or all. */
function drivesOf(resolved: string): string[] | undefined {
  const drive = /^(?:\\\\[?.]\\|\\\?\?\\)?([A-Za-z]:)/.exec(resolved)?.[1].toUpperCase();
  return drive === undefined ? undefined : [drive];
}

/**
 * One bind link library, opened on first use and closed by {@linkcode BindLinkLibrary.close}.
 *
 * @example
 * ```ts
 * import { BindLinkLibrary } from "./bind_link_library.ts";
 *
 * using library = new BindLinkLibrary(undefined, undefined);
 * const links = library.listSyncOn(["C:"]);
 * console.log(links, library.systemText(0x80070005));
 * ```
 */
export class BindLinkLibrary {
  /** The library named in code, or undefined for the system's. */
  readonly configuredPath: string | undefined;
  readonly #configuredVolumes: readonly WindowsVolume[] | undefined;
  /** The bind link API, loaded on first use. */
  readonly api: NativeLibrary<typeof bindfltapiSymbols>;
  readonly #kernel32 = new NativeLibrary(() =>
    Deno.dlopen(system32Path("kernel32.dll"), kernel32Symbols)
  );

  /**
   * `libraryPath` and `volumes` are those of platform.ts's `WindowsPlatformOptions`: an
   * absolute path or `file:` URL of a library to use instead of the system's, and the drives
   * to list.
   */
  constructor(
    libraryPath: string | URL | undefined,
    volumes: readonly WindowsVolume[] | undefined,
  ) {
    this.configuredPath = libraryPath === undefined ? undefined : absoluteLibraryPath(libraryPath);
    this.#configuredVolumes = volumes?.map((volume) => ({ ...volume }));
    this.api = new NativeLibrary(() =>
      openBindLinkApi(this.configuredPath, { operation: "create" })
    );
  }

  /** The library's symbols, loaded on first use; a failure to load is worded for `context`. */
  load(context: LoadContext): Symbols {
    try {
      return this.api.symbols;
    } catch (error) {
      if (error instanceof BindLinkError) {
        throw new BindLinkError({ ...error, ...context, cause: error.cause });
      }
      throw new BindLinkError({
        ...context,
        code: "unknown",
        summary: "the bind link library could not be loaded",
        hint: "Check that the file is an x64 library that exports CreateBindLink and " +
          "RemoveBindLink.",
        systemMessage: error instanceof Error ? error.message : String(error),
        cause: error,
      });
    }
  }

  /** Lists the links on `drives` (default: every local volume), blocking. */
  listSyncOn(drives?: readonly string[]): BindLinkInfo[] {
    const listing = this.load({ operation: "list" }).BfGetMappings;
    if (listing === null) throw noListingError(this.configuredPath);
    return listLinksSync(
      (flags, path, size, buffer) => listing(flags, null, path, null, size, buffer),
      this.#volumes(),
      drives,
    );
  }

  /** Lists the links on `drives` (default: every local volume) off the event loop. */
  listOn(drives?: readonly string[]): Promise<BindLinkInfo[]> {
    const listing = this.load({ operation: "list" }).BfGetMappingsNonblocking;
    if (listing === null) throw noListingError(this.configuredPath);
    return listLinks(
      (flags, path, size, buffer) =>
        this.api.track(
          { path, size, buffer },
          (symbols) => symbols.BfGetMappingsNonblocking!(flags, null, path, null, size, buffer),
        ),
      this.#volumes(),
      drives,
    );
  }

  #volumes(): readonly WindowsVolume[] {
    if (this.#configuredVolumes) return this.#configuredVolumes;
    if (!isWindows) throw noVolumeTable();
    return readVolumes(this.#kernel32.symbols);
  }

  /** What a create of `spec` that returned `hresult` failed with, for the words. */
  createFailure(spec: LinkSpec, hresult: number): Failure {
    return {
      operation: "create",
      virtualPath: spec.virtualPath,
      backingPath: spec.backingPath,
      exceptionCount: spec.exceptions.length,
      hresult,
      systemMessage: this.systemText(hresult),
    };
  }

  /** What a remove of `virtualPath` that returned `hresult` failed with, for the words. */
  removeFailure(virtualPath: string, hresult: number): Failure {
    return {
      operation: "remove",
      virtualPath,
      exceptionCount: 0,
      hresult,
      systemMessage: this.systemText(hresult),
    };
  }

  /** The error for a failed call, after a look at the live links on its drive if needed. */
  failureSync(failure: Failure): BindLinkError {
    return describeFailureSync(
      failure,
      () => this.listSyncOn(drivesOf(failure.virtualPath)),
      (a, b) => windowsPathRules.same(a, b),
    );
  }

  /** The error for a failed call, after a look at the live links on its drive if needed, off the event loop. */
  failure(failure: Failure): Promise<BindLinkError> {
    return describeFailureAsync(
      failure,
      () => this.listOn(drivesOf(failure.virtualPath)),
      (a, b) => windowsPathRules.same(a, b),
    );
  }

  /** Windows' own text for `hresult` (FormatMessageW), else the known English text. */
  systemText(hresult: number): string | undefined {
    if (isWindows) {
      try {
        return formatMessage(this.#kernel32.symbols, hresult);
      } catch {
        // kernel32 not loadable under a narrow --allow-ffi: fall back to the known texts.
      }
    }
    return englishText(hresult);
  }

  /** Closes both libraries; a later call opens them again. */
  close(): void {
    this.api.close();
    this.#kernel32.close();
  }

  /** Closes both libraries at the end of a `using` scope. */
  [Symbol.dispose](): void {
    this.close();
  }
}
