/**
 * A native library opened on first use and closed on request, safely: buffers handed to a
 * nonblocking call stay referenced until it settles, and closing waits for calls in flight.
 * {@linkcode GroupedLibrary} opens one library's symbol table a group at a time.
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
 * One native library whose symbol table is split into groups, each opened on its first
 * call. `Deno.dlopen` builds a callable for every symbol it is given, and that is most of its
 * cost (about a millisecond each on a busy machine): a command that binds only the groups it
 * calls starts that much sooner.
 *
 * {@linkcode symbols} still reaches every symbol by name; a symbol's group is opened when
 * the symbol is first read.
 *
 * @example
 * ```ts
 * import { GroupedLibrary } from "./native_library.ts";
 * import { libcPath } from "./linux/libc_ffi.ts";
 *
 * const path = libcPath(); // an absolute path, never a bare name: bindlink runs as root
 * const library = new GroupedLibrary({
 *   ids: { getpid: { parameters: [], result: "i32" } },
 *   text: { strlen: { parameters: ["buffer"], result: "usize" } },
 * }, (table) => Deno.dlopen(path, table));
 * console.log(library.symbols.getpid(), library.openGroups); // a pid, ["ids"]
 * library.close();
 * ```
 */
export class GroupedLibrary<G extends Record<string, Deno.ForeignLibraryInterface>> {
  readonly #tables: G;
  readonly #groups = new Map<keyof G, NativeLibrary<G[keyof G]>>();
  readonly #open: <S extends G[keyof G]>(table: S) => Deno.DynamicLibrary<S>;
  readonly #first: keyof G | undefined;
  #facade: Deno.DynamicLibrary<AllSymbols<G>>["symbols"] | undefined;

  /**
   * `open` loads the library with one group's table; it is called once per group used.
   * `first` names a group opened before any other: the one that reads errno, since opening
   * a library after a failed call (to read its errno) could itself change errno.
   */
  constructor(
    tables: G,
    open: <S extends G[keyof G]>(table: S) => Deno.DynamicLibrary<S>,
    first?: keyof G,
  ) {
    this.#tables = tables;
    this.#open = open;
    this.#first = first;
  }

  /** The names of the groups opened so far, in the order they were opened. */
  get openGroups(): (keyof G)[] {
    return [...this.#groups.keys()];
  }

  /** The library opened with group `name`'s table only. */
  group<K extends keyof G>(name: K): NativeLibrary<G[K]> {
    let group = this.#groups.get(name);
    if (!group) {
      if (this.#first !== undefined && name !== this.#first) this.group(this.#first).symbols;
      group = new NativeLibrary(() => this.#open(this.#tables[name]));
      this.#groups.set(name, group);
    }
    return group as NativeLibrary<G[K]>;
  }

  /**
   * Every symbol by name. Each is an accessor until first read, which opens its group and
   * then leaves the function itself in its place, so later calls cost a plain property read.
   */
  get symbols(): Deno.DynamicLibrary<AllSymbols<G>>["symbols"] {
    if (this.#facade) return this.#facade;
    const facade = {} as Record<string, unknown>;
    for (const name of Object.keys(this.#tables) as (keyof G & string)[]) {
      for (const symbol of Object.keys(this.#tables[name])) {
        Object.defineProperty(facade, symbol, {
          configurable: true,
          enumerable: true,
          get: () => {
            const value = (this.group(name).symbols as Record<string, unknown>)[symbol];
            Object.defineProperty(facade, symbol, { value, enumerable: true });
            return value;
          },
        });
      }
    }
    return this.#facade = facade as Deno.DynamicLibrary<AllSymbols<G>>["symbols"];
  }

  /** Closes every group (each as soon as its calls in flight settle); the next use reopens. */
  close(): void {
    for (const group of this.#groups.values()) group.close();
    this.#groups.clear();
    this.#facade = undefined;
  }
}
