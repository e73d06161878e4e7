/**
 * A native library opened on first use and closed on request, safely: buffers handed to a
 * nonblocking call stay referenced until it settles, and closing waits for calls in flight.
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
