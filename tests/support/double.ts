/**
 * The native test double for bindlink.dll: builds it when needed, loads it through the same
 * windowsPlatform() code as the real DLL, and reads back what crossed the boundary.
 */
import { fileURLToPath } from "node:url";
import { BindLinkApi, windowsPlatform } from "../../mod.ts";
import { wideString } from "../../lib/windows/wide.ts";

const isWindows = Deno.build.os === "windows";
const source = fileURLToPath(new URL("../double/bindlink_double.c", import.meta.url));
const buildDir = fileURLToPath(new URL("../.build/", import.meta.url));

/** Where the double is; on Windows `deno task test:windows` cross-compiles it beforehand. */
export const doubleLibraryPath = buildDir +
  (isWindows ? "bindlink_double.dll" : "libbindlink_double.so");

function mtime(file: string): number | undefined {
  try {
    return Deno.statSync(file).mtime?.getTime();
  } catch {
    return undefined;
  }
}

/** Builds the double with `cc` unless an up-to-date build exists. */
export function buildDouble(): string {
  const built = mtime(doubleLibraryPath);
  if (isWindows) {
    if (built === undefined) {
      throw new Error(`${doubleLibraryPath} is missing: run the suite with deno task test:windows`);
    }
    return doubleLibraryPath;
  }
  if (built !== undefined && built >= (mtime(source) ?? Infinity)) return doubleLibraryPath;
  Deno.mkdirSync(buildDir, { recursive: true });
  const temporary = `${doubleLibraryPath}.${Deno.pid}.tmp`;
  const result = new Deno.Command("cc", {
    args: [
      "-std=c11",
      "-Wall",
      "-Wextra",
      "-Werror",
      "-O1",
      "-shared",
      "-fPIC",
      "-o",
      temporary,
      source,
    ],
  }).outputSync();
  if (!result.success) {
    throw new Error(`building the test double failed:\n${new TextDecoder().decode(result.stderr)}`);
  }
  Deno.renameSync(temporary, doubleLibraryPath);
  return doubleLibraryPath;
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
} as const satisfies Deno.ForeignLibraryInterface;

/** One call as the double decoded it. */
export interface RecordedCall {
  fn: "CreateBindLink" | "RemoveBindLink";
  virtualPath: string | null;
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

  constructor() {
    this.path = buildDouble();
    this.#control = Deno.dlopen(this.path, controlSymbols);
    this.api = new BindLinkApi(windowsPlatform({ libraryPath: this.path }));
    this.reset();
  }

  reset(): void {
    this.#control.symbols.double_reset();
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
