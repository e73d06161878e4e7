/**
 * A native library opened on first use and closed on request, safely: buffers handed to a
 * nonblocking call stay referenced until it settles, and closing waits for calls in flight.
 * {@linkcode LazyLibrary} binds each of one library's symbols on its first call.
 *
 * @module
 */

/**
 * Holds one `Deno.dlopen` handle. `open` is given the symbol table and returns the library,
 * so the caller decides how a failure to load is reported.
 *
 * @example
 * ```ts
 * const libc = new NativeLibrary(() =>
 *   Deno.dlopen("/lib/x86_64-linux-gnu/libc.so.6", {
 *     usleep: { parameters: ["u32"], result: "i32", nonblocking: true }, // int usleep(useconds_t)
 *   })
 * );
 * await libc.track({}, (symbols) => symbols.usleep(1000)); // opened here, on first use
 * libc.close();
 * ```
 */
export class NativeLibrary<S extends Deno.ForeignLibraryInterface> {
  #library: Deno.DynamicLibrary<S> | undefined;
  #inFlight = 0;
  #closeRequested = false;
  // Raw addresses inside pointer arrays are invisible to the garbage collector; this set is
  // what keeps the buffers they point into alive while native code may still read them.
  readonly #pinned = new Set<object>();
  readonly #open: () => Deno.DynamicLibrary<S>;

  /** `open` loads the library; it runs at most once until {@linkcode close}. */
  constructor(open: () => Deno.DynamicLibrary<S>) {
    this.#open = open;
  }

  /** True once the library has been loaded and not closed since. */
  get isOpen(): boolean {
    return this.#library !== undefined;
  }

  /** The symbols, loading the library on first use. */
  get symbols(): Deno.DynamicLibrary<S>["symbols"] {
    this.#closeRequested = false;
    this.#library ??= this.#open();
    return this.#library.symbols;
  }

  /** Runs a nonblocking call, keeping `buffers` referenced and the library open until it settles. */
  async track<T>(
    buffers: object,
    call: (symbols: Deno.DynamicLibrary<S>["symbols"]) => Promise<T>,
  ): Promise<T> {
    const symbols = this.symbols;
    const pin = { buffers };
    this.#pinned.add(pin);
    this.#inFlight++;
    try {
      return await call(symbols);
    } finally {
      this.#pinned.delete(pin);
      this.#inFlight--;
      if (this.#closeRequested && this.#inFlight === 0) this.#closeNow();
    }
  }

  /** Closes the library now, or as soon as the calls in flight have settled. */
  close(): void {
    if (this.#inFlight > 0) this.#closeRequested = true;
    else this.#closeNow();
  }

  #closeNow(): void {
    this.#closeRequested = false;
    this.#library?.close();
    this.#library = undefined;
  }
}

// A union turned into the intersection of its members (each group's table, merged).
type Intersection<U> = (U extends unknown ? (table: U) => void : never) extends
  (table: infer T) => void ? T : never;

/** Every symbol of every group of `G`, as one table. */
export type AllSymbols<G extends Record<string, Deno.ForeignLibraryInterface>> =
  Intersection<G[keyof G]> extends infer T extends Deno.ForeignLibraryInterface ? T : never;

/**
 * One native library whose symbols are each bound on their first call. `Deno.dlopen`
 * compiles a fast-call trampoline for every synchronous symbol it is given (measured at
 * 0.2-0.8 ms a symbol on a 2-core VM, against 0.25 ms for a whole table of `nonblocking`
 * ones), so binding the table whole would cost a command every symbol it never calls.
 *
 * The table stays in groups, by purpose, each `as const satisfies
 * Deno.ForeignLibraryInterface`; {@linkcode symbols} reaches every symbol by name.
 *
 * @example
 * ```ts
 * import { LazyLibrary } from "./native_library.ts";
 * import { libcPath } from "./linux/libc_ffi.ts";
 *
 * const path = libcPath(); // an absolute path, never a bare name: bindlink runs as root
 * const library = new LazyLibrary({
 *   ids: { getpid: { parameters: [], result: "i32" }, getppid: { parameters: [], result: "i32" } },
 *   text: { strlen: { parameters: ["buffer"], result: "usize" } },
 * }, (table) => Deno.dlopen(path, table));
 * console.log(library.symbols.getpid(), library.boundSymbols); // a pid, ["getpid"]
 * library.close();
 * ```
 */
export class LazyLibrary<G extends Record<string, Deno.ForeignLibraryInterface>> {
  readonly #tables: G;
  readonly #bound = new Map<string, Deno.DynamicLibrary<Deno.ForeignLibraryInterface>>();
  readonly #open: (table: Deno.ForeignLibraryInterface) => Deno.DynamicLibrary<
    Deno.ForeignLibraryInterface
  >;
  readonly #first: string | undefined;
  #facade: Deno.DynamicLibrary<AllSymbols<G>>["symbols"] | undefined;

  /**
   * `open` loads the library with a table of one symbol; it is called once per symbol used.
   * `first` names a symbol bound before any other: the one that reads errno, since binding
   * a symbol after a failed call (to read its errno) could itself change errno.
   */
  constructor(
    tables: G,
    open: <S extends Deno.ForeignLibraryInterface>(table: S) => Deno.DynamicLibrary<S>,
    first?: keyof AllSymbols<G> & string,
  ) {
    this.#tables = tables;
    this.#open = open;
    this.#first = first;
  }

  /** The symbols bound so far, in the order they were bound. */
  get boundSymbols(): string[] {
    return [...this.#bound.keys()];
  }

  #bind(group: keyof G, symbol: string): unknown {
    if (this.#first !== undefined && symbol !== this.#first && !this.#bound.has(this.#first)) {
      this.symbols[this.#first as keyof AllSymbols<G>];
    }
    // Reached once per symbol: the facade then holds the function itself.
    const library = this.#open({ [symbol]: this.#tables[group][symbol] });
    this.#bound.set(symbol, library);
    return library.symbols[symbol];
  }

  /**
   * Every symbol by name. Each is an accessor until first read, which binds it and then
   * leaves the function itself in its place, so later calls cost a plain property read.
   */
  get symbols(): Deno.DynamicLibrary<AllSymbols<G>>["symbols"] {
    if (this.#facade) return this.#facade;
    const facade = {} as Record<string, unknown>;
    for (const group of Object.keys(this.#tables) as (keyof G & string)[]) {
      for (const symbol of Object.keys(this.#tables[group])) {
        Object.defineProperty(facade, symbol, {
          configurable: true,
          enumerable: true,
          get: () => {
            const value = this.#bind(group, symbol);
            Object.defineProperty(facade, symbol, { value, enumerable: true });
            return value;
          },
        });
      }
    }
    return this.#facade = facade as Deno.DynamicLibrary<AllSymbols<G>>["symbols"];
  }

  /** Closes every bound symbol's handle; the next use binds again. */
  close(): void {
    for (const library of this.#bound.values()) library.close();
    this.#bound.clear();
    this.#facade = undefined;
  }
}
