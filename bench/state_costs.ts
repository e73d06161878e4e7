/**
 * Section 5 of the bench: what the lock, the intent record and the recovery check each add
 * to a create+remove pair (issue 12). Waits for lib/state/.
 *
 * @module
 */
import type { BenchContext } from "./context.ts";
import type { Row } from "./report.ts";

/** Section 5. */
export function stateRows(_context: BenchContext): Row[] {
  return [{
    name: "lock, intent record, recovery check",
    measured: "",
    error: "lib/state/ does not exist yet",
  }];
}
