/**
 * The native test double for the bind link API (bindfltapi.dll): builds it when needed, loads
 * it through the same windowsPlatform() code as the real DLL, and reads back what crossed the
 * boundary.
 */
import { fileURLToPath } from "node:url";
import { BindLinkApi, windowsPlatform, type WindowsVolume } from "../../mod.ts";
import { bindfltapiSymbols } from "../../lib/windows/bindfltapi_ffi.ts";
import { wideString } from "../../lib/windows/wide.ts";

const isWindows = Deno.build.os === "windows";
const source = fileURLToPath(new URL("../double/bindlink_double.c", import.meta.url));
const buildDir = fileURLToPath(new URL("../.build/", import.meta.url));

/** The variants of the double (see the -D switches at the top of bindlink_double.c). */
export type DoubleVariant = "double" | "nocreate";

const DEFINES: Record<DoubleVariant, string[]> = {
  double: [],
  nocreate: ["-DDOUBLE_NO_CREATE"],
};

/** Where a variant is; on Windows tools/test_windows.sh cross-compiles them beforehand. */
export function doubleVariantPath(variant: DoubleVariant): string {
  const name = variant === "double" ? "bindlink_double" : `bindlink_double_${variant}`;
  return buildDir + (isWindows ? `${name}.dll` : `lib${name}.so`);
}

/** Where the double is. */
export const doubleLibraryPath = doubleVariantPath("double");

/** A Windows-only build product of tools/test_windows.sh, by file name. */
export function windowsBuild(name: string): string {
  return buildDir + name;
}

/**
 * The drives a double on Linux pretends to have; on Windows the system's own are used (Wine
 * has C: and Z:), and the double asks QueryDosDeviceW for the devices.
 */
export const LINUX_VOLUMES: readonly WindowsVolume[] = [
  { drive: "C:", device: "\\Device\\HarddiskVolume3" },
  { drive: "D:", device: "\\Device\\HarddiskVolume4" },
  { drive: "Z:", device: "\\Device\\HarddiskVolume2" },
  { drive: "N:", device: "\\Device\\LanmanRedirector\\;N:0000\\nas\\media", local: false },
];

function mtime(file: string): number | undefined {
  try {
    return Deno.statSync(file).mtime?.getTime();
  } catch {
    return undefined;
  }
}

/** Builds a variant of the double with `cc` unless an up-to-date build exists. */
export function buildDouble(variant: DoubleVariant = "double"): string {
  const library = doubleVariantPath(variant);
  const built = mtime(library);
  if (isWindows) {
    if (built === undefined) {
      throw new Error(`${library} is missing: run the suite with deno task test:windows`);
    }
    return library;
  }
  if (built !== undefined && built >= (mtime(source) ?? Infinity)) return library;
  Deno.mkdirSync(buildDir, { recursive: true });
  const temporary = `${library}.${Deno.pid}.tmp`;
  const result = new Deno.Command("cc", {
    args: [
      "-std=c11",
      "-Wall",
      "-Wextra",
      "-Werror",
      "-O1",
      "-shared",
      "-fPIC",
      ...DEFINES[variant],
      "-o",
      temporary,
      source,
    ],
  }).outputSync();
  if (!result.success) {
    throw new Error(`building the test double failed:\n${new TextDecoder().decode(result.stderr)}`);
  }
  Deno.renameSync(temporary, library);
  return library;
}

