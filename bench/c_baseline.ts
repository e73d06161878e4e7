/**
 * The C baseline (bench/c/baseline.c), loaded through Deno.dlopen so that its calls run in
 * the bench's own process, interleaved with the library's.
 *
 * @module
 */

const symbols = {
  /** int bl_create(const char*, const char*, const char*, const char*, int, const char*, const char*) */
  bl_create: {
    parameters: [
      "buffer", // const char* state_dir
      "buffer", // const char* name
      "buffer", // const char* virt
      "buffer", // const char* backing
      "i32", // int merged
      "buffer", // const char* work
      "buffer", // const char* exceptions (newline-separated, relative to virt)
    ],
    result: "i32", // int: 0 or -errno
  },
  /** int bl_remove(const char* state_dir, const char* name, const char* virt, const char* work) */
  bl_remove: {
    parameters: [
      "buffer", // const char* state_dir
      "buffer", // const char* name
      "buffer", // const char* virt
      "buffer", // const char* work
    ],
    result: "i32", // int: 0 or -errno
  },
  /** int bl_kernel_pair(const char* virt, const char* backing) */
  bl_kernel_pair: {
    parameters: ["buffer", /* const char* virt */ "buffer" /* const char* backing */],
    result: "i32", // int: 0 or -errno
  },
  /** int bl_state_pair(const char* dir, const char* virt, const char* backing, int what) */
  bl_state_pair: {
    parameters: [
      "buffer", // const char* dir
      "buffer", // const char* virt
      "buffer", // const char* backing
      "i32", // int what: 1 lock, 2 intent record, 4 recovery check, 8 kernel calls
    ],
    result: "i32", // int: 0 or -errno
  },
  /** int bl_attach(const char* virt, const char* backing) */
  bl_attach: {
    parameters: ["buffer", /* const char* virt */ "buffer" /* const char* backing */],
    result: "i32", // int: 0 or -errno
  },
  /** int bl_detach(const char* virt) */
  bl_detach: { parameters: ["buffer" /* const char* virt */], result: "i32" /* int */ },
  /** int64_t bl_spawn_ns(const char* args, int argc, int* status) */
  bl_spawn_ns: {
    parameters: [
      "buffer", // const char* args: argc NUL-terminated strings back to back
      "i32", // int argc
      "buffer", // int* status
    ],
    result: "i64", // int64_t: wall nanoseconds, or -1
  },
  /** int64_t bl_now_ns(void) */
  bl_now_ns: { parameters: [], result: "i64" /* int64_t */ },
} as const satisfies Deno.ForeignLibraryInterface;

/** {@linkcode CBaseline.statePair}: an flock on dir/lock around each operation. */
export const STATE_LOCK = 1;
/** {@linkcode CBaseline.statePair}: an intent record written and renamed, then unlinked. */
export const STATE_INTENT = 2;
/** {@linkcode CBaseline.statePair}: one read of dir/intents before each operation. */
export const STATE_RECOVERY_CHECK = 4;
/** {@linkcode CBaseline.statePair}: the kernel's calls (attach, detach) too. */
export const STATE_KERNEL = 8;

const encoder = new TextEncoder();

