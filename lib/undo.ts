/**
 * An undo list for operations of several steps: on failure, what was done is undone in
 * reverse, so no half-done state is left behind.
 *
 * @module
 */

/** Steps to undo, most recent first. */
export class UndoList {
  readonly #steps: (() => void)[] = [];

  /** Registers how to undo the step just done. */
  push(undo: () => void): void {
    this.#steps.push(undo);
  }

  /** Forgets every step: the operation succeeded. */
  commit(): void {
    this.#steps.length = 0;
  }

  /**
   * Undoes every step, most recent first. A failing undo does not stop the others; the
   * errors are returned so the caller can mention them.
   */
  rollback(): unknown[] {
    const errors: unknown[] = [];
    while (this.#steps.length) {
      try {
        this.#steps.pop()!();
      } catch (error) {
        errors.push(error);
      }
    }
    return errors;
  }
}