const controlSymbols = {
  double_reset: { parameters: [], result: "void" },
  double_call_count: { parameters: [], result: "u32" },
  double_link_count: { parameters: [], result: "u32" },
  double_call_json: {
    parameters: [
      "u32", // uint32_t index
      "buffer", // char* out
      "u32", // uint32_t size
    ],
    result: "u32", // uint32_t: length of the JSON text
  },
  double_script: {
    parameters: [
      "u32", // uint32_t which: 0 CreateBindLink, 1 RemoveBindLink
      "i32", // int32_t hresult
    ],
    result: "void",
  },
  double_add_existing: { parameters: ["buffer" /* PCWSTR path */], result: "void" },
  double_set_delay: { parameters: ["u32" /* uint32_t milliseconds */], result: "void" },
  double_script_mappings: {
    parameters: [
      "i32", // int32_t hresult
      "u32", // uint32_t required: what *bufferSize is set to
    ],
    result: "void",
  },
  double_script_mappings_raw: {
    parameters: [
      "buffer", // const uint8_t* bytes
      "u32", // uint32_t length
    ],
    result: "void",
  },
  CreateBindLink: bindfltapiSymbols.CreateBindLink,
  RemoveBindLink: bindfltapiSymbols.RemoveBindLink,
  double_set_volume: {
    parameters: [
      "buffer", // PCWSTR drive ("C:")
      "buffer", // PCWSTR device ("\\Device\\HarddiskVolume3")
    ],
    result: "void",
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** One call as the double decoded it. */
export interface RecordedCall {
  fn: "CreateBindLink" | "RemoveBindLink" | "BfGetMappings";
  virtualPath?: string | null;
  /** BfGetMappings: the path whose volume was asked about. */
  path?: string | null;
  /** BfGetMappings: `*bufferSize` on entry. */
  bufferSize?: number;
  backingPath?: string | null;
  flags?: number;
  exceptionCount?: number;
  exceptionPaths?: (string | null)[] | null;
  unterminated: number;
  result: number;
  thread: number;
  onLoadingThread: number;
}

/** The double's control panel and an API bound to it. Dispose to close both handles. */
export class Double implements Disposable {
  readonly path: string;
  readonly api: BindLinkApi;
  readonly #control: Deno.DynamicLibrary<typeof controlSymbols>;

  /** `recordsFolder`: where the platform keeps its records of links with exceptions. */
  constructor(options: { recordsFolder?: string } = {}) {
    this.path = buildDouble();
    this.#control = Deno.dlopen(this.path, controlSymbols);
    this.api = new BindLinkApi(
      windowsPlatform({
        libraryPath: this.path,
        volumes: isWindows ? undefined : LINUX_VOLUMES,
        recordsFolder: options.recordsFolder,
      }),
    );
    this.reset();
  }

  /** Forgets everything; off Windows, declares {@linkcode LINUX_VOLUMES} again. */
  reset(): void {
    this.#control.symbols.double_reset();
    if (!isWindows) {
      for (const volume of LINUX_VOLUMES) this.setVolume(volume.drive, volume.device);
    }
  }

  /** The calls other than listing ones (BfGetMappings), which lookups add. */
  linkCalls(): RecordedCall[] {
    return this.calls().filter((call) => call.fn !== "BfGetMappings");
  }

  /** The next BfGetMappings returns `hresult` and says it needs `required` bytes. */
  scriptMappings(hresult: number, required: number): void {
    this.#control.symbols.double_script_mappings(hresult | 0, required);
  }

  /** The next BfGetMappings with room for them answers exactly `bytes`. */
  scriptMappingsRaw(bytes: Uint8Array<ArrayBuffer>): void {
    this.#control.symbols.double_script_mappings_raw(bytes, bytes.length);
  }

  /** Calls the double's CreateBindLink directly, past every check of bindlink's. */
  rawCreate(virtualPath: string, backingPath: string, flags = 0): number {
    return this.#control.symbols.CreateBindLink(
      wideString(virtualPath),
      wideString(backingPath),
      flags,
      0,
      null,
    );
  }

  /** Calls the double's RemoveBindLink directly. */
  rawRemove(virtualPath: string): number {
    return this.#control.symbols.RemoveBindLink(wideString(virtualPath));
  }

  /** Drive `drive` is the NT device `device` in the double's listings. */
  setVolume(drive: string, device: string): void {
    this.#control.symbols.double_set_volume(wideString(drive), wideString(device));
  }

  calls(): RecordedCall[] {
    const count = this.#control.symbols.double_call_count();
    const out: RecordedCall[] = [];
    for (let i = 0; i < count; i++) {
      const length = this.#control.symbols.double_call_json(i, null, 0);
      const buffer = new Uint8Array(length + 1);
      this.#control.symbols.double_call_json(i, buffer, buffer.length);
      out.push(JSON.parse(new TextDecoder().decode(buffer.subarray(0, length))));
    }
    return out;
  }

  lastCall(): RecordedCall {
    const calls = this.calls();
    if (calls.length === 0) throw new Error("the double recorded no call");
    return calls[calls.length - 1];
  }

  linkCount(): number {
    return this.#control.symbols.double_link_count();
  }

  /** The next CreateBindLink (or RemoveBindLink) returns `hresult`. */
  script(fn: "create" | "remove", hresult: number): void {
    this.#control.symbols.double_script(fn === "create" ? 0 : 1, hresult | 0);
  }

  /** Declares that `path` exists, so links there are shadow links (exceptions allowed). */
  addExisting(path: string): void {
    this.#control.symbols.double_add_existing(wideString(path));
  }

  setDelay(milliseconds: number): void {
    this.#control.symbols.double_set_delay(milliseconds);
  }

  [Symbol.dispose](): void {
    this.api.close();
    this.#control.close();
  }
}