/** `text` as a NUL-terminated C string. */
export function c(text: string): Uint8Array<ArrayBuffer> {
  const bytes = encoder.encode(text);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

/** One link as the C baseline makes it; strings pre-encoded so the loop does no encoding. */
export interface CLink {
  readonly name: Uint8Array<ArrayBuffer>;
  readonly virtualPath: Uint8Array<ArrayBuffer>;
  readonly backingPath: Uint8Array<ArrayBuffer>;
  readonly merged: number;
  readonly work: Uint8Array<ArrayBuffer>;
  readonly exceptions: Uint8Array<ArrayBuffer>;
}

/** The result of one timed process. */
export interface Spawned {
  /** Wall time from spawn to exit, in milliseconds. */
  ms: number;
  /** Exit code, or 128 + signal. */
  status: number;
}

/** The C baseline's calls. */
export class CBaseline implements Disposable {
  readonly #lib: Deno.DynamicLibrary<typeof symbols>;
  readonly #stateDir: Uint8Array<ArrayBuffer>;

  /** Opens the compiled library at `libraryPath`; records go to `stateDir`. */
  constructor(libraryPath: string, stateDir: string) {
    this.#lib = Deno.dlopen(libraryPath, symbols);
    Deno.mkdirSync(stateDir, { recursive: true });
    this.#stateDir = c(stateDir);
  }

  /** Describes a link for {@linkcode CBaseline.create}. */
  link(
    name: string,
    virtualPath: string,
    backingPath: string,
    options: { merged?: boolean; work?: string; exceptions?: readonly string[] } = {},
  ): CLink {
    return {
      name: c(name),
      virtualPath: c(virtualPath),
      backingPath: c(backingPath),
      merged: options.merged ? 1 : 0,
      work: c(options.work ?? ""),
      exceptions: c((options.exceptions ?? []).join("\n")),
    };
  }

  /** Creates `link`; throws with the errno name on failure. */
  create(link: CLink): void {
    check(
      "bl_create",
      this.#lib.symbols.bl_create(
        this.#stateDir,
        link.name,
        link.virtualPath,
        link.backingPath,
        link.merged,
        link.work,
        link.exceptions,
      ),
    );
  }

  /** Removes `link`. */
  remove(link: CLink): void {
    check(
      "bl_remove",
      this.#lib.symbols.bl_remove(this.#stateDir, link.name, link.virtualPath, link.work),
    );
  }

  /** Only the kernel's calls: attach and detach `backing` at `virtual`. */
  kernelPair(virtualPath: Uint8Array<ArrayBuffer>, backingPath: Uint8Array<ArrayBuffer>): void {
    check("bl_kernel_pair", this.#lib.symbols.bl_kernel_pair(virtualPath, backingPath));
  }

  /**
   * The state work `what` asks for ({@linkcode STATE_LOCK}, {@linkcode STATE_INTENT},
   * {@linkcode STATE_RECOVERY_CHECK}, in `dir`) of a create+remove pair, around the kernel's
   * calls (attach `backing` at `virtual`, detach) when {@linkcode STATE_KERNEL} is set.
   */
  statePair(
    dir: Uint8Array<ArrayBuffer>,
    virtualPath: Uint8Array<ArrayBuffer>,
    backingPath: Uint8Array<ArrayBuffer>,
    what: number,
  ): void {
    check("bl_state_pair", this.#lib.symbols.bl_state_pair(dir, virtualPath, backingPath, what));
  }

  /** The kernel's calls of a create only: attach a clone of `backing` at `virtual`. */
  attach(virtualPath: Uint8Array<ArrayBuffer>, backingPath: Uint8Array<ArrayBuffer>): void {
    check("bl_attach", this.#lib.symbols.bl_attach(virtualPath, backingPath));
  }

  /** The kernel's call of a remove only: detach the mount at `virtual`. */
  detach(virtualPath: Uint8Array<ArrayBuffer>): void {
    check("bl_detach", this.#lib.symbols.bl_detach(virtualPath));
  }

  /** Runs `argv` (argv[0] absolute) to its end, output discarded, and times it. */
  spawn(argv: readonly string[]): Spawned {
    const args = c(argv.join("\0"));
    const status = new Int32Array(1);
    const ns = this.#lib.symbols.bl_spawn_ns(args, argv.length, new Uint8Array(status.buffer));
    if (ns < 0) throw new Error(`could not start ${argv[0]}`);
    return { ms: Number(ns) / 1e6, status: status[0] };
  }

  /** The monotonic clock, in milliseconds. */
  nowMs(): number {
    return Number(this.#lib.symbols.bl_now_ns()) / 1e6;
  }

  /** Closes the library. */
  [Symbol.dispose](): void {
    this.#lib.close();
  }
}

function check(call: string, result: number): void {
  if (result !== 0) throw new Error(`${call} failed: errno ${-result}`);
}
