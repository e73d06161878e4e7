/**
 * The one undo mechanism for operations of several steps: each step done registers how to
 * undo it, and on failure what was done is undone newest first, so no half-done state is left
 * behind. Steps may be synchronous (a mount, a file) or asynchronous (a link through the
 * platform); a dead operation's record is undone the same way, its steps registered from it.
 *
 * @example
 * ```ts
 * import { UndoList } from "./undo.ts";
 *
 * const undo = new UndoList();
 * Deno.mkdirSync("/tmp/undo-example");
 * undo.push(() => Deno.removeSync("/tmp/undo-example"));
 * const errors = undo.rollback(); // the folder is gone again
 * ```
 *
 * @module
 */

/**
 * Steps to undo, most recent first.
 *
 * @example
 * ```ts
 * import { UndoList } from "./undo.ts";
 *
 * const undo = new UndoList();
 * undo.push(async () => await Deno.remove("/tmp/undo-example-2"));
 * const left = await undo.rollbackAsync(); // the errors of the steps that failed
 * ```
 */
export class UndoList {
  readonly #steps: (() => void | Promise<void>)[] = [];

  /** Registers how to undo the step just done. */
  push(undo: () => void | Promise<void>): void {
    this.#steps.push(undo);
  }

  /** Forgets every step: the operation succeeded. */
  commit(): void {
    this.#steps.length = 0;
  }

  /**
   * Undoes every step, most recent first. A failing undo does not stop the others; the
   * errors are returned so the caller can mention them. Every step must be synchronous: an
   * asynchronous one could not be waited for, so it counts as failed (use
   * {@linkcode UndoList.rollbackAsync}).
   */
  rollback(): unknown[] {
    const errors: unknown[] = [];
    while (this.#steps.length) {
      try {
        const result = this.#steps.pop()!();
        if (result instanceof Promise) {
          result.catch(() => {});
          errors.push(new TypeError("an asynchronous undo step needs rollbackAsync()"));
        }
      } catch (error) {
        errors.push(error);
      }
    }
    return errors;
  }

  /**
   * Undoes every step, most recent first, each awaited before the next. A failing undo does
   * not stop the others, unless `stopAtFirst`: then the first error ends the rollback and the
   * steps before it are not run (for an undo whose record is kept and tried again whole).
   * Returns the errors.
   */
  async rollbackAsync(stopAtFirst = false): Promise<unknown[]> {
    const errors: unknown[] = [];
    while (this.#steps.length) {
      try {
        await this.#steps.pop()!();
      } catch (error) {
        errors.push(error);
        if (stopAtFirst) {
          this.#steps.length = 0;
          break;
        }
      }
    }
    return errors;
  }
}
