/**
 * The Windows backend: bindflt.sys through the bind link API of `System32\bindfltapi.dll`
 * (or a library named in code), with links listed by `BfGetMappings`. This file keeps the
 * Platform contract: the checks before a call, the refusal of bindlink's own folder, and the
 * records of links made with exceptions. Loading the library, listing through it and wording
 * its failures is bind_link_library.ts's.
 *
 * @module
 */
import { BindLinkError, type BindLinkOperation } from "../errors.ts";
import type { StatePlace, StateRequest } from "../state/place.ts";
import type { BindLinkInfo, LinkSpec, Platform } from "../platform.ts";
import { CREATE_BIND_LINK_FLAG_MERGED, CREATE_BIND_LINK_FLAG_READ_ONLY } from "./bindfltapi_ffi.ts";
import { BindLinkLibrary } from "./bind_link_library.ts";
import { checkCreateAtBoundary, checkRemoveAtBoundary } from "./boundary.ts";
import { refuseStateFolder } from "./reserved_places.ts";
import { checkCreateOnWindows } from "./dry_check.ts";
import { folderRecordFiles, kernel32RecordFiles, programDataRecordFiles } from "./record_files.ts";
import { LinkRecordStore } from "./link_records.ts";
import type { LoadContext } from "./loader.ts";
import { windowsPathRules } from "./paths.ts";
import { tokenElevated } from "./process_token.ts";
import { withSecurityLibraries } from "./security.ts";
import type { WindowsVolume } from "./volumes.ts";
import { wideString, wideStringArray } from "./wide.ts";

/** Options for {@linkcode windowsPlatform}. */
export interface WindowsPlatformOptions {
  /**
   * An absolute path (or `file:` URL) of a library with the bind link API's exports and C
   * signatures (`CreateBindLink`, `RemoveBindLink`, optionally `BfGetMappings`), to use
   * instead of `System32\bindfltapi.dll`: a pinned copy, or a test double. Leave it out in
   * production. There is deliberately no environment variable for this: an elevated tool must
   * not load a DLL its caller's environment names.
   */
  libraryPath?: string | URL;
  /**
   * The drive letters and their NT devices, used by listing. Windows itself is asked
   * (GetLogicalDriveStringsW, GetDriveTypeW, QueryDosDeviceW) when this is left out, which is
   * what production wants; give it to drive a test double off Windows.
   */
  volumes?: readonly WindowsVolume[];
  /**
   * The folder of bindlink's records of the links it made with exceptions (which the listing
   * does not report), so that listings, `status` and DSC's `test` see them. Default: with the
   * system's DLL, `<ProgramData>\bindlink\links`, protected as the state folder is; with a
   * `libraryPath`, none (exceptions then read back as unknown, an empty list), unless given
   * here. It must be a folder only administrators can change.
   */
  recordsFolder?: string;
}

const isWindows = Deno.build.os === "windows";

function flagsOf(spec: LinkSpec): number {
  return (spec.readOnly ? CREATE_BIND_LINK_FLAG_READ_ONLY : 0) |
    (spec.merged ? CREATE_BIND_LINK_FLAG_MERGED : 0);
}

class WindowsBindflt implements Platform {
  readonly name = "windows";
  readonly paths = windowsPathRules;
  readonly #library: BindLinkLibrary;
  readonly #records: LinkRecordStore | undefined;

  constructor(options: WindowsPlatformOptions) {
    this.#library = new BindLinkLibrary(options.libraryPath, options.volumes);
    const files = options.recordsFolder !== undefined
      ? (isWindows ? kernel32RecordFiles : folderRecordFiles)(options.recordsFolder)
      : isWindows && this.#library.configuredPath === undefined
      ? programDataRecordFiles()
      : undefined;
    this.#records = files && new LinkRecordStore(files, this.paths);
  }

  get reportsExceptions(): boolean {
    return this.#records !== undefined;
  }

  // Links are seen by every process; a `run` makes them for all and removes them after.
  readonly privateRun = false;

  async statePlace(request: StateRequest): Promise<StatePlace | undefined> {
    return (await import("./state_place.ts")).windowsStatePlace(request);
  }

  cwd(): string {
    // Off Windows (a test double on Linux) paths still follow Windows rules; the Unix root
    // appears as drive Z:, as Wine presents it.
    return isWindows ? Deno.cwd() : "Z:" + Deno.cwd().replaceAll("/", "\\");
  }

  createSync(spec: LinkSpec): void {
    checkCreateAtBoundary(spec);
    this.#refuseStateFolder(spec);
    const symbols = this.#library.load(this.#where("create", spec));
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
    if (hresult < 0) throw this.#library.failureSync(this.#library.createFailure(spec, hresult));
    this.#remember(spec, () => symbols.RemoveBindLink(virtualPath));
  }

