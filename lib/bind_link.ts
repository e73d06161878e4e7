/**
 * A live bind link, as returned by `createBindLink`.
 *
 * @module
 */
import type { LinkSpec, Platform } from "./platform.ts";

/**
 * A bind link this process created. Remove it with {@linkcode BindLink.remove}, or let a
 * `using` / `await using` declaration remove it when the scope ends, also when the scope
 * ends by an exception.
 *
 * @example Scoped link
 * ```ts
 * import { createBindLink } from "@bindlink/bindlink";
 *
 * {
 *   await using link = await createBindLink("C:\\app\\config", "D:\\configs\\staging");
 *   console.log(`${link.virtualPath} shows ${link.backingPath}`);
 *   // ... run the build that reads C:\app\config ...
 * } // the link is removed here
 * ```
 */
export class BindLink implements AsyncDisposable, Disposable {
  /** The virtual path, absolute. */
  readonly virtualPath: string;
  /** The backing path, absolute. */
  readonly backingPath: string;
  /** Whether the link masks write access to the backing path's files. */
  readonly readOnly: boolean;
  /** Whether the virtual path's own entries stay visible. */
  readonly merged: boolean;
  /** The exception paths, absolute. */
  readonly exceptions: readonly string[];
  readonly #platform: Platform;
  #removed = false;
  #removing: Promise<void> | undefined;

  /** Wraps a link that `platform` has just created from `spec`. */
  constructor(spec: LinkSpec, platform: Platform) {
    this.virtualPath = spec.virtualPath;
    this.backingPath = spec.backingPath;
    this.readOnly = spec.readOnly;
    this.merged = spec.merged;
    this.exceptions = Object.freeze([...spec.exceptions]);
    this.#platform = platform;
  }

  /** True once this object has removed its link. */
  get removed(): boolean {
    return this.#removed;
  }

  /**
   * Removes the link. Calling it again after it succeeded does nothing; if it failed, the link
   * is still there and calling again retries.
   */
  remove(): Promise<void> {
    if (this.#removed) return Promise.resolve();
    this.#removing ??= this.#platform.remove(this.virtualPath).then(
      () => {
        this.#removed = true;
      },
      (error) => {
        this.#removing = undefined;
        throw error;
      },
    );
    return this.#removing;
  }

  /** Removes the link, blocking; like {@linkcode BindLink.remove}. */
  removeSync(): void {
    if (this.#removed) return;
    this.#platform.removeSync(this.virtualPath);
    this.#removed = true;
  }

  /** Removes the link at the end of an `await using` scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.remove();
  }

  /** Removes the link at the end of a `using` scope. */
  [Symbol.dispose](): void {
    this.removeSync();
  }

  /** The link as plain data, for JSON output. */
  toJSON(): Record<string, unknown> {
    return {
      virtualPath: this.virtualPath,
      backingPath: this.backingPath,
      readOnly: this.readOnly,
      merged: this.merged,
      exceptions: this.exceptions,
      removed: this.#removed,
    };
  }
}