  async create(spec: LinkSpec): Promise<void> {
    checkCreateAtBoundary(spec);
    this.#refuseStateFolder(spec);
    this.#library.load(this.#where("create", spec));
    const args = {
      virtualPath: wideString(spec.virtualPath),
      backingPath: wideString(spec.backingPath),
      exceptions: wideStringArray(spec.exceptions),
    };
    const hresult = await this.#library.api.track(
      args,
      (symbols) =>
        symbols.CreateBindLinkNonblocking(
          args.virtualPath,
          args.backingPath,
          flagsOf(spec),
          spec.exceptions.length,
          args.exceptions.pointers,
        ),
    );
    if (hresult < 0) throw await this.#library.failure(this.#library.createFailure(spec, hresult));
    this.#remember(spec, () => this.#library.api.symbols.RemoveBindLink(args.virtualPath));
  }

  checkCreateSync(spec: LinkSpec): void {
    checkCreateAtBoundary(spec);
    // A library named in code (a test double, a pinned copy) judges paths and rights itself.
    if (this.#library.configuredPath !== undefined) return;
    checkCreateOnWindows(spec, {
      elevated: () => withSecurityLibraries(tokenElevated),
      word: (failure) =>
        this.#library.failureSync({
          ...failure,
          systemMessage: this.#library.systemText(failure.hresult),
        }),
    });
  }

  checkCreate(spec: LinkSpec): Promise<void> {
    return Promise.resolve().then(() => this.checkCreateSync(spec));
  }

  removeSync(virtualPath: string): void {
    checkRemoveAtBoundary(virtualPath);
    const symbols = this.#library.load({ operation: "remove", virtualPath });
    const hresult = symbols.RemoveBindLink(wideString(virtualPath));
    if (hresult < 0) {
      throw this.#library.failureSync(this.#library.removeFailure(virtualPath, hresult));
    }
    this.#forget(virtualPath);
  }

  async remove(virtualPath: string): Promise<void> {
    checkRemoveAtBoundary(virtualPath);
    this.#library.load({ operation: "remove", virtualPath });
    const wide = wideString(virtualPath);
    const hresult = await this.#library.api.track(
      wide,
      (symbols) => symbols.RemoveBindLinkNonblocking(wide),
    );
    if (hresult < 0) {
      throw await this.#library.failure(this.#library.removeFailure(virtualPath, hresult));
    }
    this.#forget(virtualPath);
  }

  listSync(): BindLinkInfo[] {
    const live = this.#library.listSyncOn();
    return this.#records ? this.#records.withExceptions(live) : live;
  }

  async list(): Promise<BindLinkInfo[]> {
    const live = await this.#library.listOn();
    return this.#records ? this.#records.withExceptions(live) : live;
  }

  forwardsInterrupt(): boolean {
    // The console delivers Ctrl+C and Ctrl+Break to every process attached to it; the only
    // way to "pass it on" would be TerminateProcess, which no Ctrl+C should mean.
    return false;
  }

  close(): void {
    this.#library.close();
  }

  /**
   * With the system's DLL, refuses a link over bindlink's own folder (reserved_places.ts). A
   * library named in code (a pinned copy, a test double) is the caller's: its state is not
   * the system's. Deno's permissions too narrow for the lookup are worded as loading is.
   */
  #refuseStateFolder(spec: LinkSpec): void {
    if (!isWindows || this.#library.configuredPath !== undefined) return;
    try {
      refuseStateFolder(spec);
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) this.#library.load(this.#where("create", spec));
      throw error;
    }
  }

  /** Records a link just made; when that fails, takes the link away again: whole or none. */
  #remember(spec: LinkSpec, undo: () => number): void {
    if (!this.#records) return;
    try {
      this.#records.remember(spec);
    } catch (error) {
      undo();
      if (error instanceof BindLinkError) {
        throw new BindLinkError({ ...error, virtualPath: spec.virtualPath, cause: error.cause });
      }
      throw error;
    }
  }

  /** A removed link's record goes too; one left behind is never believed (see withExceptions). */
  #forget(virtualPath: string): void {
    try {
      this.#records?.forget(virtualPath);
    } catch {
      // A record that cannot be deleted describes no live link; the next create replaces it.
    }
  }

  #where(operation: BindLinkOperation, spec: LinkSpec): LoadContext {
    return { operation, virtualPath: spec.virtualPath, backingPath: spec.backingPath };
  }
}

/**
 * The Windows bind link backend. By default it loads the bind link API on first use, by
 * absolute path under the Windows folder the kernel reports (not `%SystemRoot%`):
 * `System32\bindfltapi.dll`, where Windows 11 24H2 and Server 2025 ship it, else
 * `System32\bindlink.dll`, the name Microsoft's reference pages give. The DLL's own imports
 * are taken from System32 only.
 *
 * @example The API Windows ships
 * ```ts
 * import { BindLinkApi, windowsPlatform } from "@bindlink/bindlink";
 *
 * using api = new BindLinkApi(windowsPlatform());
 * await using link = await api.createBindLink("C:\\Foo", "D:\\Bar", { readOnly: true });
 * console.log(await api.listBindLinks());
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
